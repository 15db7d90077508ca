// Failures a lab registry cannot produce on demand, from small real HTTP servers on 127.0.0.1:
// redirects to another origin, 429, a server that never answers, a name that does not resolve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient, RegistryError, pullImage } from '../../playbooks/oci/index.ts';
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

  it('says DNS for a name that does not resolve', async () => {
    const e = await failure(new RegistryClient({ baseUrl: 'https://registry.does-not-exist.invalid', timeoutMs: 5000 }).ping(AbortSignal.timeout(10_000)));
    expect(e.diagnosis.code).toBe('DNS');
    expect(e.diagnosis.cause).toContain('registry.does-not-exist.invalid');
  });
});
