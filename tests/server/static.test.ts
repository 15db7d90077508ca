// The one static server (`cgr-playbook ui`): only files really inside the site, the slash form of
// folders, gzip, caching, and a Content-Security-Policy that holds the hashes of the page's inline
// scripts (the site's own and the token script the server adds).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startUiServer, type UiServer } from '../../playbooks/server/server.ts';
import { TOKEN_SCRIPT } from '../../playbooks/server/static.ts';

let tmp: string;
let ui: UiServer;
const THEME_SCRIPT = "\n\twindow.theme = localStorage.getItem('t');\r\n";

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cgr-static-'));
  const site = join(tmp, 'site');
  mkdirSync(join(site, 'guides', 'nexus'), { recursive: true });
  mkdirSync(join(site, '_astro'), { recursive: true });
  writeFileSync(join(tmp, 'outside.txt'), 'OUTSIDE-SECRET');
  writeFileSync(
    join(site, 'index.html'),
    `<!doctype html><html><head><title>Home</title><script>${THEME_SCRIPT}</script><script type="application/json" id="m">{"a":1}</script><script type="module" src="/_astro/page.js"></script></head><body>${'<p>Home page text</p>'.repeat(200)}</body></html>`,
  );
  writeFileSync(join(site, 'guides', 'nexus', 'index.html'), '<!doctype html><html><head><title>Nexus</title></head><body>Nexus</body></html>');
  writeFileSync(join(site, '404.html'), '<!doctype html><html><head><title>Not found</title></head><body>Not found</body></html>');
  writeFileSync(join(site, '_astro', 'page.js'), 'console.log("page");\n'.repeat(100));
  // Links out of the site: a folder and a file.
  symlinkSync(tmp, join(site, 'up'));
  symlinkSync(join(tmp, 'outside.txt'), join(site, 'outside-link.txt'));
  // A link that stays inside is fine.
  symlinkSync(join(site, 'guides'), join(site, 'docs'));
  ui = await startUiServer({ siteDir: site, loadGuide: () => Promise.reject(new Error('no guides')), services: {} });
}, 60_000);

afterAll(async () => {
  await ui?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: ui.port, path, headers: { Host: `127.0.0.1:${ui.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

describe('static server: files', () => {
  it('serves only files whose real path is inside the site (symlinks out are refused, also through an encoded slash)', async () => {
    for (const path of ['/up/outside.txt', '/up%2Foutside.txt', '/up%2foutside.txt', '/outside-link.txt', '/up/site/../outside.txt', '/../outside.txt', '/%2e%2e/outside.txt']) {
      const r = await get(path);
      expect(r.body.toString(), path).not.toContain('OUTSIDE-SECRET');
      expect(r.status, path).toBe(404);
    }
    const inside = await get('/docs/nexus/');
    expect(inside.status).toBe(200);
    expect(inside.body.toString()).toContain('Nexus');
  });

  it('redirects a folder to its slash form, keeping the query, never to another host', async () => {
    const r = await get('/guides/nexus?x=1');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/guides/nexus/?x=1');
    const twice = await get('//guides/nexus');
    expect(twice.status).toBe(301);
    expect(twice.headers.location).toBe('/guides/nexus/');
    expect((await get('/guides/nexus/')).status).toBe(200);
  });

  it('answers a missing file with the site 404 page', async () => {
    const r = await get('/nope/');
    expect(r.status).toBe(404);
    expect(r.body.toString()).toContain('Not found');
  });

  it('compresses text with gzip when the browser accepts it', async () => {
    const plain = await get('/');
    const zipped = await get('/', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(gunzipSync(zipped.body).toString()).toBe(plain.body.toString());
    expect(zipped.body.length).toBeLessThan(plain.body.length / 4);
    const js = await get('/_astro/page.js', { 'Accept-Encoding': 'gzip' });
    expect(js.headers['content-encoding']).toBe('gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('caches content-hashed /_astro/ files for a year; pages revalidate (ETag, 304)', async () => {
    expect((await get('/_astro/page.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const page = await get('/guides/nexus/');
    expect(page.headers['cache-control']).toBe('no-cache');
    const etag = String(page.headers.etag);
    expect(etag).toMatch(/^W\/"/);
    const again = await get('/guides/nexus/', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });
});

describe('static server: Content-Security-Policy', () => {
  it('allows scripts from the site and exactly the inline scripts of the page, by hash', async () => {
    const r = await get('/');
    const csp = String(r.headers['content-security-policy']);
    const directives = new Map(csp.split(/;\s*/).map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    const scripts = directives.get('script-src')!;
    expect(scripts).toContain("'self'");
    // The page's own inline script (line breaks as the HTML parser normalizes them) and the token script.
    expect(scripts).toContain(sha256(THEME_SCRIPT.replace(/\r\n/g, '\n')));
    expect(scripts).toContain(sha256(TOKEN_SCRIPT));
    expect(scripts.filter((s) => s.startsWith("'sha256-"))).toHaveLength(2);
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    expect(directives.get('connect-src')).toEqual(["'self'", `ws://127.0.0.1:${ui.port}`]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
  });

  it('names the Host the page was asked for in connect-src (localhost too; not an IPv6 literal)', async () => {
    const r = await get('/', { Host: `localhost:${ui.port}` });
    expect(String(r.headers['content-security-policy'])).toContain(`connect-src 'self' ws://localhost:${ui.port};`);
    // CSP has no syntax for IPv6 literals: 'self' alone (it covers the page's own ws:// origin).
    const v6 = await get('/', { Host: `[::1]:${ui.port}` });
    expect(String(v6.headers['content-security-policy'])).toContain(`connect-src 'self';`);
  });
});
