// Fault runs: `cgr-playbook run nexus --ci --apply` against a misconfigured Nexus EMULATOR, and
// `cgr-playbook doctor` where the run alone cannot tell (a wrong pull token, an unreachable upstream). Each must end in the right diagnosis,
// with no secret in the output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { startDistribution } from '../../playbooks/lab/index.ts';
import { startNexusEmulator, type NexusEmulator, type NexusEmulatorOptions } from '../../playbooks/emulators/index.ts';
import { runCli } from '../../playbooks/cli/main.ts';
import { envVarFor } from '../../playbooks/model/field.ts';
import type { JsonRunReport } from '../../playbooks/report/run-report.ts';
import { startTestLab, type TestLab } from '../support/lab.ts';
import { shimEnv } from '../support/docker.ts';
import { closedPort, holdPort } from '../adapters/support.ts';

const ADMIN_PW = 'fault-admin-password-77';
let lab: TestLab;
let n = 0;

beforeAll(async () => {
  lab = await startTestLab('e2e-faults', { cache: false });
});
afterAll(async () => {
  await lab?.dispose();
});

async function cli(argv: string[], values: Record<string, string>, dockerDir?: string): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
  const env: NodeJS.ProcessEnv = { ...(dockerDir ? shimEnv({ dir: dockerDir, labStateDir: lab.stateDir }) : { PATH: process.env.PATH }), TERM: 'dumb', NO_COLOR: '1' };
  for (const [id, v] of Object.entries(values)) env[envVarFor(id)] = v;
  const code = await runCli(argv, { stdout: sink, stderr: sink, stdin: new PassThrough(), env, cwd: lab.dir });
  return { code, out };
}

async function runNexus(values: Record<string, string>, dockerDir?: string): Promise<{ code: number; out: string; step: (id: string) => JsonRunReport['steps'][number] | undefined }> {
  const file = join(lab.dir, `faults-${++n}.json`);
  const r = await cli(['run', 'nexus', '--ci', '--apply', '--path', 'developer', '--report', `json=${file}`], values, dockerDir);
  const report = JSON.parse(readFileSync(file, 'utf8')) as JsonRunReport;
  expect(r.out).not.toContain(ADMIN_PW);
  return { ...r, step: (id) => report.steps.find((s) => s.id === id) };
}

