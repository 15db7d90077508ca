// The distribution guide end to end, as CI runs it: `cgr-playbook run distribution --ci` against
// the lab (the stand-in for cgr.dev), with `docker` = podman in the test's temp dir and the
// chainctl shim on PATH. Both paths pass; fault runs end with the right diagnosis.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, issueToken, isAlive, startDistribution, stopPid } from '../../playbooks/lab/index.ts';
import { createProbeRunner } from '../../playbooks/probes/index.ts';
import { getGuide } from '../../playbooks/guides.ts';
import { resolveValue } from '../../playbooks/plan/plan.ts';
import type { ResolvedProbe } from '../../playbooks/contracts.ts';
import type { VerifyStep } from '../../playbooks/model/step.ts';
import { shimEnv } from '../support/docker.ts';
import { startTestLab, type TestLab } from '../support/lab.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin', 'cgr-playbook.js');

interface StepReport {
  id: string;
  verdict: 'passed' | 'failed' | 'skipped';
  reason?: string;
  outputTail?: string;
}
interface Report {
  status: string;
  exitCode: number;
  steps: StepReport[];
}

let lab: TestLab;
let n = 0;
const caches: string[] = [];

interface GuideRun {
  code: number | null;
  out: string;
  report: Report;
  cacheDir: string;
  listen: string;
  values: Record<string, string>;
}

async function runGuide(path: 'developer' | 'production', sets: Record<string, string>, extraPath?: string): Promise<GuideRun> {
  const id = ++n;
  const cacheDir = join(lab.dir, `cache-${id}`);
  caches.push(cacheDir);
  const listen = `127.0.0.1:${await freePort()}`;
  const values: Record<string, string> = { upstreamUrl: lab.state.upstream.url, listen, cacheDir, troubleshoot: 'true', ...(path === 'production' ? { cgOrg: 'acme.example' } : {}), ...sets };
  const reportFile = join(lab.dir, `report-${id}.json`);
  const env = shimEnv({ dir: lab.dir, labStateDir: lab.stateDir, insecure: [listen] });
  if (extraPath) env['PATH'] = `${extraPath}:${env['PATH']}`;
  const args = [BIN, 'run', 'distribution', '--ci', '--path', path, ...Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]), '--report', `json=${reportFile}`];
  const child = spawn(process.execPath, args, { cwd: lab.dir, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  return { code, out, report: JSON.parse(readFileSync(reportFile, 'utf8')) as Report, cacheDir, listen, values };
}

/** Stops a cache the guide started and a failed run left running (by the pid file the guide wrote). */
async function stopLeftoverCaches(): Promise<void> {
  for (const dir of caches.splice(0)) {
    const pidFile = join(dir, 'registry.pid');
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0) await stopPid(pid, 'config.yml');
  }
}

const verdicts = (r: Report) => Object.fromEntries(r.steps.map((s) => [s.id, s.verdict]));
const step = (r: Report, id: string) => r.steps.find((s) => s.id === id)!;

/** The probes of one of the guide's verify steps, templates filled with the run's values and captures. */
async function guideProbes(stepId: string, values: Record<string, string>): Promise<ResolvedProbe[]> {
  const guide = await getGuide('distribution');
  const s = guide.steps.find((x) => x.id === stepId) as VerifyStep;
  const r = (t: string | undefined) => (t === undefined ? undefined : resolveValue(guide, t, values).value);
  return s.probes.map((p) => ({ type: p.type, insecure: p.insecure, image: r(p.image)!, ...(p.username ? { username: r(p.username)! } : {}), ...(p.password ? { password: r(p.password)! } : {}), ...(p.upstream ? { upstream: r(p.upstream)! } : {}) }));
}

