// A registry on 127.0.0.1 whose HTTPS certificate a private CA signed, as a reader's own
// authority would: the CA and the certificate are made with openssl in a temp folder, and a small
// HTTPS server serves /v2/ and one image (chainguard/tiny:latest, one layer). For tests of
// what trusts that CA (docker's certs.d, a probe's caFile) and what does not.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { afterAll, beforeAll } from 'vitest';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface TlsRegistry {
  /** "127.0.0.1:<port>" */
  host: string;
  /** The temp folder (write test files here). */
  dir: string;
  /** The CA certificate (PEM) that signed the server's certificate. */
  caFile: string;
  stop(): Promise<void>;
}

export async function startTlsRegistry(): Promise<TlsRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'cgr-tls-ca-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=cgr-playbook test CA');
  ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.crt', '-days', '1', '-extfile', 'ext');

  const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
  const layer = Buffer.from('not really a tarball, but its digest is right');
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(config), size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest(layer), size: layer.length }] }));
  const blobs = new Map([[digest(config), config], [digest(layer), layer]]);
  const server = createServer({ key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.crt')) }, (req, res) => {
    const url = req.url ?? '';
    if (url === '/v2/') return void res.writeHead(200, { 'Docker-Distribution-Api-Version': 'registry/2.0' }).end('{}');
    if (url === '/v2/chainguard/tiny/manifests/latest') return void res.writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Docker-Content-Digest': digest(manifest), 'Content-Length': manifest.length }).end(req.method === 'HEAD' ? undefined : manifest);
    const blob = /^\/v2\/chainguard\/tiny\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url);
    const b = blob ? blobs.get(blob[1]!) : undefined;
    if (b) return void res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': b.length }).end(b);
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"NOT_FOUND","message":"not here"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    dir,
    caFile: join(dir, 'ca.crt'),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For the tests of the calling `describe`: Node's default CAs (this process's stand-in for the
 * machine's trust) also hold the CA in `caFile()`, as on a machine that already trusts the
 * registry; restored afterwards.
 */
export function machineTrustsCa(caFile: () => string): void {
  let saved: string[];
  beforeAll(() => {
    saved = tls.getCACertificates('default');
    tls.setDefaultCACertificates([...saved, readFileSync(caFile(), 'utf8')]);
  });
  afterAll(() => {
    tls.setDefaultCACertificates(saved);
  });
}
