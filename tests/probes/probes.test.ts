// Probes against the real lab: the pull probe through a cache, the upstream probe straight from
// the lab registry, and the fault that matters: a cache with a wrong pull token answers 404
// MANIFEST_UNKNOWN, and the upstream probe says it is the credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbeRunner } from '../../playbooks/probes/index.ts';
import { upstreamTarget } from '../../playbooks/probes/upstream-ref.ts';
import { issueToken, startDistribution, stopPid, type IssuedToken, type RunningDistribution } from '../../playbooks/lab/index.ts';
import type { ResolvedProbe } from '../../playbooks/contracts.ts';
import { RegistryClient, parseReference, pullImage } from '../../playbooks/oci/index.ts';
import { startTestLab, type TestLab } from '../support/lab.ts';

const runner = createProbeRunner();
const run = (p: Partial<ResolvedProbe> & { image: string; type: 'pull' | 'upstream' }) => runner.run({ insecure: false, ...p }, AbortSignal.timeout(20_000));

describe('upstream image mapping', () => {
  it('replaces the host and keeps the repository path', () => {
    expect(upstreamTarget('127.0.0.1:5000/acme.example/wolfi-base:latest', undefined, false)).toEqual({ baseUrl: 'https://cgr.dev', ref: { host: 'cgr.dev', repository: 'acme.example/wolfi-base', tag: 'latest' } });
    expect(upstreamTarget('localhost:5000/chainguard/static', 'http://127.0.0.1:4000/', false).baseUrl).toBe('http://127.0.0.1:4000');
    expect(upstreamTarget('docker.example.com/wolfi-base', 'https://cgr.dev/chainguard', false).ref.repository).toBe('chainguard/wolfi-base');
    expect(upstreamTarget('x.example/chainguard/wolfi-base', 'https://cgr.dev/chainguard', false).ref.repository).toBe('chainguard/wolfi-base');
    expect(upstreamTarget('x.example/a/b', '127.0.0.1:4000', true).baseUrl).toBe('http://127.0.0.1:4000');
  });
});

describe('probes against the lab', () => {
  let lab: TestLab;
  let token: IssuedToken;
  let badCache: RunningDistribution;
  beforeAll(async () => {
    lab = await startTestLab('probes');
    token = await issueToken({ stateDir: lab.stateDir });
    const other = await issueToken({ stateDir: lab.stateDir });
    // A cache configured with a wrong password (another token's), as a reader might paste it.
    badCache = await startDistribution({ name: 'bad-cache', stateDir: lab.stateDir, proxy: { remoteUrl: lab.state.upstream.url, username: token.identityId, password: other.token } });
  });
  afterAll(async () => {
    await badCache?.stop();
    await lab?.dispose();
  });

  it('pull: every layer of the public image through the cache matches its digest', async () => {
    const r = await run({ type: 'pull', image: `${lab.state.cache!.host}/chainguard/wolfi-base:latest`, insecure: true });
    expect(r.ok).toBe(true);
    expect(r.summary).toMatch(/^pulled 127\.0\.0\.1:\d+\/chainguard\/wolfi-base:latest: linux\/amd64 manifest sha256:[0-9a-f]{12}, config \+ 2 layers \(.+\) match their digests$/);
  });

  it('pull: an image written without a tag is pulled as :latest; one pinned by digest is pulled by its digest', async () => {
    const host = lab.state.cache!.host;
    const plain = await run({ type: 'pull', image: `${host}/chainguard/wolfi-base`, insecure: true });
    expect(plain.ok).toBe(true);
    expect(plain.summary).toContain(`pulled ${host}/chainguard/wolfi-base:latest: `);
    const latest = await pullImage(new RegistryClient({ baseUrl: `http://${host}` }), parseReference(`${host}/chainguard/wolfi-base`), AbortSignal.timeout(20_000));
    const pinned = await run({ type: 'pull', image: `${host}/chainguard/wolfi-base@${latest.digest}`, insecure: true });
    expect(pinned.ok).toBe(true);
    expect(pinned.summary).toContain(`pulled ${host}/chainguard/wolfi-base@${latest.digest}: `);
  });

  it('pull: a private image through the lab cache (which holds a pull token)', async () => {
    const r = await run({ type: 'pull', image: `${lab.state.cache!.host}/acme.example/wolfi-base:latest`, insecure: true });
    expect(r.ok).toBe(true);
  });

  it('upstream: the token works straight against the upstream; summary holds no secret', async () => {
    const r = await run({ type: 'upstream', upstream: lab.state.upstream.url, image: `${badCache.host}/acme.example/wolfi-base:latest`, username: token.identityId, password: token.token });
    expect(r.ok).toBe(true);
    expect(r.summary).toContain(`the upstream serves ${lab.state.upstream.host}/acme.example/wolfi-base:latest`);
    expect(r.summary).not.toContain(token.token);
  });

  it('wrong pull token: the cache answers 404 MANIFEST_UNKNOWN, the upstream probe says it is the credentials', async () => {
    const viaCache = await run({ type: 'pull', image: `${badCache.host}/acme.example/wolfi-base:latest`, insecure: true });
    expect(viaCache.ok).toBe(false);
    expect(viaCache.diagnosis?.code).toBe('MANIFEST_UNKNOWN');
    expect(viaCache.diagnosis?.fix).toMatch(/upstream/);
    const other = await issueToken({ stateDir: lab.stateDir });
    const up = await run({ type: 'upstream', upstream: lab.state.upstream.url, image: `${badCache.host}/acme.example/wolfi-base:latest`, username: token.identityId, password: other.token });
    expect(up.ok).toBe(false);
    expect(up.diagnosis?.code).toBe('UNAUTHORIZED');
    expect(up.diagnosis?.cause).toMatch(/^It is the credentials/);
    expect(up.summary).not.toContain(other.token);
    expect(JSON.stringify(up)).not.toContain(other.token);
  });

  it('image missing: MANIFEST_UNKNOWN through the cache and at the upstream', async () => {
    const viaCache = await run({ type: 'pull', image: `${lab.state.cache!.host}/chainguard/no-such-image:latest`, insecure: true });
    expect(viaCache.diagnosis?.code).toBe('MANIFEST_UNKNOWN');
    const up = await run({ type: 'upstream', upstream: lab.state.upstream.url, image: `${lab.state.cache!.host}/chainguard/no-such-image:latest` });
    expect(up.diagnosis?.code).toBe('MANIFEST_UNKNOWN');
    expect(up.diagnosis?.cause).toMatch(/upstream itself has no/);
  });

  it('a reference without a host fails clearly instead of throwing', async () => {
    const r = await run({ type: 'pull', image: 'wolfi-base' });
    expect(r.ok).toBe(false);
    expect(r.diagnosis?.code).toBe('BAD_PROBE');
  });

  it('upstream down: the upstream probe says the upstream is unreachable', async () => {
    await stopPid(lab.state.upstream.pid, undefined);
    const up = await run({ type: 'upstream', upstream: lab.state.upstream.url, image: `${lab.state.cache!.host}/chainguard/static:latest` });
    expect(up.diagnosis?.code).toBe('CONNECTION_REFUSED');
    expect(up.diagnosis?.cause).toMatch(/unreachable/);
  });
});
