// End to end: each product guide, both paths, `cgr-playbook run <guide> --ci --apply` against the
// product's EMULATOR (a test double of its API, with real Distribution caches behind) and the lab
// standing in for cgr.dev. Fields steps go through the product API, `docker` (podman) logs in and
// pulls through the cache, the verify probes pull again and check every digest, and the cache
// holds the image. A second run reports every apply step as already done, except the one that
// stores the fresh pull token the Production path makes on every run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { startDistribution } from '../../playbooks/lab/index.ts';
import { startArtifactoryEmulator, startCloudsmithEmulator, startNexusEmulator, type DataPlaneOptions } from '../../playbooks/emulators/index.ts';
import { runCli } from '../../playbooks/cli/main.ts';
import { envVarFor } from '../../playbooks/model/field.ts';
import type { JsonRunReport } from '../../playbooks/report/run-report.ts';
import { startTestLab, type TestLab } from '../support/lab.ts';
import { shimEnv } from '../support/docker.ts';
import { closedPort } from '../adapters/support.ts';

type PathId = 'developer' | 'production';

let lab: TestLab;
let runNo = 0;

beforeAll(async () => {
  lab = await startTestLab('e2e-products', { cache: false });
});
afterAll(async () => {
  await lab?.dispose();
});

const dataPlane = (name: string): DataPlaneOptions => ({ start: startDistribution, stateDir: join(lab.dir, `caches-${name}`), upstreamMap: { 'https://cgr.dev': lab.state.upstream.url } });

/** Runs the CLI in-process; values reach it only as CGR_* environment variables (secrets included). */
async function run(guide: string, path: PathId, values: Record<string, string>, dockerDir: string, opts: { apply?: boolean } = {}): Promise<{ code: number; out: string; report: JsonRunReport }> {
  const reportFile = join(lab.dir, `report-${guide}-${path}-${++runNo}.json`);
  let out = '';
  const sink = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
  const env: NodeJS.ProcessEnv = { ...shimEnv({ dir: dockerDir, labStateDir: lab.stateDir }), TERM: 'dumb', NO_COLOR: '1' };
  for (const [id, v] of Object.entries(values)) env[envVarFor(id)] = v;
  const code = await runCli(['run', guide, '--ci', ...(opts.apply === false ? [] : ['--apply']), '--path', path, '--report', `json=${reportFile}`], { stdout: sink, stderr: sink, stdin: new PassThrough(), env, cwd: lab.dir });
  return { code, out, report: JSON.parse(readFileSync(reportFile, 'utf8')) as JsonRunReport };
}

