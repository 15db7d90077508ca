// Serves the built site (build/site/) read-only: the one server readers get (`cgr-playbook ui`,
// `npm start`), also what the browser tests and the site bench measure.
// - only files whose real path (symlinks resolved) is inside the site folder;
// - a folder without its trailing slash is redirected to it (the site's links are relative to it);
// - gzip for text types when the browser accepts it, computed once per version of a file;
// - /_astro/ files (content-hashed names) are cached for a year, everything else revalidates (ETag);
// - every HTML page gets the runner's meta tag and a tiny inline script that moves `#token=` from
//   the address bar into sessionStorage, and a Content-Security-Policy that allows exactly the
//   inline scripts the page holds (their SHA-256, computed here) and scripts from the site itself.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  // Pagefind's index files (already compressed by Pagefind)
  '.pf_meta': 'application/octet-stream',
  '.pf_index': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream',
  '.pagefind': 'application/octet-stream',
};

const COMPRESSIBLE = /^(text\/|application\/(json|xml|manifest\+json)|image\/svg)/;
/** Files larger than this are streamed as they are, never held in memory. */
const MAX_CACHED = 4 * 1024 * 1024;

/** The inline script every page gets (runs before anything else: the token leaves the address bar at once). */
export const TOKEN_SCRIPT =
  "(function(){try{var m=/(?:^#|&)token=([0-9a-f]{32})(?:&|$)/.exec(location.hash);" +
  "if(m){sessionStorage.setItem('cgr-runner-token',m[1]);history.replaceState(history.state,'',location.pathname+location.search);}}catch(e){}})();";

/** The tags added to each page, before `</head>`. */
export function runnerHeadTags(wsPath: string): string {
  return `<meta name="cgr-runner" content="${wsPath}"><script>${TOKEN_SCRIPT}</script>`;
}

export function injectHead(html: string, tags: string): string {
  const i = html.search(/<\/head>/i);
  return i >= 0 ? html.slice(0, i) + tags + html.slice(i) : tags + html;
}

/** Script types a browser runs; anything else (`application/json`, …) is data and needs no hash. */
const RUNNABLE = /^(|module|text\/javascript|application\/javascript)$/i;

/**
 * SHA-256 sources ('sha256-…') of the inline scripts of a page, in the form CSP compares: the
 * text between the tags, with line breaks normalized as the HTML parser does.
 */
