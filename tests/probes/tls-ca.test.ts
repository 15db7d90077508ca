// A registry whose HTTPS certificate is signed by a private CA (the reader's own authority, which
// docker trusts through /etc/docker/certs.d/<host:port>/ca.crt): the pull probe trusts the CA
// named by `caFile` in addition to the system's, and without it fails with a TLS diagnosis that
// says where docker keeps such a CA. The CA and the certificate are made with openssl at test
// time; the registry is a small HTTPS server on 127.0.0.1 serving one image.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProbeRunner } from '../../playbooks/probes/index.ts';
import type { ResolvedProbe } from '../../playbooks/contracts.ts';
import { machineTrustsCa, startTlsRegistry, type TlsRegistry } from '../support/tls-registry.ts';

let reg: TlsRegistry;
let dir: string;
let host: string;
const runner = createProbeRunner();
const run = (p: Partial<ResolvedProbe>) => runner.run({ type: 'pull', insecure: false, image: `${host}/chainguard/tiny:latest`, ...p }, AbortSignal.timeout(20_000));

beforeAll(async () => {
  reg = await startTlsRegistry();
  ({ dir, host } = reg);
});
afterAll(async () => {
  await reg?.stop();
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

  it('a caFile that holds no certificate: the default CAs alone, and a TLS failure that names the file and what is wrong with it', async () => {
    writeFileSync(join(dir, 'junk.crt'), 'hello\n');
    const r = await run({ caFile: join(dir, 'junk.crt') });
    expect(r.ok).toBe(false);
    expect(r.diagnosis?.code).toBe('TLS');
    expect(r.diagnosis?.cause).toContain(`The file ${join(dir, 'junk.crt')} cannot be used as a CA certificate: it holds no PEM certificate`);
    const relative = await run({ caFile: 'ca.crt' });
    expect([relative.diagnosis?.code, relative.diagnosis?.cause]).toEqual(['BAD_CA_FILE', 'The CA certificate file ca.crt cannot be used: it is not an absolute path.']);
  });
});

// Docker adds the .crt files of certs.d/<host:port>/ to the system's CAs and ignores what in them
// is no certificate (moby registry readCertsDirectory: SystemCertPool, AppendCertsFromPEM); a
// registry the machine trusts pulls whatever that folder holds. The machine's trust is stood in
// for by Node's default CAs with the test CA added.
describe('pull probe against a registry the default CAs already trust', () => {
  machineTrustsCa(() => reg.caFile);

  it('passes with a caFile of another CA: the file adds to the default CAs', async () => {
    const other = join(dir, 'other');
    mkdirSync(other, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'o.key', '-out', 'o.crt', '-days', '1', '-subj', '/CN=an unrelated CA'], { cwd: other, stdio: 'pipe' });
    const r = await run({ caFile: join(other, 'o.crt') });
    expect(r.diagnosis).toBeUndefined();
    expect(r.ok).toBe(true);
  });

  it('passes with a caFile that holds no certificate, as docker does', async () => {
    writeFileSync(join(dir, 'leftover.crt'), 'left over, not a certificate\n');
    const r = await run({ caFile: join(dir, 'leftover.crt') });
    expect(r.diagnosis).toBeUndefined();
    expect(r.ok).toBe(true);
  });
});
