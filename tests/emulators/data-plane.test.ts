// The EMULATORS' data plane against the real lab: each repository the adapters create is served
// by a real Distribution pull-through cache pointed at the lab's cgr.dev stand-in, and a real
// registry client (the pull probe) pulls through it and checks every digest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { issueToken, startDistribution, type IssuedToken } from '../../playbooks/lab/index.ts';
import { startArtifactoryEmulator, startCloudsmithEmulator, startNexusEmulator, mapUpstream, type DataPlaneOptions } from '../../playbooks/emulators/index.ts';
import { createFieldsApplier } from '../../playbooks/adapters/index.ts';
import { createProbeRunner } from '../../playbooks/probes/index.ts';
import type { ResolvedProbe } from '../../playbooks/contracts.ts';
import { startTestLab, type TestLab } from '../support/lab.ts';
import { closedPort, fieldsStep, signal } from '../adapters/support.ts';

const probes = createProbeRunner();
const pull = (image: string, username: string, password: string, type: 'pull' | 'upstream' = 'pull', upstream?: string) =>
  probes.run({ type, image, username, password, insecure: true, ...(upstream ? { upstream } : {}) } as ResolvedProbe, AbortSignal.timeout(30_000));

/** The cache's catalog; a proxy stores what it served in the background, so wait up to 5 s for `expect` to show up. */
async function catalog(cacheUrl: string | undefined, expect?: string): Promise<string[]> {
  if (!cacheUrl) return [];
  for (let i = 0; ; i++) {
    const r = await fetch(`${cacheUrl}/v2/_catalog`);
    const repos = ((await r.json()) as { repositories: string[] }).repositories;
    if (!expect || repos.includes(expect) || i >= 50) return repos;
    await new Promise((res) => setTimeout(res, 100));
  }
}

let lab: TestLab;
let token: IssuedToken;
let other: IssuedToken;
let dataPlane: DataPlaneOptions;
const applier = createFieldsApplier();

beforeAll(async () => {
  lab = await startTestLab('emulators', { cache: false });
  token = await issueToken({ stateDir: lab.stateDir });
  other = await issueToken({ stateDir: lab.stateDir });
  dataPlane = { start: startDistribution, stateDir: join(lab.dir, 'caches'), upstreamMap: { 'https://cgr.dev': lab.state.upstream.url } };
});
afterAll(async () => {
  await lab?.dispose();
});

describe('mapUpstream', () => {
  it('replaces the mapped origin and keeps the path', () => {
    expect(mapUpstream('https://cgr.dev/', { 'https://cgr.dev': 'http://127.0.0.1:1' })).toBe('http://127.0.0.1:1/');
    expect(mapUpstream('https://cgr.dev/chainguard', { 'https://cgr.dev/': 'http://127.0.0.1:1' })).toBe('http://127.0.0.1:1/chainguard');
    expect(mapUpstream('https://cgr.devx/', { 'https://cgr.dev': 'http://127.0.0.1:1' })).toBe('https://cgr.devx/');
  });
});