describe('distribution guide end to end against the lab', () => {
  beforeAll(async () => {
    lab = await startTestLab('e2e', { cache: false });
  });
  afterEach(async () => {
    await stopLeftoverCaches();
  });
  afterAll(async () => {
    await stopLeftoverCaches();
    await lab?.dispose();
  });

  it('developer path: every step passes and the cache holds chainguard/wolfi-base', async () => {
    const r = await runGuide('developer', {});
    expect(r.code, r.out).toBe(0);
    expect(r.report.status).toBe('passed');
    expect(Object.values(verdicts(r.report)).every((v) => v === 'passed'), JSON.stringify(verdicts(r.report))).toBe(true);
    expect(Object.keys(verdicts(r.report))).toEqual(['registry-installed', 'docker-works', 'upstream-answers', 'write-config', 'start-cache', 'cache-answers', 'pull-developer', 'pulled-developer', 'cached-developer', 'registry-log', 'stop-cache']);
    expect(step(r.report, 'cached-developer').outputTail).toContain('"chainguard/wolfi-base"');
    // The cache's own storage (kept after stop) holds the repository and its layers.
    expect(existsSync(join(r.cacheDir, 'data', 'docker', 'registry', 'v2', 'repositories', 'chainguard', 'wolfi-base', '_manifests'))).toBe(true);
    expect(existsSync(join(r.cacheDir, 'registry.pid'))).toBe(false);
  }, 180_000);

  it('production path: the pull token from chainctl reaches the cache; every step but the manual sign-in passes', async () => {
    const r = await runGuide('production', {});
    expect(r.code, r.out).toBe(0);
    const v = verdicts(r.report);
    expect(v).toEqual({
      'registry-installed': 'passed',
      'docker-works': 'passed',
      'upstream-answers': 'passed',
      'chainctl-login': 'skipped',
      'create-pull-token': 'passed',
      'lab-pull-token': 'skipped',
      'write-config': 'passed',
      'start-cache-auth': 'passed',
      'cache-answers': 'passed',
      'pull-production': 'passed',
      'pulled-production': 'passed',
      'cached-production': 'passed',
      'upstream-direct': 'passed',
      'registry-log': 'passed',
      'stop-cache': 'passed',
    });
    expect(step(r.report, 'chainctl-login').reason).toMatch(/manual step/);
    expect(existsSync(join(r.cacheDir, 'data', 'docker', 'registry', 'v2', 'repositories', 'acme.example', 'wolfi-base', '_manifests'))).toBe(true);
    // The pull token never reached the report, the config file or the terminal output.
    const report = readFileSync(join(lab.dir, `report-${n}.json`), 'utf8');
    const cfg = readFileSync(join(r.cacheDir, 'config.yml'), 'utf8');
    for (const text of [report, cfg, r.out]) expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  }, 180_000);

  it('production path with the test lab (useLab): no chainctl needed; cgr-playbook lab token provides the pull token', async () => {
    // A machine without chainctl and without cgr-playbook on PATH (run as `npx cgr-playbook run`
    // or `node bin/cgr-playbook.js run` would be): the step's `cgr-playbook` is the one running it.
    const bin = join(lab.dir, 'bin-no-chainctl');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'chainctl'), '#!/bin/sh\necho "chainctl: command not found" >&2\nexit 127\n');
    writeFileSync(join(bin, 'cgr-playbook'), '#!/bin/sh\necho "cgr-playbook: command not found" >&2\nexit 127\n');
    for (const f of ['chainctl', 'cgr-playbook']) chmodSync(join(bin, f), 0o755);
    const r = await runGuide('production', { useLab: 'true' }, bin);
    expect(r.code, r.out).toBe(0);
    const v = verdicts(r.report);
    expect(v).toMatchObject({ 'chainctl-login': 'skipped', 'create-pull-token': 'skipped', 'lab-pull-token': 'passed', 'start-cache-auth': 'passed', 'pulled-production': 'passed', 'upstream-direct': 'passed', 'stop-cache': 'passed' });
    expect(step(r.report, 'create-pull-token').reason).toMatch(/useLab/);
    expect(r.out).not.toContain('command not found');
    for (const text of [readFileSync(join(lab.dir, `report-${n}.json`), 'utf8'), r.out]) expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  }, 180_000);

  it('wrong pull token: the cache answers 404 manifest unknown; the upstream probe says it is the credentials', async () => {
    // A chainctl that hands out one identity's id with another token's password.
    const a = await issueToken({ stateDir: lab.stateDir });
    const b = await issueToken({ stateDir: lab.stateDir });
    const bin = join(lab.dir, 'bad-chainctl');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'chainctl'), `#!/bin/sh\necho 'docker login "${a.registry}" --username "${a.identityId}" --password "${b.token}"'\n`);
    chmodSync(join(bin, 'chainctl'), 0o755);
    const r = await runGuide('production', {}, bin);
    expect(r.code).toBe(1);
    const failed = r.report.steps.filter((s) => s.verdict === 'failed');
    expect(failed.map((s) => s.id)).toEqual(['pull-production']);
    expect(failed[0]!.outputTail).toMatch(/manifest unknown/i);
    // The cleanup step stopped the cache although a step failed.
    expect(step(r.report, 'stop-cache').verdict).toBe('passed');
    expect(existsSync(join(r.cacheDir, 'registry.pid'))).toBe(false);
    // The same cache (same config, same wrong credentials), probed as the guide's verify steps do.
    const again = await startDistribution({ name: 'again', stateDir: r.cacheDir, proxy: { remoteUrl: lab.state.upstream.url, username: a.identityId, password: b.token } });
    const values = { ...r.values, listen: again.host, image: 'wolfi-base', identityId: a.identityId, pullToken: b.token };
    const runner = createProbeRunner();
    const [pull] = await guideProbes('pulled-production', values);
    const viaCache = await runner.run(pull!, AbortSignal.timeout(20_000));
    expect(viaCache.ok).toBe(false);
    expect(viaCache.diagnosis?.code).toBe('MANIFEST_UNKNOWN');
    const [up] = await guideProbes('upstream-direct', values);
    expect(up!.upstream).toBe(lab.state.upstream.url);
    const direct = await runner.run(up!, AbortSignal.timeout(20_000));
    expect(direct.ok).toBe(false);
    expect(direct.diagnosis?.code).toBe('UNAUTHORIZED');
    expect(direct.diagnosis?.cause).toMatch(/^It is the credentials/);
    expect(JSON.stringify(direct)).not.toContain(b.token);
    await again.stop();
  }, 180_000);

  it('image missing: the pull fails with manifest unknown, the cleanup step still stops the cache, and the probe says MANIFEST_UNKNOWN', async () => {
    const r = await runGuide('developer', { image: 'no-such-image' });
    expect(r.code).toBe(1);
    const failed = r.report.steps.filter((s) => s.verdict === 'failed');
    expect(failed.map((s) => s.id)).toEqual(['pull-developer']);
    expect(failed[0]!.outputTail).toMatch(/manifest unknown/i);
    // Cleanup after a failing step: the cache is stopped, its pid file gone, its port free for the next run.
    expect(verdicts(r.report)).toMatchObject({ 'pulled-developer': 'skipped', 'cached-developer': 'skipped', 'stop-cache': 'passed' });
    expect(existsSync(join(r.cacheDir, 'registry.pid'))).toBe(false);
    const next = await runGuide('developer', { listen: r.listen, cacheDir: r.cacheDir });
    expect(next.code, next.out).toBe(0);
    // The same cache started again, probed as the guide's verify step does.
    const again = await startDistribution({ name: 'again', stateDir: r.cacheDir, proxy: { remoteUrl: lab.state.upstream.url } });
    const [pull] = await guideProbes('pulled-developer', { ...r.values, listen: again.host });
    const res = await createProbeRunner().run(pull!, AbortSignal.timeout(20_000)).finally(() => again.stop());
    expect(res.diagnosis?.code).toBe('MANIFEST_UNKNOWN');
    expect(res.diagnosis?.fix).toMatch(/image name and tag/);
  }, 180_000);

  it('upstream down: the run stops at "the upstream registry answers"; the upstream probe says CONNECTION_REFUSED', async () => {
    await stopPid(lab.state.upstream.pid, 'config.yml');
    expect(isAlive(lab.state.upstream.pid)).toBe(false);
    const r = await runGuide('developer', {});
    expect(r.code).toBe(1);
    const failed = r.report.steps.filter((s) => s.verdict === 'failed');
    expect(failed.map((s) => s.id)).toEqual(['upstream-answers']);
    expect(failed[0]!.outputTail).toMatch(/Couldn't connect|Connection refused/);
    expect(existsSync(join(r.cacheDir, 'registry.pid'))).toBe(false);
    const res = await createProbeRunner().run({ type: 'upstream', insecure: false, upstream: lab.state.upstream.url, image: `${r.listen}/chainguard/wolfi-base:latest` }, AbortSignal.timeout(20_000));
    expect(res.diagnosis?.code).toBe('CONNECTION_REFUSED');
    expect(res.diagnosis?.cause).toMatch(/unreachable/);
  }, 180_000);
});
