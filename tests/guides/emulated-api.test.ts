// The Artifactory and Cloudsmith guides' API-side steps, run by the real CLI (`run --ci --apply`)
// against the product EMULATORS (test doubles built from the documented APIs, not the products):
// the checks written in the guides must pass on a correct setup and catch the misconfigurations
// the guides warn about. No docker and no chainctl on PATH: the run stops at the first docker
// step, and only the steps before it are asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startArtifactoryEmulator, startCloudsmithEmulator, type ArtifactoryEmulator, type CloudsmithEmulator } from '../../playbooks/emulators/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ART_TOKEN = 'art-token-0123456789';
const CS_KEY = 'c'.repeat(40);

let art: ArtifactoryEmulator;
let cs: CloudsmithEmulator;
let work: string;
let runs = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cgr-guides-emulated-'));
  art = await startArtifactoryEmulator({ accessToken: ART_TOKEN });
  cs = await startCloudsmithEmulator({ apiKey: CS_KEY });
});
afterAll(async () => {
  await art?.stop();
  await cs?.stop();
  rmSync(work, { recursive: true, force: true });
});

interface StepReport { id: string; verdict: string; reason?: string; outputTail?: string }

/** Runs the CLI (async, so the emulators in this process keep answering) and returns the JSON report's steps. */
function runGuide(args: string[], secrets: Record<string, string>): Promise<{ code: number | null; steps: Map<string, StepReport> }> {
  const report = join(work, `report-${++runs}.json`);
  const child = spawn(process.execPath, [join(root, 'bin', 'cgr-playbook.js'), 'run', ...args, '--ci', '--report', `json=${report}`], {
    cwd: work,
    // Only curl and a shell: no docker, no chainctl. HOME is the temp dir so nothing reaches the real one.
    env: { PATH: '/usr/bin:/bin', HOME: work, ...secrets },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      try {
        const steps = (JSON.parse(readFileSync(report, 'utf8')) as { steps: StepReport[] }).steps;
        done({ code, steps: new Map(steps.map((s) => [s.id, s])) });
      } catch (e) {
        fail(new Error(`no report (exit ${code}):\n${out}`, { cause: e }));
      }
    });
  });
}

const verdicts = (steps: Map<string, StepReport>, ids: string[]) => ids.map((id) => [id, steps.get(id)?.verdict]);

describe('Artifactory guide against the Artifactory emulator', () => {
  const values = () => ['--set', `artifactoryUrl=${art.url}`, '--set', 'artifactoryUser=admin', '--set', `artifactoryHost=${art.host}`, '--set', 'plainHttp=true'];

  it('developer path: ping, token, repository applied through the API, URL check', async () => {
    const r = await runGuide(['artifactory', '--path', 'developer', '--apply', ...values()], { CGR_ARTIFACTORY_TOKEN: ART_TOKEN });
    const ids = ['artifactory-up', 'access-token', 'token-works', 'create-remote-developer', 'remote-url'];
    expect(verdicts(r.steps, ids)).toEqual(ids.map((id) => [id, 'passed']));
    expect(art.repository('cgr-public')).toMatchObject({ rclass: 'remote', packageType: 'docker', url: 'https://cgr.dev/', includesPattern: '**/*', blockMismatchingMimeTypes: true });
    // The first docker step fails here (no docker on PATH); the run exits 1.
    expect(r.steps.get('docker-login')?.verdict).toBe('failed');
    expect(r.code).toBe(1);
  });

  it('a wrong access token fails the token check', async () => {
    const r = await runGuide(['artifactory', '--path', 'developer', '--only', 'token-works', ...values()], { CGR_ARTIFACTORY_TOKEN: 'not-the-token' });
    expect(r.steps.get('token-works')?.verdict).toBe('failed');
    expect(r.steps.get('token-works')?.outputTail).toMatch(/^401/);
  });

  it('the URL check catches an organization in the remote URL', async () => {
    const put = await fetch(`${art.url}/artifactory/api/repositories/cgr-wrong`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ART_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'cgr-wrong', rclass: 'remote', packageType: 'docker', url: 'https://cgr.dev/example.com/' }),
    });
    expect(put.status).toBe(200);
    const r = await runGuide(['artifactory', '--path', 'developer', '--only', 'remote-url', ...values(), '--set', 'publicRepoKey=cgr-wrong'], { CGR_ARTIFACTORY_TOKEN: ART_TOKEN });
    expect(r.steps.get('remote-url')?.verdict).toBe('failed');
  });
});

