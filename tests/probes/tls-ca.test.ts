// A registry whose HTTPS certificate is signed by a private CA (the reader's own authority, which
// docker trusts through /etc/docker/certs.d/<host:port>/ca.crt): the pull probe trusts the CA
// named by `caFile` in addition to the system's, and without it fails with a TLS diagnosis that
// says where docker keeps such a CA. The CA and the certificate are made with openssl at test
// time; the registry is a small HTTPS server on 127.0.0.1 serving one image.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProbeRunner } from '../../playbooks/probes/index.ts';
import type { ResolvedProbe } from '../../playbooks/contracts.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let dir: string;
let server: Server;
let host: string;
const runner = createProbeRunner();
const run = (p: Partial<ResolvedProbe>) => runner.run({ type: 'pull', insecure: false, image: `${host}/chainguard/tiny:latest`, ...p }, AbortSignal.timeout(20_000));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cgr-tls-ca-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=cgr-playbook test CA');
  ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '1', '-extfile', 'ext');

  const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  const layer = Buffer.from('not really a tarball, but its digest is right');
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(config), size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest(layer), size: layer.length }] }));
  const blobs = new Map([[digest(config), config], [digest(layer), layer]]);
  server = createServer({ key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.crt')) }, (req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/') return void res.writeHead(200, { 'Docker-Distribution-Api-Version': 'registry/2.0' }).end('{}');
    if (url === '/v2/chainguard/tiny/manifests/latest') return void res.writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Docker-Content-Digest': digest(manifest), 'Content-Length': manifest.length }).end(req.method === 'HEAD' ? undefined : manifest);
    const blob = /^\/v2\/chainguard\/tiny\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url);
    const b = blob ? blobs.get(blob[1]!) : undefined;
    if (b) return void res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': b.length }).end(b);
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"NOT_FOUND","message":"not here"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('pull probe against a registry whose certificate a private CA signed', () => {
  it('passes when caFile names that CA', async () => {
    const r = await run({ caFile: join(dir, 'ca.crt') });
    expect(r.summary).toMatch(/^pulled 127\.0\.0\.1:\d+\/chainguard\/tiny:latest: manifest sha256:[0-9a-f]{12}, config \+ 1 layer/);
    expect(r.ok).toBe(true);
  });

  it('fails without it, with a TLS diagnosis that names docker\'s certs.d', async () => {
    const r = await run({});
    expect(r.ok).toBe(false);
    expect(r.diagnosis?.code).toBe('TLS');
    expect(r.diagnosis?.cause).toMatch(/not trusted/);
    expect(r.diagnosis?.fix).toContain(`/etc/docker/certs.d/${host}/ca.crt`);
  });

  it('a caFile that does not exist: the same TLS failure, saying no CA file was found there', async () => {
    const missing = join(dir, 'certs.d', host, 'ca.crt');
    const r = await run({ caFile: missing });
    expect(r.ok).toBe(false);
    expect(r.diagnosis?.code).toBe('TLS');
    expect(r.diagnosis?.cause).toContain(`no CA certificate at ${missing}`);
  });

  it('a caFile that holds no certificate: a clear failure naming the file', async () => {
    writeFileSync(join(dir, 'junk.crt'), 'hello\n');
    const r = await run({ caFile: join(dir, 'junk.crt') });
    expect(r.ok).toBe(false);
    expect(r.diagnosis?.code).toBe('BAD_CA_FILE');
    expect(r.diagnosis?.cause).toContain(join(dir, 'junk.crt'));
  });
});
