// The OCI client against the real lab registry (Distribution + token service), no mocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryClient, RegistryError, pullImage, type PullResult } from '../../playbooks/oci/index.ts';
import { issueToken, stopPid } from '../../playbooks/lab/index.ts';
import { startTestLab, type TestLab } from '../support/lab.ts';

const signal = () => AbortSignal.timeout(20_000);

async function failure(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RegistryError) return e;
    throw e;
  }
  throw new Error('expected the pull to fail');
}

describe('OCI client against the lab registry', () => {
  let lab: TestLab;
  beforeAll(async () => {
    lab = await startTestLab('oci', { org: 'acme.example' });
  });
  afterAll(async () => {
    await lab?.dispose();
  });

  it('pings: /v2/ asks for a Bearer token from the lab token service', async () => {
    const c = new RegistryClient({ baseUrl: lab.state.upstream.url });
    const p = await c.ping(signal());
    expect(p.status).toBe(401);
    expect(p.challenges[0]).toMatchObject({ scheme: 'bearer', params: { realm: `${lab.state.token.url}/token`, service: 'cgr-playbook-lab' } });
  });

  it('pulls a public multi-platform image anonymously (linux/amd64 by default, arm64 on request)', async () => {
    const c = new RegistryClient({ baseUrl: lab.state.upstream.url });
    const amd = await pullImage(c, { repository: 'chainguard/wolfi-base', tag: 'latest' }, signal());
    const seeded = lab.state.images.find((i) => i.reference.endsWith('/chainguard/wolfi-base:latest'))!;
    expect(amd.digest).toBe(seeded.digest);
    expect(amd.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(amd.platform).toBe('linux/amd64');
    expect(amd.layers).toHaveLength(2);
    const arm = await pullImage(c, { repository: 'chainguard/wolfi-base', tag: 'latest' }, signal(), { platform: { os: 'linux', architecture: 'arm64' } });
    expect(arm.platform).toBe('linux/arm64');
    expect(arm.manifestDigest).not.toBe(amd.manifestDigest);
    const none = await failure(pullImage(c, { repository: 'chainguard/wolfi-base', tag: 'latest' }, signal(), { platform: { os: 'linux', architecture: 's390x' } }));
    expect(none.diagnosis.code).toBe('NO_PLATFORM');
    expect(none.diagnosis.cause).toContain('linux/amd64, linux/arm64');
  });

  it('pulls a single-platform Docker schema 2 image and HEAD gives the same digest', async () => {
    const c = new RegistryClient({ baseUrl: lab.state.upstream.url });
    const r: PullResult = await pullImage(c, { repository: 'chainguard/static', tag: 'latest' }, signal());
    expect(r.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(r.platform).toBeUndefined();
    const head = await c.manifest('chainguard/static', 'latest', 'HEAD', signal());
    expect(head.digest).toBe(r.digest);
  });

  it('refuses a private image without credentials: UNAUTHORIZED, needs a pull token', async () => {
    const c = new RegistryClient({ baseUrl: lab.state.upstream.url });
    const e = await failure(pullImage(c, { repository: 'acme.example/wolfi-base', tag: 'latest' }, signal()));
    expect(e.diagnosis.code).toBe('UNAUTHORIZED');
    expect(e.diagnosis.cause).toMatch(/needs credentials/);
    expect(e.diagnosis.fix).toMatch(/pull token/);
  });

  it('pulls a private image with a lab pull token', async () => {
    const t = await issueToken({ stateDir: lab.stateDir });
    expect(t.identityId).toMatch(/^[0-9a-f]{40}\/[0-9a-f]{16}$/);
    const c = new RegistryClient({ baseUrl: lab.state.upstream.url, username: t.identityId, password: t.token });
    const r = await pullImage(c, { repository: 'acme.example/wolfi-base', tag: 'latest' }, signal());
    expect(r.layers.length).toBe(2);
  });

  it('tells a wrong password, a non-identity username and another org apart', async () => {
    const good = await issueToken({ stateDir: lab.stateDir });
    const other = await issueToken({ stateDir: lab.stateDir, org: 'other.example' });
    const pull = (username: string, password: string) => failure(pullImage(new RegistryClient({ baseUrl: lab.state.upstream.url, username, password }), { repository: 'acme.example/wolfi-base', tag: 'latest' }, signal()));
    const wrong = await pull(good.identityId, other.token);
    expect(wrong.diagnosis.code).toBe('UNAUTHORIZED');
    expect(wrong.diagnosis.cause).toMatch(/rejected the username and password/);
    const email = await pull('someone@acme.example', good.token);
    expect(email.diagnosis.code).toBe('DENIED');
    expect(email.diagnosis.cause).toMatch(/identity id/);
    const otherOrg = await pull(other.identityId, other.token);
    expect(otherOrg.diagnosis.code).toBe('DENIED');
    expect(otherOrg.diagnosis.cause).toMatch(/do not grant pull/);
  });

  it('reports an expired pull token as TOKEN_EXPIRED', async () => {
    const t = await issueToken({ stateDir: lab.stateDir, ttl: '1s' });
    await new Promise((r) => setTimeout(r, 1500));
    const c = new RegistryClient({ baseUrl: lab.state.upstream.url, username: t.identityId, password: t.token });
    const e = await failure(pullImage(c, { repository: 'acme.example/wolfi-base', tag: 'latest' }, signal()));
    expect(e.diagnosis.code).toBe('TOKEN_EXPIRED');
    expect(e.diagnosis.fix).toMatch(/new pull token/);
  });

  it('reports a missing image or tag as MANIFEST_UNKNOWN', async () => {
    const c = new RegistryClient({ baseUrl: lab.state.upstream.url });
    expect((await failure(pullImage(c, { repository: 'chainguard/no-such-image', tag: 'latest' }, signal()))).diagnosis.code).toBe('MANIFEST_UNKNOWN');
    expect((await failure(pullImage(c, { repository: 'chainguard/wolfi-base', tag: 'no-such-tag' }, signal()))).diagnosis.code).toBe('MANIFEST_UNKNOWN');
  });

  it('pulls through the lab cache, which then holds the repository', async () => {
    const c = new RegistryClient({ baseUrl: lab.state.cache!.url });
    await pullImage(c, { repository: 'acme.example/wolfi-base', tag: 'latest' }, signal());
    const cat = (await (await fetch(`${lab.state.cache!.url}/v2/_catalog`)).json()) as { repositories: string[] };
    expect(cat.repositories).toContain('acme.example/wolfi-base');
  });

  it('says TLS when https is spoken to the plain-HTTP registry port', async () => {
    const c = new RegistryClient({ baseUrl: `https://${lab.state.upstream.host}` });
    const e = await failure(c.ping(signal()));
    expect(e.diagnosis.code).toBe('TLS');
    expect(e.diagnosis.fix).toMatch(/http:\/\//);
  });

  it('detects a tampered blob in the registry storage (DIGEST_MISMATCH)', async () => {
    const c = new RegistryClient({ baseUrl: lab.state.upstream.url });
    const r = await pullImage(c, { repository: 'chainguard/static', tag: 'latest' }, signal());
    const hex = r.layers[0]!.digest.slice('sha256:'.length);
    const file = join(lab.stateDir, 'upstream', 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    const orig = readFileSync(file);
    const bad = Buffer.from(orig);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff; // same size, one byte flipped
    writeFileSync(file, bad);
    const e = await failure(pullImage(new RegistryClient({ baseUrl: lab.state.upstream.url }), { repository: 'chainguard/static', tag: 'latest' }, signal()));
    expect(e.diagnosis.code).toBe('DIGEST_MISMATCH');
    expect(e.diagnosis.cause).toContain(r.layers[0]!.digest);
    writeFileSync(file, orig);
    expect(statSync(file).size).toBe(orig.length);
  });
});

describe('OCI client when the upstream is down', () => {
  let lab: TestLab;
  beforeAll(async () => {
    lab = await startTestLab('oci-down');
  });
  afterAll(async () => {
    await lab?.dispose();
  });

  it('says CONNECTION_REFUSED for the stopped registry; the cache answers MANIFEST_UNKNOWN for what it never fetched', async () => {
    const cache = new RegistryClient({ baseUrl: lab.state.cache!.url });
    await pullImage(cache, { repository: 'chainguard/static', tag: 'latest' }, signal());
    await stopPid(lab.state.upstream.pid, undefined);
    const e = await failure(pullImage(new RegistryClient({ baseUrl: lab.state.upstream.url }), { repository: 'chainguard/static', tag: 'latest' }, signal()));
    expect(e.diagnosis.code).toBe('CONNECTION_REFUSED');
    expect(e.diagnosis.cause).toContain(lab.state.upstream.host);
    const viaCache = await failure(pullImage(new RegistryClient({ baseUrl: lab.state.cache!.url }), { repository: 'chainguard/wolfi-base', tag: 'latest' }, signal()));
    expect(viaCache.diagnosis.code).toBe('MANIFEST_UNKNOWN');
    expect(viaCache.diagnosis.cause).toMatch(/pull-through cache/);
    // A blob the cache already holds still comes from its storage, verified.
    const blobs = readdirSync(join(lab.stateDir, 'cache', 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256'));
    expect(blobs.length).toBeGreaterThan(0);
  });
});
