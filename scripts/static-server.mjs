#!/usr/bin/env node
// Serves a built site (default build/site) on 127.0.0.1 only. `--port 0` picks a free port; the
// first line printed is `listening on http://127.0.0.1:<port>/`. Stops on SIGINT/SIGTERM.
import { createServer } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  // Pagefind's index files
  '.pf_meta': 'application/octet-stream',
  '.pf_index': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream',
  '.pagefind': 'application/octet-stream',
};

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i !== -1 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg)/;
const gzipCache = new Map();

/** Gzip of a file, computed once per version of the file. */
function gzipped(file) {
  const { mtimeMs, size } = statSync(file);
  const hit = gzipCache.get(file);
  if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.body;
  const body = gzipSync(readFileSync(file));
  gzipCache.set(file, { mtimeMs, size, body });
  return body;
}

/** Creates (does not start) the server for `root`. Exported for tests. */
export function createStaticServer(root) {
  const base = resolve(root);
  const fileFor = (urlPath) => {
    let p;
    try {
      p = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
    } catch {
      return undefined;
    }
    const full = normalize(join(base, p));
    if (full !== base && !full.startsWith(base + sep)) return undefined;
    // A folder is served as its index.html only under its slash form (relative links stay right).
    for (const candidate of p.endsWith('/') ? [join(full, 'index.html')] : [full]) {
      try {
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        /* next */
      }
    }
    return undefined;
  };
  return createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const url = req.url ?? '/';
    let file = fileFor(url);
    // /guides/nexus -> /guides/nexus/ (the site uses trailing slashes)
    if (!file && !url.endsWith('/') && fileFor(url + '/')) {
      res.writeHead(301, { location: url + '/' }).end();
      return;
    }
    let status = 200;
    if (!file) {
      status = 404;
      file = fileFor('/404.html');
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const cache = /\/_astro\//.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache';
    const headers = { 'content-type': type, 'cache-control': cache, 'x-content-type-options': 'nosniff', vary: 'accept-encoding' };
    if (COMPRESSIBLE.test(type) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      const body = gzipped(file);
      res.writeHead(status, { ...headers, 'content-encoding': 'gzip', 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(status, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = arg('root', 'build/site');
  const port = Number(arg('port', process.env.PORT ?? '4321'));
  const server = createStaticServer(root);
  server.on('error', (e) => {
    process.stderr.write(`static-server: cannot listen on 127.0.0.1:${port}: ${e.message}\n  hint: another server may be using the port; pass --port <n> or set PORT\n`);
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => {
    const addr = server.address();
    process.stdout.write(`listening on http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}/\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