async function catalog(cacheUrl: string | undefined, want: string): Promise<string[]> {
  if (!cacheUrl) return [];
  for (let i = 0; ; i++) {
    const repos = ((await (await fetch(`${cacheUrl}/v2/_catalog`)).json()) as { repositories: string[] }).repositories;
    if (repos.includes(want) || i >= 50) return repos;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Both runs: the first applies and pulls, the second finds every apply step done. */
async function twice(guide: string, path: PathId, values: Record<string, string>, applySteps: string[], probeSteps: string[], tokenStep?: string): Promise<void> {
  // podman refuses a runroot path longer than 50 characters: keep this one short.
  const dockerDir = mkdtempSync(join(tmpdir(), 'cgd-'));
  try {
    await runTwice(guide, path, values, applySteps, probeSteps, dockerDir, tokenStep);
  } finally {
    rmSync(dockerDir, { recursive: true, force: true });
  }
}

async function runTwice(guide: string, path: PathId, values: Record<string, string>, applySteps: string[], probeSteps: string[], dockerDir: string, tokenStep: string | undefined): Promise<void> {
  const first = await run(guide, path, values, dockerDir);
  const failed = first.report.steps.filter((s) => s.verdict === 'failed');
  expect(failed, `${first.out}`).toEqual([]);
  expect(first.code).toBe(0);
  const byId = new Map(first.report.steps.map((s) => [s.id, s]));
  for (const id of applySteps) expect(byId.get(id)?.reason, `${id}: ${first.out}`).toMatch(/^applied: /);
  for (const id of probeSteps) expect(byId.get(id)?.verdict, `${id}: ${first.out}`).toBe('passed');
  for (const v of Object.values(values).filter((x) => x.length > 8 && /secret|token|key|pw/i.test(x))) expect(first.out).not.toContain(v);

  const second = await run(guide, path, values, dockerDir);
  expect(second.code, second.out).toBe(0);
  const again = new Map(second.report.steps.map((s) => [s.id, s]));
  for (const id of applySteps) {
    // The guide makes a fresh pull token on every run (as chainctl does): the step that stores
    // it updates the credentials (and the emulator restarts the cache); every other one is done.
    if (id === tokenStep) expect(again.get(id), `${id}: ${second.out}`).toMatchObject({ verdict: 'passed', reason: expect.stringMatching(/^applied: updated /) });
    else expect(again.get(id), `${id}: ${second.out}`).toMatchObject({ verdict: 'skipped', reason: expect.stringMatching(/^already done: /) });
  }
  for (const id of probeSteps) expect(again.get(id)?.verdict).toBe('passed');
}

describe('Nexus guide end to end', () => {
  for (const path of ['developer', 'production'] as const) {
    it(`${path}: EULA, repository, realm through the API; docker pulls through the repository port${path === 'developer' ? ' (image pinned by digest)' : ''}`, async () => {
      // A Community Edition with the EULA still to accept and only the default realm active.
      const nexus = await startNexusEmulator({ adminPassword: 'nexus-admin-pw-e2e', dataPlane: dataPlane(`nexus-${path}`) });
      try {
        const port = await closedPort();
        // Developer: the image pinned by digest (the lab's public wolfi-base); Production: by name.
        const digest = lab.state.images.find((i) => i.reference.endsWith('/chainguard/wolfi-base:latest'))!.digest;
        const values = { nexusUrl: nexus.url, nexusUser: 'admin', nexusPassword: 'nexus-admin-pw-e2e', repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}`, acceptEula: 'true', image: path === 'developer' ? `wolfi-base@${digest}` : 'wolfi-base', troubleshoot: 'true', upstreamUrl: lab.state.upstream.url, ...(path === 'production' ? { cgOrg: lab.state.org } : {}) };
        // The troubleshooting checks run too: the direct pulls from the upstream are probes, no docker login.
        const checks = ['proxy-port', 'insecure-listed', `pulled-${path}`, 'cgr-reachable', 'remote-url', path === 'production' ? 'upstream-direct' : 'upstream-public'];
        await twice('nexus', path, values, ['accept-eula', 'create-proxy', 'docker-realm', ...(path === 'production' ? ['set-auth'] : [])], checks, path === 'production' ? 'set-auth' : undefined);
        const ns = path === 'production' ? lab.state.org : 'chainguard';
        expect(await catalog(await nexus.cacheUrl('chainguard'), `${ns}/wolfi-base`)).toContain(`${ns}/wolfi-base`);
        expect(nexus.repository('chainguard')?.proxy.remoteUrl).toBe('https://cgr.dev/');
      } finally {
        await nexus.stop();
      }
    });
  }
});

describe('Nexus guide with anonymous pulls (nexusAuth=false)', () => {
  it('developer: applied once with the admin password, the path then runs green with no Nexus credentials at all', async () => {
    // The reader turned on anonymous access in Nexus; the repository the guide makes allows anonymous docker pulls.
    const nexus = await startNexusEmulator({ adminPassword: 'nexus-admin-pw-anon', anonymousAccess: true, dataPlane: dataPlane('nexus-anon') });
    const dockerDir = mkdtempSync(join(tmpdir(), 'cgd-'));
    try {
      const port = await closedPort();
      const values = { nexusUrl: nexus.url, nexusAuth: 'false', repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}`, acceptEula: 'true', image: 'wolfi-base', upstreamUrl: lab.state.upstream.url };
      const applied = await run('nexus', 'developer', { ...values, nexusUser: 'admin', nexusPassword: 'nexus-admin-pw-anon' }, dockerDir);
      expect(applied.code, applied.out).toBe(0);
      // No password, no user: docker and the probe pull anonymously; the forms are already filled in.
      const anonymous = await run('nexus', 'developer', values, dockerDir, { apply: false });
      const steps = new Map(anonymous.report.steps.map((st) => [st.id, st]));
      expect(anonymous.report.steps.filter((st) => st.verdict === 'failed'), anonymous.out).toEqual([]);
      expect(anonymous.code, anonymous.out).toBe(0);
      expect(steps.get('docker-login')?.verdict).toBe('skipped');
      for (const id of ['nexus-up', 'proxy-port', 'insecure-listed', 'pull-developer', 'pulled-developer']) expect(steps.get(id)?.verdict, `${id}: ${anonymous.out}`).toBe('passed');
      expect(anonymous.out).not.toContain('nexusPassword');
    } finally {
      await nexus.stop();
      rmSync(dockerDir, { recursive: true, force: true });
    }
  });
});

describe('Nexus guide: a changed setting and a rerun keep what the guide does not manage', () => {
  it('production, then a new repository port: the pull-token password and every unmanaged setting survive the update, and Production pulls still work', async () => {
    const nexus = await startNexusEmulator({ adminPassword: 'nexus-admin-pw-e2e', dataPlane: dataPlane('nexus-rerun') });
    const dockerDir = mkdtempSync(join(tmpdir(), 'cgd-'));
    try {
      const port = await closedPort();
      const values = { nexusUrl: nexus.url, nexusUser: 'admin', nexusPassword: 'nexus-admin-pw-e2e', repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}`, acceptEula: 'true', image: 'wolfi-base', cgOrg: lab.state.org };
      const first = await run('nexus', 'production', values, dockerDir);
      expect(first.code, first.out).toBe(0);
      // The reader's own settings, made in the UI after the guide: cleanup policy, routing rule, connection tuning, subdomain, foreign layers.
      const cur = nexus.repository('chainguard')!;
      const own = { ...cur, cleanup: { policyNames: ['weekly'] }, routingRule: 'only-chainguard', httpClient: { ...cur.httpClient, connection: { retries: 2, timeout: 90 } }, docker: { ...cur.docker, subdomain: 'cg' }, dockerProxy: { ...cur.dockerProxy, cacheForeignLayers: true, foreignLayerUrlWhitelist: ['.*'] } };
      const admin = 'Basic ' + Buffer.from('admin:nexus-admin-pw-e2e').toString('base64');
      const put = await fetch(`${nexus.url}/service/rest/v1/repositories/docker/proxy/chainguard`, { method: 'PUT', headers: { authorization: admin, 'content-type': 'application/json' }, body: JSON.stringify(own) });
      expect(put.status).toBe(204);
      const reported = async () => (await (await fetch(`${nexus.url}/service/rest/v1/repositories/docker/proxy/chainguard`, { headers: { authorization: admin } })).json()) as Record<string, any>;
      const before = await reported();
      const updatesBefore = nexus.history('chainguard').length;

      const newPort = await closedPort();
      const second = await run('nexus', 'production', { ...values, repoPort: String(newPort), nexusHost: `127.0.0.1:${newPort}` }, dockerDir);
      const steps = new Map(second.report.steps.map((st) => [st.id, st]));
      expect(second.code, second.out).toBe(0);
      expect(steps.get('create-proxy')?.reason, second.out).toMatch(/^applied: updated /);
      expect(steps.get('pulled-production')?.verdict, second.out).toBe('passed');
      const after = nexus.repository('chainguard')!;
      expect(after.docker.httpPort).toBe(newPort);
      expect(after.httpClient.authentication?.password, 'the pull-token password was dropped by the update').toBeTruthy();
      expect({ cleanup: after.cleanup, routingRule: after.routingRule, connection: after.httpClient.connection, subdomain: after.docker.subdomain, cacheForeignLayers: after.dockerProxy.cacheForeignLayers }).toEqual({ cleanup: { policyNames: ['weekly'] }, routingRule: 'only-chainguard', connection: { retries: 2, timeout: 90 }, subdomain: 'cg', cacheForeignLayers: true });
      // Every update of the rerun (create-proxy's new port, then set-auth's fresh pull token) stored a
      // password: no step left the repository without one, even for a moment a later step would mend.
      const rerunUpdates = nexus.history('chainguard').slice(updatesBefore);
      expect(rerunUpdates.length, second.out).toBeGreaterThanOrEqual(2);
      for (const c of rerunUpdates) expect(c.httpClient.authentication?.password, 'an update of the rerun stored no pull-token password').toBeTruthy();
      // Every setting Nexus reports is as the reader left it, but the port and the username of the
      // fresh pull token this guide makes on every run.
      const managed = (r: Record<string, any>) => ({ ...r, docker: { ...r['docker'], httpPort: 'managed' }, httpClient: { ...r['httpClient'], authentication: { ...r['httpClient'].authentication, username: 'managed' } } });
      expect(managed(await reported())).toEqual(managed(before));
      expect(second.out).not.toContain(after.httpClient.authentication!.password!);
    } finally {
      await nexus.stop();
      rmSync(dockerDir, { recursive: true, force: true });
    }
  });
});

describe('Artifactory guide end to end', () => {
  for (const path of ['developer', 'production'] as const) {
    it(`${path}: remote Docker repository through the API; docker pulls <host>/<key>/<image>`, async () => {
      const art = await startArtifactoryEmulator({ accessToken: 'artifactory-token-e2e', dataPlane: dataPlane(`artifactory-${path}`) });
      try {
        const key = path === 'production' ? 'cgr-private' : 'cgr-public';
        const values = { artifactoryUrl: art.url, artifactoryUser: 'admin', artifactoryToken: 'artifactory-token-e2e', ...(path === 'production' ? { privateRepoKey: key } : { publicRepoKey: key }), artifactoryHost: art.host, plainHttp: 'true', image: 'wolfi-base', ...(path === 'production' ? { cgOrg: lab.state.org } : {}) };
        await twice('artifactory', path, values, [`create-remote-${path}`], [`pulled-${path}-http`], path === 'production' ? 'create-remote-production' : undefined);
        const ns = path === 'production' ? lab.state.org : 'chainguard';
        expect(await catalog(await art.cacheUrl(key), `${ns}/wolfi-base`)).toContain(`${ns}/wolfi-base`);
      } finally {
        await art.stop();
      }
    });
  }
});

describe('Cloudsmith guide end to end', () => {
  for (const path of ['developer', 'production'] as const) {
    it(`${path}: repository and Docker upstream through the API; docker pulls <host>/<org>/<repo>/<image>:<tag>`, async () => {
      const cs = await startCloudsmithEmulator({ apiKey: 'cloudsmith-key-e2e-0123456789', dataPlane: dataPlane(`cloudsmith-${path}`) });
      try {
        const values = { cloudsmithApiUrl: cs.apiUrl, cloudsmithUser: 'jane', cloudsmithApiKey: 'cloudsmith-key-e2e-0123456789', cloudsmithOrg: 'acme', cloudsmithRepo: 'chainguard', cloudsmithRegistry: cs.registryHost, plainHttp: 'true', image: 'wolfi-base:latest', ...(path === 'production' ? { cgOrg: lab.state.org } : {}) };
        await twice('cloudsmith', path, values, ['create-repo', `upstream-${path}`], [`pulled-${path}-http`], path === 'production' ? 'upstream-production' : undefined);
        const [up] = cs.upstreams('acme', 'chainguard');
        const ns = path === 'production' ? lab.state.org : 'chainguard';
        expect(await catalog(await cs.cacheUrl('acme', 'chainguard', up!.slug_perm), `${ns}/wolfi-base`)).toContain(`${ns}/wolfi-base`);
      } finally {
        await cs.stop();
      }
    });
  }
});