export function inlineScriptHashes(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = m[1] ?? '';
    if (/\ssrc\s*=/i.test(attrs)) continue;
    const type = /\stype\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
    if (!RUNNABLE.test((type?.[1] ?? type?.[2] ?? type?.[3] ?? '').trim())) continue;
    const text = (m[2] ?? '').replace(/\r\n?/g, '\n');
    out.add(`'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
  }
  return [...out];
}

/**
 * The Content-Security-Policy of a response. Scripts: the site's own files and the given inline
 * hashes ('wasm-unsafe-eval' for Pagefind's search index); connections: the page's own origin and
 * its WebSocket (`host` is the request's Host, already checked against the allow-list).
 */
export function contentSecurityPolicy(host: string, scriptHashes: readonly string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${scriptHashes.map((h) => ` ${h}`).join('')}`,
    // Starlight and xterm.js set styles inline (style attributes, <style> elements).
    "style-src 'self' 'unsafe-inline'",
    // Starlight's icons in CSS are data: SVG.
    "img-src 'self' data:",
    "font-src 'self'",
    // 'self' covers the page's own ws:// origin in CSP 3 browsers; the explicit source is for older
    // ones. CSP has no syntax for an IPv6 literal ([::1]), so that Host gets 'self' alone.
    `connect-src 'self'${host.startsWith('[') ? '' : ` ws://${host}`}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The path of a request target, decoded; undefined when it is not a plain absolute path. */
function requestPath(target: string): string | undefined {
  const q = target.search(/[?#]/);
  const raw = q >= 0 ? target.slice(0, q) : target;
  if (!raw.startsWith('/')) return undefined;
  try {
    const decoded = decodeURIComponent(raw);
    return decoded.includes('\0') || decoded.includes('\\') ? undefined : decoded;
  } catch {
    return undefined;
  }
}

/** Resolves a decoded URL path inside root (lexically), or undefined when it would leave it. */
export function resolveInRoot(root: string, decodedPath: string): string | undefined {
  const p = join(root, decodedPath);
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep) ? p : undefined;
}

interface Found {
  file: string;
  size: number;
  mtimeMs: number;
}

/** The file to serve for a path: itself, or a folder's index.html; only when its real path is inside the real root. */
async function find(realRoot: string, root: string, decodedPath: string): Promise<Found | 'folder' | undefined> {
  const lexical = resolveInRoot(root, decodedPath);
  if (!lexical) return undefined;
  const real = await realpath(lexical).catch(() => undefined);
  if (!real || (real !== realRoot && !real.startsWith(realRoot + sep))) return undefined;
  const st = await stat(real).catch(() => undefined);
  if (st?.isFile()) return { file: real, size: st.size, mtimeMs: st.mtimeMs };
  if (!st?.isDirectory()) return undefined;
  if (!decodedPath.endsWith('/')) return 'folder';
  return find(realRoot, root, `${decodedPath}index.html`);
}

interface Prepared {
  key: string;
  etag: string;
  body: Buffer;
  gzip?: Buffer;
  scriptHashes: string[];
}

export interface StaticSite {
  /** Serves one request (GET/HEAD); `host` is the request's Host header, already allowed. */
  handle(req: IncomingMessage, res: ServerResponse, host: string): Promise<void>;
}

/** The site at `root` with `headTags` added to every HTML page. */
export function createStaticSite(root: string, headTags: string): StaticSite {
  const cache = new Map<string, Prepared>();
  let realRoot: Promise<string> | undefined;

  /** The bytes of a file as served (HTML with the head tags), its gzip and its inline script hashes; cached per version. */
  async function prepare(f: Found, html: boolean): Promise<Prepared> {
    const key = `${f.mtimeMs}:${f.size}`;
    const hit = cache.get(f.file);
    if (hit?.key === key) return hit;
    const raw = await readFile(f.file);
    const body = html ? Buffer.from(injectHead(raw.toString('utf8'), headTags), 'utf8') : raw;
    const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const prepared: Prepared = { key, etag, body, scriptHashes: html ? inlineScriptHashes(body.toString('utf8')) : [] };
    cache.set(f.file, prepared);
    return prepared;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, host: string): Promise<void> {
    const csp = contentSecurityPolicy(host);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Security-Policy': csp, ...SECURITY_HEADERS }).end();
      return;
    }
    const path = requestPath(req.url ?? '/');
    if (path === undefined) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': csp, ...SECURITY_HEADERS }).end('bad path\n');
      return;
    }
    realRoot ??= realpath(root);
    const rootReal = await realRoot;
    let found = await find(rootReal, root, path);
    if (found === 'folder') {
      // Relative links on the site assume the slash form: /guides/nexus -> /guides/nexus/ (query kept).
      const target = req.url ?? '/';
      const q = target.search(/[?#]/);
      const location = `/${(q >= 0 ? target.slice(0, q) : target).replace(/^\/+/, '')}/${q >= 0 ? target.slice(q) : ''}`;
      res.writeHead(301, { Location: location, 'Content-Security-Policy': csp, ...SECURITY_HEADERS }).end();
      return;
    }
    let status = 200;
    if (!found) {
      status = 404;
      const page = await find(rootReal, root, '/404.html');
      if (!page || page === 'folder') {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Security-Policy': csp, ...SECURITY_HEADERS }).end('not found\n');
        return;
      }
      found = page;
    }
    const type = TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream';
    const html = type.startsWith('text/html');
    const immutable = /\/_astro\//.test(path) && status === 200;
    const headers: Record<string, string | number> = {
      'Content-Type': type,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      Vary: 'Accept-Encoding',
      ...SECURITY_HEADERS,
    };
    if (found.size > MAX_CACHED && !html) {
      res.writeHead(status, { ...headers, 'Content-Security-Policy': csp, 'Content-Length': found.size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(found.file).pipe(res);
      return;
    }
    const p = await prepare(found, html);
    headers['Content-Security-Policy'] = html ? contentSecurityPolicy(host, p.scriptHashes) : csp;
    headers.ETag = p.etag;
    if (status === 200 && req.headers['if-none-match'] === p.etag) {
      res.writeHead(304, headers).end();
      return;
    }
    let body = p.body;
    if (COMPRESSIBLE.test(type) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      p.gzip ??= gzipSync(p.body);
      body = p.gzip;
      headers['Content-Encoding'] = 'gzip';
    }
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  return { handle };
}
