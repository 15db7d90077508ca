// Docker trusts a registry's certificate through the machine's own trust store (Go's
// SystemCertPool: on Linux the OpenSSL bundle, which SSL_CERT_FILE names) plus the .crt files of
// certs.d/<host:port>/ (moby registry readCertsDirectory; "merged with the system defaults",
// Verify repository client with certificates). A pull probe that names a caFile trusts the same:
// the system's store, Node's default CAs and the file. Here the system store is a bundle holding
// the test CA (SSL_CERT_FILE, set before this process first reads the store).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProbeRunner } from '../../playbooks/probes/index.ts';
import type { ResolvedProbe } from '../../playbooks/contracts.ts';
import { startTlsRegistry, type TlsRegistry } from '../support/tls-registry.ts';

let reg: TlsRegistry;
const runner = createProbeRunner();
const run = (p: Partial<ResolvedProbe>) => runner.run({ type: 'pull', insecure: false, image: `${reg.host}/chainguard/tiny:latest`, ...p }, AbortSignal.timeout(20_000));

beforeAll(async () => {
  reg = await startTlsRegistry();
  process.env.SSL_CERT_FILE = reg.caFile;
  mkdirSync(join(reg.dir, 'empty-cert-dir'));
  process.env.SSL_CERT_DIR = join(reg.dir, 'empty-cert-dir');
});
afterAll(async () => {
  await reg?.stop();
});

describe('pull probe against a registry whose CA is in the machine\'s trust store', () => {
  it('passes with no CA file in docker\'s folder, as docker pulls', async () => {
    const r = await run({ caFile: join(reg.dir, 'certs.d', reg.host, 'ca.crt') });
    expect(r.diagnosis).toBeUndefined();
    expect(r.ok).toBe(true);
  });

  it('passes with a left-over file there that holds no certificate', async () => {
    mkdirSync(join(reg.dir, 'junk.d', reg.host), { recursive: true });
    writeFileSync(join(reg.dir, 'junk.d', reg.host, 'ca.crt'), 'not a certificate\n');
    const r = await run({ caFile: join(reg.dir, 'junk.d', reg.host, 'ca.crt') });
    expect(r.diagnosis).toBeUndefined();
    expect(r.ok).toBe(true);
  });
});