async function withNexus(opts: Partial<NexusEmulatorOptions>, fn: (nx: NexusEmulator, values: Record<string, string>) => Promise<void>): Promise<void> {
  const nx = await startNexusEmulator({ adminPassword: ADMIN_PW, ...opts });
  const port = await closedPort();
  try {
    await fn(nx, { nexusUrl: nx.url, nexusUser: 'admin', nexusPassword: ADMIN_PW, repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}`, acceptEula: 'true', image: 'wolfi-base' });
  } finally {
    await nx.stop();
  }
}

describe('fault runs of the Nexus guide', () => {
  it('wrong product credentials: the apply step fails with WRONG_CREDENTIALS naming the fields', async () => {
    await withNexus({}, async (_nx, v) => {
      const r = await runNexus({ ...v, nexusPassword: 'not-the-admin-password' });
      expect(r.code).toBe(1);
      expect(r.step('accept-eula')).toMatchObject({ verdict: 'failed', reason: expect.stringMatching(/WRONG_CREDENTIALS: Nexus refused the credentials .* fix: check nexusUser and nexusPassword/) });
      expect(r.out).not.toContain('not-the-admin-password');
    });
  });

  it('EULA not accepted (and not accepted through the API): EULA_NOT_ACCEPTED with the way out', async () => {
    await withNexus({}, async (nx, v) => {
      const r = await runNexus({ ...v, acceptEula: 'false' });
      expect(r.step('accept-eula')?.verdict).toBe('skipped');
      expect(r.step('create-proxy')).toMatchObject({ verdict: 'failed', reason: expect.stringMatching(/^EULA_NOT_ACCEPTED: .*--set acceptEula=true/) });
      expect(nx.eulaAccepted()).toBe(false);
    });
  });

  it('port already in use: PORT_IN_USE, pick another repoPort', async () => {
    const held = await holdPort();
    try {
      await withNexus({}, async (_nx, v) => {
        const r = await runNexus({ ...v, repoPort: String(held.port), nexusHost: `127.0.0.1:${held.port}` });
        expect(r.step('create-proxy')).toMatchObject({ verdict: 'failed', reason: expect.stringMatching(new RegExp(`^PORT_IN_USE: .*${held.port}.* fix: choose a free port for repoPort`)) });
      });
    } finally {
      await held.close();
    }
  });

  it('a repository that exists with https://cgr.dev/chainguard/: the run names the field, then corrects it', async () => {
    await withNexus({ eulaAccepted: true }, async (nx, v) => {
      const auth = { authorization: 'Basic ' + Buffer.from(`admin:${ADMIN_PW}`).toString('base64'), 'content-type': 'application/json' };
      const res = await fetch(`${nx.url}/service/rest/v1/repositories/docker/proxy`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'chainguard', online: true, storage: { blobStoreName: 'default', strictContentTypeValidation: true }, proxy: { remoteUrl: 'https://cgr.dev/chainguard/', contentMaxAge: 1440, metadataMaxAge: 1440 }, negativeCache: { enabled: true, timeToLive: 1440 }, httpClient: { blocked: false, autoBlock: true }, docker: { v1Enabled: false, forceBasicAuth: false, httpPort: Number(v.repoPort) }, dockerProxy: { indexType: 'REGISTRY' } }) });
      expect(res.status).toBe(201);
      // Only the repository step: the check reports the wrong field, the apply corrects it.
      const r = await cli(['run', 'nexus', '--ci', '--apply', '--path', 'developer', '--only', 'create-proxy'], v);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain('Remote storage (proxy.remoteUrl) is https://cgr.dev/chainguard/, expected https://cgr.dev/');
      expect(r.out).toContain('applied: updated docker (proxy) repository "chainguard"');
      expect(nx.repository('chainguard')?.proxy.remoteUrl).toBe('https://cgr.dev/');
    });
  });

  it('wrong pull token: the pull through the cache fails as manifest unknown, and doctor says it is the credentials', async () => {
    const dockerDir = mkdtempSync(join(tmpdir(), 'cgd-'));
    try {
      await withNexus({ dataPlane: { start: startDistribution, stateDir: join(lab.dir, 'fault-caches-token'), upstreamMap: { 'https://cgr.dev': lab.state.upstream.url } } }, async (nx, v) => {
        const values = { ...v, cgOrg: lab.state.org };
        const file = join(lab.dir, `faults-${++n}.json`);
        const env: NodeJS.ProcessEnv = { ...shimEnv({ dir: dockerDir, labStateDir: lab.stateDir }), TERM: 'dumb', NO_COLOR: '1', CGR_PLAYBOOK_CHAINCTL_SHIM_WRONG_TOKEN: '1' };
        for (const [id, x] of Object.entries(values)) env[envVarFor(id)] = x;
        let out = '';
        const sink = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
        const code = await runCli(['run', 'nexus', '--ci', '--apply', '--path', 'production', '--report', `json=${file}`], { stdout: sink, stderr: sink, stdin: new PassThrough(), env, cwd: lab.dir });
        const report = JSON.parse(readFileSync(file, 'utf8')) as JsonRunReport;
        const step = (id: string) => report.steps.find((s) => s.id === id);
        expect(code, out).toBe(1);
        // The repository took the token: nothing in the product's settings is wrong...
        expect(step('set-auth')?.verdict, out).toBe('passed');
        // ...but the cache cannot sign in upstream, and says so only as 404 MANIFEST_UNKNOWN.
        expect(step('pull-production')?.verdict).toBe('failed');
        expect(step('pull-production')?.outputTail).toMatch(/manifest unknown/i);
        const auth = nx.repository('chainguard')?.httpClient.authentication;
        expect(auth?.password).toMatch(/-revoked$/);
        expect(out).not.toContain(auth!.password!);
        // The guide's troubleshooting advice, as doctor runs it: the same token straight upstream.
        const d = await cli(['doctor', 'nexus', '--path', 'production', '--host', `tcp://${lab.state.upstream.host}`, '--upstream', lab.state.upstream.url, '--timeout', '5s'], { ...values, identityId: auth!.username!, pullToken: auth!.password! });
        expect(d.code).toBe(1);
        expect(d.out).toMatch(/✘ The image can be pulled from the upstream directly with the pull token\n[^\n]*UNAUTHORIZED\)\n\s+cause: It is the credentials/);
        expect(d.out).toMatch(/✘ The image can be pulled through the repository\n[^\n]*MANIFEST_UNKNOWN/);
        expect(d.out).not.toContain(auth!.password!);
      });
    } finally {
      rmSync(dockerDir, { recursive: true, force: true });
    }
  });

  it('upstream unreachable: the pull fails, and doctor says the upstream is unreachable', async () => {
    const dead = await closedPort();
    const dockerDir = mkdtempSync(join(tmpdir(), 'cgd-'));
    try {
      await withNexus({ dataPlane: { start: startDistribution, stateDir: join(lab.dir, 'fault-caches'), upstreamMap: { 'https://cgr.dev': `http://127.0.0.1:${dead}` } } }, async (_nx, v) => {
        const r = await runNexus(v, dockerDir);
        expect(r.code).toBe(1);
        expect(r.step('pull-developer')?.verdict).toBe('failed');
        expect(r.step('pull-developer')?.outputTail).toMatch(/502 Bad Gateway/); // the emulator's answer when the remote is down
        const d = await cli(['doctor', 'nexus', '--host', `tcp://127.0.0.1:${dead}`, '--upstream', `http://127.0.0.1:${dead}`, '--timeout', '3s'], v);
        expect(d.code).toBe(1);
        expect(d.out).toMatch(/✘ 127\.0\.0\.1:\d+ is reachable\n\s+TCP: 127\.0\.0\.1 \(127\.0\.0\.1\) refused the connection/);
        expect(d.out).toMatch(/✘ The image can be pulled from the upstream directly\n[\s\S]*unreachable from here/);
        expect(d.out).not.toContain(ADMIN_PW);
      });
    } finally {
      rmSync(dockerDir, { recursive: true, force: true });
    }
  });
});