describe('Cloudsmith guide against the Cloudsmith emulator', () => {
  const values = () => ['--set', `cloudsmithApiUrl=${cs.apiUrl}`, '--set', 'cloudsmithOrg=acme', '--set', 'cloudsmithRepo=chainguard', '--set', 'cloudsmithUser=jane', '--set', `cloudsmithRegistry=${cs.registryHost}`, '--set', 'plainHttp=true'];

  it('developer path: API key, repository and upstream applied through the API, upstream check', async () => {
    const r = await runGuide(['cloudsmith', '--path', 'developer', '--apply', ...values()], { CGR_CLOUDSMITH_API_KEY: CS_KEY });
    const ids = ['api-key', 'api-key-works', 'create-repo', 'repo-exists', 'upstream-developer', 'upstream-url-developer'];
    expect(verdicts(r.steps, ids)).toEqual(ids.map((id) => [id, 'passed']));
    expect(cs.upstreams('acme', 'chainguard')).toMatchObject([{ upstream_url: 'https://cgr.dev/chainguard', mode: 'Cache and Proxy', verify_ssl: true, auth_mode: 'None' }]);
    expect(r.steps.get('docker-login')?.verdict).toBe('failed');
  });

  it('a wrong API key fails the key check', async () => {
    const r = await runGuide(['cloudsmith', '--path', 'developer', '--only', 'api-key-works', ...values()], { CGR_CLOUDSMITH_API_KEY: 'x'.repeat(40) });
    expect(r.steps.get('api-key-works')?.verdict).toBe('failed');
  });

  it('the production upstream check fails while the repository only has the public upstream', async () => {
    const r = await runGuide(['cloudsmith', '--path', 'production', '--only', 'upstream-url-production', ...values(), '--set', 'cgOrg=example.com'], { CGR_CLOUDSMITH_API_KEY: CS_KEY });
    expect(r.steps.get('upstream-url-production')?.verdict).toBe('failed');
  });

  it('the upstream checks read every page of the list: the Production upstream on page 3 is found', async () => {
    const paged = await startCloudsmithEmulator({ apiKey: CS_KEY, repositories: [{ owner: 'acme', slug: 'chainguard' }], maxPageSize: 1 });
    try {
      const post = (body: Record<string, unknown>) => fetch(`${paged.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, { method: 'POST', headers: { 'x-api-key': CS_KEY, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await post({ name: 'hub', upstream_url: 'https://hub.example.invalid', mode: 'Proxy Only', priority: 1 });
      await post({ name: 'ghcr', upstream_url: 'https://ghcr.example.invalid', mode: 'Proxy Only', priority: 2 });
      await post({ name: 'Chainguard Production', upstream_url: 'https://cgr.dev', mode: 'Cache and Proxy', priority: 3, auth_mode: 'Username and Password', auth_username: 'id/1', auth_secret: 'pull-secret-1234' });
      const r = await runGuide(['cloudsmith', '--path', 'production', '--only', 'upstream-url-production', ...values(), '--set', `cloudsmithApiUrl=${paged.apiUrl}`, '--set', 'cgOrg=example.com'], { CGR_CLOUDSMITH_API_KEY: CS_KEY });
      expect(r.steps.get('upstream-url-production')?.verdict).toBe('passed');
    } finally {
      await paged.stop();
    }
  });
});
