// Serves the built site (build/site/) read-only. Every HTML page gets the runner's meta tag (the
// page then loads the terminal UI) and a tiny script that moves `#token=` from the address bar
// into sessionStorage.
import { createReadStream } from 'node:fs';
import { stat, readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
};

/** The tags added to each page, before `</head>`. */
export function runnerHeadTags(wsPath: string): string {
  // Runs before anything else on the page: the token leaves the address bar (and history) at once.
  const script =
    "(function(){try{var m=/(?:^#|&)token=([0-9a-f]{32})(?:&|$)/.exec(location.hash);" +
    "if(m){sessionStorage.setItem('cgr-runner-token',m[1]);history.replaceState(history.state,'',location.pathname+location.search);}}catch(e){}})();";
  return `<meta name="cgr-runner" content="${wsPath}"><script>${script}</script>`;
}

export function injectHead(html: string, tags: string): string {
  const i = html.search(/<\/head>/i);
  return i >= 0 ? html.slice(0, i) + tags + html.slice(i) : tags + html;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Resolves a URL path inside root, or undefined when it would leave it. */
export function resolveInRoot(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const p = normalize(join(root, decoded));
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep) ? p : undefined;
}

export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, headTags: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  let file = resolveInRoot(root, url.pathname);
  if (!file) {
    res.writeHead(400, SECURITY_HEADERS).end('bad path');
    return;
  }
  let st = await stat(file).catch(() => undefined);
  if (st?.isDirectory()) {
    file = join(file, 'index.html');
    st = await stat(file).catch(() => undefined);
  } else if (!st && !extname(file)) {
    const html = `${file}.html`;
    st = await stat(html).catch(() => undefined);
    if (st) file = html;
  }
  if (!st?.isFile()) {
    const notFound = join(root, '404.html');
    const body = await readFile(notFound, 'utf8').catch(() => '<!doctype html><title>Not found</title><h1>Not found</h1>');
    res.writeHead(404, { 'Content-Type': TYPES['.html']!, 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : injectHead(body, headTags));
    return;
  }
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  if (type.startsWith('text/html')) {
    const body = injectHead(await readFile(file, 'utf8'), headTags);
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-cache', ...SECURITY_HEADERS });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}