describe('Nexus emulator data plane', () => {
  it('developer and production through the repository port; a credential change restarts the cache', async () => {
    const nexus = await startNexusEmulator({ adminPassword: 'admin-pw', dataPlane });
    try {
      const port = await closedPort();
      const v = { nexusUrl: nexus.url, nexusUser: 'admin', nexusPassword: 'admin-pw', repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}`, cgOrg: lab.state.org, identityId: token.identityId, pullToken: token.token };
      const eula = await applier.apply(await fieldsStep('nexus', 'create-proxy', 'developer', v), signal()).catch((e: { diagnosis?: { code: string } }) => e.diagnosis?.code);
      expect(eula).toBe('EULA_NOT_ACCEPTED');
      // Before the EULA (CE 3.77+) and the Docker Bearer Token Realm, pulls are refused.
      const refused = await pull(`127.0.0.1:${port}/chainguard/wolfi-base:latest`, 'admin', 'admin-pw');
      expect(refused.ok).toBe(false);
      expect(refused.diagnosis?.code).toBe('DENIED');
      await nexus.stop().catch(() => {});
    } finally {
      await nexus.stop().catch(() => {});
    }
    const nx = await startNexusEmulator({ adminPassword: 'admin-pw', eulaAccepted: true, activeRealms: ['NexusAuthenticatingRealm', 'DockerToken'], dataPlane });
    try {
      const port = await closedPort();
      const v = { nexusUrl: nx.url, nexusUser: 'admin', nexusPassword: 'admin-pw', repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}`, cgOrg: lab.state.org, identityId: token.identityId, pullToken: other.token };
      await applier.apply(await fieldsStep('nexus', 'create-proxy', 'production', v), signal());
      const dev = await pull(`127.0.0.1:${port}/chainguard/wolfi-base:latest`, 'admin', 'admin-pw');
      expect(dev.ok, dev.summary).toBe(true);
      expect(await catalog(await nx.cacheUrl('chainguard'), 'chainguard/wolfi-base')).toContain('chainguard/wolfi-base');
      const anonymous = await probes.run({ type: 'pull', image: `127.0.0.1:${port}/chainguard/wolfi-base:latest`, insecure: true }, signal());
      expect(anonymous.diagnosis?.code).toBe('UNAUTHORIZED');

      // Production with a wrong password (another token's): the cache answers 404, the upstream probe blames the credentials.
      await applier.apply(await fieldsStep('nexus', 'set-auth', 'production', v), signal());
      const starts = nx.cacheStarts('chainguard');
      const wrong = await pull(`127.0.0.1:${port}/${lab.state.org}/wolfi-base:latest`, 'admin', 'admin-pw');
      expect(wrong.ok).toBe(false);
      expect(wrong.diagnosis?.code).toBe('MANIFEST_UNKNOWN');
      const direct = await pull(`127.0.0.1:${port}/${lab.state.org}/wolfi-base:latest`, token.identityId, other.token, 'upstream', lab.state.upstream.url);
      expect(direct.diagnosis?.cause).toContain('It is the credentials');
      expect(nx.cacheStarts('chainguard')).toBe(starts + 1);

      // The right token, sent again (products never return a stored secret): the cache restarts with it.
      const fixed = { ...v, pullToken: token.token };
      expect((await applier.apply(await fieldsStep('nexus', 'set-auth', 'production', fixed), signal())).summary).toContain('re-sent');
      const ok = await pull(`127.0.0.1:${port}/${lab.state.org}/wolfi-base:latest`, 'admin', 'admin-pw');
      expect(ok.ok, ok.summary).toBe(true);
      expect(nx.cacheStarts('chainguard')).toBe(starts + 2);
      expect(await catalog(await nx.cacheUrl('chainguard'), `${lab.state.org}/wolfi-base`)).toContain(`${lab.state.org}/wolfi-base`);

      // A PUT without the password (as Nexus stores it: null) leaves the cache without upstream
      // credentials: Production pulls fail as real Nexus's do (cgr.dev answers 401), Developer ones still work.
      const cur = nx.repository('chainguard')!;
      const put = await fetch(`${nx.url}/service/rest/v1/repositories/docker/proxy/chainguard`, { method: 'PUT', headers: { authorization: 'Basic ' + Buffer.from('admin:admin-pw').toString('base64'), 'content-type': 'application/json' }, body: JSON.stringify({ ...cur, httpClient: { ...cur.httpClient, authentication: { type: 'username', username: token.identityId } } }) });
      expect(put.status).toBe(204);
      const lost = await pull(`127.0.0.1:${port}/${lab.state.org}/wolfi-base:latest`, 'admin', 'admin-pw');
      expect(lost.ok).toBe(false);
      expect((await pull(`127.0.0.1:${port}/chainguard/wolfi-base:latest`, 'admin', 'admin-pw')).ok).toBe(true);
    } finally {
      await nx.stop();
    }
  });

  it('upstream unreachable: pulls fail with a message naming the remote', async () => {
    const dead = await closedPort();
    const nx = await startNexusEmulator({ adminPassword: 'admin-pw', eulaAccepted: true, activeRealms: ['NexusAuthenticatingRealm', 'DockerToken'], dataPlane: { ...dataPlane, upstreamMap: { 'https://cgr.dev': `http://127.0.0.1:${dead}` } } });
    try {
      const port = await closedPort();
      await applier.apply(await fieldsStep('nexus', 'create-proxy', 'developer', { nexusUrl: nx.url, nexusUser: 'admin', nexusPassword: 'admin-pw', repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}` }), signal());
      const r = await pull(`127.0.0.1:${port}/chainguard/wolfi-base:latest`, 'admin', 'admin-pw');
      expect(r.ok).toBe(false);
      expect(r.diagnosis?.code).toBe('UNAVAILABLE');
      expect(r.diagnosis?.cause).toMatch(/remote https:\/\/cgr.dev\/ is unreachable/);
    } finally {
      await nx.stop();
    }
  });
});

describe('Artifactory emulator data plane', () => {
  it('pulls <host>/<repo-key>/<image> for both paths', async () => {
    const art = await startArtifactoryEmulator({ accessToken: 'art-token', dataPlane });
    try {
      const base = { artifactoryUrl: art.url, artifactoryUser: 'admin', artifactoryToken: 'art-token', artifactoryHost: art.host, cgOrg: lab.state.org, identityId: token.identityId, pullToken: token.token };
      await applier.apply(await fieldsStep('artifactory', 'create-remote-developer', 'developer', { ...base, publicRepoKey: 'cgr-public' }), signal());
      await applier.apply(await fieldsStep('artifactory', 'create-remote-production', 'production', { ...base, privateRepoKey: 'cgr-private' }), signal());
      const dev = await pull(`${art.host}/cgr-public/chainguard/wolfi-base:latest`, 'admin', 'art-token');
      expect(dev.ok, dev.summary).toBe(true);
      const prod = await pull(`${art.host}/cgr-private/${lab.state.org}/wolfi-base:latest`, 'admin', 'art-token');
      expect(prod.ok, prod.summary).toBe(true);
      expect(await catalog(await art.cacheUrl('cgr-private'), `${lab.state.org}/wolfi-base`)).toEqual([`${lab.state.org}/wolfi-base`]);
      const noLogin = await probes.run({ type: 'pull', image: `${art.host}/cgr-public/chainguard/wolfi-base:latest`, insecure: true }, signal());
      expect(noLogin.diagnosis?.code).toBe('UNAUTHORIZED');
    } finally {
      await art.stop();
    }
  });
});

describe('Cloudsmith emulator data plane', () => {
  it('pulls <registry>/<org>/<repo>/<image>: /chainguard upstream for public, the bare registry with credentials for private', async () => {
    const cs = await startCloudsmithEmulator({ apiKey: 'cs-key', repositories: [{ owner: 'acme', slug: 'cg' }], dataPlane });
    try {
      const base = { cloudsmithApiUrl: cs.apiUrl, cloudsmithUser: 'jane', cloudsmithApiKey: 'cs-key', cloudsmithOrg: 'acme', cloudsmithRepo: 'cg', cloudsmithRegistry: cs.registryHost, cgOrg: lab.state.org, identityId: token.identityId, pullToken: token.token };
      await applier.apply(await fieldsStep('cloudsmith', 'upstream-developer', 'developer', base), signal());
      const dev = await pull(`${cs.registryHost}/acme/cg/wolfi-base:latest`, 'jane', 'cs-key');
      expect(dev.ok, dev.summary).toBe(true);
      // A second upstream in the same repository (priority 1 as the guide suggests for a fresh one; the public one also has 1).
      await applier.apply(await fieldsStep('cloudsmith', 'upstream-production', 'production', base), signal());
      const prod = await pull(`${cs.registryHost}/acme/cg/${lab.state.org}/wolfi-base:latest`, 'jane', 'cs-key');
      expect(prod.ok, prod.summary).toBe(true);
      const ups = cs.upstreams('acme', 'cg');
      expect(ups).toHaveLength(2);
      const prodUp = ups.find((u) => u.upstream_url === 'https://cgr.dev')!;
      expect(await catalog(await cs.cacheUrl('acme', 'cg', prodUp.slug_perm), `${lab.state.org}/wolfi-base`)).toEqual([`${lab.state.org}/wolfi-base`]);
      const wrongKey = await pull(`${cs.registryHost}/acme/cg/wolfi-base:latest`, 'jane', 'nope');
      expect(wrongKey.diagnosis?.code).toBe('UNAUTHORIZED');
    } finally {
      await cs.stop();
    }
  });
});
