// Failures a lab registry cannot produce on demand, from small real HTTP servers on 127.0.0.1:
// redirects to another origin, 429, a server that never answers, a name that does not resolve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient, RegistryError, diagnoseHttp, pullImage } from '../../playbooks/oci/index.ts';
import { ensureSigningKey } from '../../playbooks/lab/signing.ts';
import { buildStatic } from '../../playbooks/lab/images.ts';

function listen(s: Server): Promise<string> {
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

async function failure(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RegistryError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('blob redirects and protocol faults', () => {
  const img = buildStatic('chainguard/static');
  const blobs = new Map(img.blobs.map((b) => [b.descriptor.digest, b.bytes]));
  const manifest = img.manifests[0]!;
  const seenAuth: Array<string | undefined> = [];
  let corrupt = false;
  const storage = createServer((req, res) => {
    seenAuth.push(req.headers.authorization);
    const d = decodeURIComponent((req.url ?? '').split('/').pop()!.split('?')[0]!);
    const b = blobs.get(d);
    if (!b) return res.writeHead(404).end();
    const out = corrupt ? Buffer.concat([b.subarray(0, -1), Buffer.from([b[b.length - 1]! ^ 1])]) : b;
    res.writeHead(200, { 'Content-Length': String(out.length) }).end(out);
  });
  let storageUrl = '';
  const registry = createServer((req: IncomingMessage, res) => {
    const url = req.url ?? '';
    if (req.headers.authorization !== 'Basic ' + Buffer.from('u:p').toString('base64')) {
      return res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"', 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    }
    if (url === '/v2/') return res.writeHead(200).end('{}');
    if (url.startsWith('/v2/chainguard/static/manifests/')) return res.writeHead(200, { 'Content-Type': manifest.descriptor.mediaType, 'Docker-Content-Digest': manifest.descriptor.digest }).end(manifest.bytes);
    if (url.startsWith('/v2/chainguard/static/blobs/')) return res.writeHead(307, { Location: `${storageUrl}/bucket/${url.split('/').pop()}?sig=abc` }).end();
    if (url.startsWith('/v2/limited/')) return res.writeHead(429, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"TOOMANYREQUESTS","message":"rate limit exceeded"}]}');
    res.writeHead(404).end();
  });
  const silent = createServer(() => {
    /* never answers */
  });
  let base = '';
  let silentUrl = '';
  beforeAll(async () => {
    storageUrl = await listen(storage);
    base = await listen(registry);
    silentUrl = await listen(silent);
  });
  afterAll(async () => {
    for (const s of [storage, registry, silent]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('answers a Basic challenge, follows a cross-origin redirect without forwarding Authorization, checks digests', async () => {
    const c = new RegistryClient({ baseUrl: base, username: 'u', password: 'p' });
    const r = await pullImage(c, { repository: 'chainguard/static', tag: 'latest' }, AbortSignal.timeout(10_000));
    expect(r.redirects).toBe(2);
    expect(seenAuth.length).toBe(2);
    expect(seenAuth.every((a) => a === undefined)).toBe(true);
    corrupt = true;
    const e = await failure(pullImage(c, { repository: 'chainguard/static', tag: 'latest' }, AbortSignal.timeout(10_000)));
    corrupt = false;
    expect(e.diagnosis.code).toBe('DIGEST_MISMATCH');
  });

  it('asks for credentials on a Basic challenge without them', async () => {
    const e = await failure(new RegistryClient({ baseUrl: base }).manifest('chainguard/static', 'latest', 'GET', AbortSignal.timeout(5000)));
    expect(e.diagnosis.code).toBe('UNAUTHORIZED');
  });

  it('maps 429 to TOOMANYREQUESTS', async () => {
    const e = await failure(new RegistryClient({ baseUrl: base, username: 'u', password: 'p' }).manifest('limited/x', 'latest', 'GET', AbortSignal.timeout(5000)));
    expect(e.diagnosis.code).toBe('TOOMANYREQUESTS');
    expect(e.status).toBe(429);
  });

  it('times out against a server that never answers', async () => {
    const t0 = Date.now();
    const e = await failure(new RegistryClient({ baseUrl: silentUrl, timeoutMs: 300 }).ping(AbortSignal.timeout(10_000)));
    expect(e.diagnosis.code).toBe('TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('stops when the caller aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const e = await failure(new RegistryClient({ baseUrl: silentUrl }).ping(ac.signal));
    expect(e.diagnosis.code).toBe('ABORTED');
  });

  it('says TLS for a certificate this machine does not trust (self-signed, made with openssl)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgr-tls-'));
    const k = ensureSigningKey(dir);
    const server = createHttpsServer({ key: readFileSync(join(dir, 'signing', 'key.pem')), cert: readFileSync(k.certFile) }, (_req, res) => res.writeHead(200).end('{}'));
    try {
      const url = await listen(server as unknown as Server);
      const e = await failure(new RegistryClient({ baseUrl: url.replace('http:', 'https:'), timeoutMs: 5000 }).ping(AbortSignal.timeout(10_000)));
      expect(e.diagnosis.code).toBe('TLS');
      expect(e.diagnosis.cause).toMatch(/not trusted|SELF_SIGNED|certificate/i);
      expect(e.diagnosis.fix).toMatch(/CA/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names NAME_UNKNOWN and DENIED from the registry error JSON', () => {
    const ctx = { registry: 'https://cgr.dev', repository: 'acme.example/nope', reference: 'latest', phase: 'manifest' as const };
    expect(diagnoseHttp(404, '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}', ctx).diagnosis.code).toBe('NAME_UNKNOWN');
    const denied = diagnoseHttp(403, '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}', { ...ctx, withCredentials: true });
    expect(denied.diagnosis.code).toBe('DENIED');
    expect(denied.diagnosis.fix).toMatch(/--parent <org>/);
  });

  it("a registry's error text reaches a diagnosis as one bounded line: no line breaks, escape sequences or megabytes from the server", () => {
    const ctx = { registry: 'http://127.0.0.1:1', repository: 'chainguard/static', reference: 'latest', phase: 'manifest' as const };
    const hostile = JSON.stringify({ errors: [{ code: 'DENIED', message: `no\n::error::forged\r\u001b]0;title\u0007\u2028${'x'.repeat(1_000_000)}` }] });
    const e = diagnoseHttp(403, hostile, ctx);
    for (const text of [e.message, e.diagnosis.cause, e.diagnosis.fix]) {
      expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      expect(text.length).toBeLessThan(1000);
    }
    expect(e.diagnosis.cause).toContain('no ::error::forged ]0;title');
    expect(diagnoseHttp(500, `${'y'.repeat(300_000)}\n`, ctx).message.length).toBeLessThan(1000);
  });

  it('says DNS for a name that does not resolve', async () => {
    const e = await failure(new RegistryClient({ baseUrl: 'https://registry.does-not-exist.invalid', timeoutMs: 5000 }).ping(AbortSignal.timeout(10_000)));
    expect(e.diagnosis.code).toBe('DNS');
    expect(e.diagnosis.cause).toContain('registry.does-not-exist.invalid');
  });
});
