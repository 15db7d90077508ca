// End to end: the Artifactory and Cloudsmith guides, both paths, run by the real CLI
// (`run --ci --apply`) against the product EMULATORS (test doubles built from the documented
// APIs, not the products) with a real Distribution cache behind each repository, the lab's
// stand-in for cgr.dev upstream, `docker` = podman (tests/support/bin) and the `chainctl` shim
// that issues pull tokens from the lab. Every step that runs must pass, the pull probes included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDistribution } from '../../playbooks/lab/index.ts';
import { startArtifactoryEmulator, startCloudsmithEmulator, type ArtifactoryEmulator, type CloudsmithEmulator } from '../../playbooks/emulators/index.ts';
import { startTestLab, type TestLab } from '../support/lab.ts';
import { shimEnv } from '../support/docker.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ART_TOKEN = 'art-token-e2e-0123456789';
const CS_KEY = 'e'.repeat(40);

let lab: TestLab;
let art: ArtifactoryEmulator;
let cs: CloudsmithEmulator;
let env: NodeJS.ProcessEnv;
let runs = 0;

beforeAll(async () => {
  lab = await startTestLab('guides-e2e', { cache: false });
  const dataPlane = { start: startDistribution, stateDir: join(lab.dir, 'caches'), upstreamMap: { 'https://cgr.dev': lab.state.upstream.url } };
  art = await startArtifactoryEmulator({ accessToken: ART_TOKEN, dataPlane });
  cs = await startCloudsmithEmulator({ apiKey: CS_KEY, dataPlane });
  // Nothing from this machine's own PATH or HOME but the basic tools.
  env = shimEnv({ dir: lab.dir, labStateDir: lab.stateDir, insecure: [art.host, cs.registryHost] }, { PATH: '/usr/bin:/bin', HOME: lab.dir });
}, 120_000);

afterAll(async () => {
  await art?.stop();
  await cs?.stop();
  await lab?.dispose();
});

interface StepReport { id: string; verdict: string; reason?: string; outputTail?: string }

function runGuide(args: string[], secrets: Record<string, string>): Promise<{ code: number | null; output: string; steps: StepReport[] }> {
  const report = join(lab.dir, `report-${++runs}.json`);
  // The troubleshooting checks run too, against the lab's stand-in for cgr.dev.
  const troubleshoot = ['--set', 'troubleshoot=true', '--set', `upstreamUrl=${lab.state.upstream.url}`];
  const child = spawn(process.execPath, [join(root, 'bin', 'cgr-playbook.js'), 'run', ...args, ...troubleshoot, '--ci', '--apply', '--report', `json=${report}`], {
    cwd: lab.dir,
    env: { ...env, ...secrets },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      try {
        done({ code, output, steps: (JSON.parse(readFileSync(report, 'utf8')) as { steps: StepReport[] }).steps });
      } catch (e) {
        fail(new Error(`no report (exit ${code}):\n${output}`, { cause: e }));
      }
    });
  });
}

/** Every step either passed or was skipped for a reason the run explains (a `when`, a manual step in CI). */
function expectAllPassed(r: { code: number | null; output: string; steps: StepReport[] }, mustPass: string[]): void {
  const notOk = r.steps.filter((s) => s.verdict !== 'passed' && !(s.verdict === 'skipped' && /condition not met|manual step/.test(s.reason ?? '')));
  expect(notOk, r.output).toEqual([]);
  expect(r.code, r.output).toBe(0);
  const passed = new Set(r.steps.filter((s) => s.verdict === 'passed').map((s) => s.id));
  expect(mustPass.filter((id) => !passed.has(id))).toEqual([]);
}

describe('guides end to end against emulators, a real cache and the lab upstream', () => {
  it('Artifactory, developer path', async () => {
    const r = await runGuide(
      ['artifactory', '--path', 'developer', '--set', `artifactoryUrl=${art.url}`, '--set', 'artifactoryUser=admin', '--set', `artifactoryHost=${art.host}`, '--set', 'publicRepoKey=cgr-public', '--set', 'plainHttp=true', '--set', 'image=wolfi-base:latest'],
      { CGR_ARTIFACTORY_TOKEN: ART_TOKEN },
    );
    expectAllPassed(r, ['token-works', 'create-remote-developer', 'remote-url', 'docker-login', 'pull-developer', 'pulled-developer-http', 'cgr-reachable', 'upstream-public', 'remote-settings']);
    expect(art.repository('cgr-public')?.url).toBe('https://cgr.dev/');
  });

  it('Artifactory, production path (pull token from chainctl, credentials on the repository)', async () => {
    const r = await runGuide(
      ['artifactory', '--path', 'production', '--set', `artifactoryUrl=${art.url}`, '--set', 'artifactoryUser=admin', '--set', `artifactoryHost=${art.host}`, '--set', 'privateRepoKey=cgr-private', '--set', 'plainHttp=true', '--set', `cgOrg=${lab.state.org}`],
      { CGR_ARTIFACTORY_TOKEN: ART_TOKEN },
    );
    expectAllPassed(r, ['create-pull-token', 'create-remote-production', 'remote-url-production', 'pull-production', 'pulled-production-http', 'cgr-reachable', 'upstream-direct', 'remote-settings-production']);
    const repo = art.repository('cgr-private')!;
    expect(repo.username).toMatch(/\S/);
    // The pull token reached the repository, and never the run's output.
    expect(repo.password?.length).toBeGreaterThan(8);
    expect(r.output).not.toContain(repo.password);
  });

  it('Cloudsmith, developer path', async () => {
    const r = await runGuide(
      ['cloudsmith', '--path', 'developer', '--set', `cloudsmithApiUrl=${cs.apiUrl}`, '--set', 'cloudsmithOrg=acme', '--set', 'cloudsmithRepo=chainguard-public', '--set', 'cloudsmithUser=jane', '--set', `cloudsmithRegistry=${cs.registryHost}`, '--set', 'plainHttp=true'],
      { CGR_CLOUDSMITH_API_KEY: CS_KEY },
    );
    expectAllPassed(r, ['api-key-works', 'create-repo', 'upstream-developer', 'upstream-url-developer', 'docker-login', 'pull-developer', 'pulled-developer-http', 'cgr-reachable', 'upstream-public', 'upstream-active']);
    expect(cs.upstreams('acme', 'chainguard-public').map((u) => u.upstream_url)).toEqual(['https://cgr.dev/chainguard']);
  });

  it('Cloudsmith, production path (upstream with the pull token)', async () => {
    const r = await runGuide(
      ['cloudsmith', '--path', 'production', '--set', `cloudsmithApiUrl=${cs.apiUrl}`, '--set', 'cloudsmithOrg=acme', '--set', 'cloudsmithRepo=chainguard-private', '--set', 'cloudsmithUser=jane', '--set', `cloudsmithRegistry=${cs.registryHost}`, '--set', 'plainHttp=true', '--set', `cgOrg=${lab.state.org}`],
      { CGR_CLOUDSMITH_API_KEY: CS_KEY },
    );
    expectAllPassed(r, ['create-pull-token', 'upstream-production', 'upstream-url-production', 'pull-production', 'pulled-production-http', 'cgr-reachable', 'upstream-direct', 'upstream-active']);
    const [up] = cs.upstreams('acme', 'chainguard-private');
    expect(up).toMatchObject({ upstream_url: 'https://cgr.dev', auth_mode: 'Username and Password' });
    expect(up!.auth_secret.length).toBeGreaterThan(8);
    expect(r.output).not.toContain(up!.auth_secret);
  });
});
