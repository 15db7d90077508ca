// The recipes on the site's "Guides in CI" page (src/content/docs/ci.mdx), run as written: every
// GitHub Actions `run:` and GitLab `script:` line of each recipe, in a temp "docs repository" that
// holds the guides and a cgr-playbook.config.json, with GitHub's environment variables set.
// Provided by this machine instead of run: `uses:` actions, `npm ci`, `apt-get install` and the
// registries.conf.d drop-in for Podman (the package and docker-registry are here; `docker` is
// podman through tests/support/bin, which reaches 127.0.0.1 over plain HTTP). `npx
// cgr-playbook` runs this checkout's bin. The nightly Nexus recipe needs a real Nexus and cgr.dev:
// its cgr-playbook commands run with --dry-run added, its `docker exec` line is not run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { XMLParser } from 'fast-xml-parser';
import { repoRoot } from './memory-io.ts';
import { shimEnv } from '../support/docker.ts';
import { labDown, stopPid } from '../../playbooks/lab/index.ts';

interface Recipe {
  title: string;
  doc: Record<string, unknown>;
}

/** The ```yaml title="…" fences of the page, parsed. */
function recipes(): Recipe[] {
  const page = readFileSync(join(repoRoot, 'src/content/docs/ci.mdx'), 'utf8');
  return [...page.matchAll(/^```yaml title="([^"]+)"\n([\s\S]*?)^```$/gm)].map((m) => ({ title: m[1]!, doc: parseYaml(m[2]!) as Record<string, unknown> }));
}

interface Line {
  run: string;
  always: boolean;
}

// Also provided: the GitLab recipe's registries.conf.d drop-in (the test `docker` already reaches 127.0.0.1 over HTTP).
const PROVIDED = /^(sudo )?apt-get |^npm ci$|\/etc\/containers\/registries\.conf\.d\//;

/** The shell lines of one job, in order: GitHub steps (`if: always()` kept) or GitLab before_script + script + after_script. */
function jobLines(r: Recipe, job: string): { lines: Line[]; env: Record<string, string> } {
  const j = (r.title.startsWith('.github/') ? (r.doc.jobs as Record<string, unknown>)[job] : r.doc[job]) as Record<string, unknown>;
  expect(j, `${r.title}: job ${job}`).toBeTruthy();
  if (r.title.startsWith('.github/')) {
    const steps = j.steps as Array<{ run?: string; uses?: string; if?: string }>;
    return { lines: steps.filter((s) => s.run !== undefined).map((s) => ({ run: s.run!.trim(), always: s.if === 'always()' })), env: (j.env ?? {}) as Record<string, string> };
  }
  const list = (k: string, always: boolean) => ((j[k] ?? []) as string[]).map((run) => ({ run: run.trim(), always }));
  return { lines: [...list('before_script', false), ...list('script', false), ...list('after_script', true)], env: {} };
}

let repo: string;
let bin: string;
let labState: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'cgr-recipes-'));
  bin = join(repo, '.bin');
  labState = join(repo, '.lab-state');
  mkdirSync(bin);
  // `npx cgr-playbook …` -> this checkout's bin on this Node (what `npm ci` + npx give a docs repo).
  writeFileSync(join(bin, 'npx'), `#!/bin/sh\n[ "$1" = cgr-playbook ] || { echo "npx: only cgr-playbook here" >&2; exit 127; }\nshift\nexec "${process.execPath}" "${join(repoRoot, 'bin/cgr-playbook.js')}" "$@"\n`);
  chmodSync(join(bin, 'npx'), 0o755);
  mkdirSync(join(repo, 'docs', 'guides'), { recursive: true });
  for (const f of readdirSync(join(repoRoot, 'content'))) if (f.endsWith('.mdx')) copyFileSync(join(repoRoot, 'content', f), join(repo, 'docs', 'guides', f));
  writeFileSync(join(repo, 'cgr-playbook.config.json'), readConfigFromPage());
});

afterAll(async () => {
  // A run that failed half-way may leave the guide's own cache running (its last step stops it).
  for (const pidFile of [join(repo, '.runner-temp', 'cgr-cache', 'registry.pid'), join(repo, 'cgr-cache', 'registry.pid')]) {
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0) await stopPid(pid, 'config.yml').catch(() => {});
  }
  await labDown({ stateDir: labState }).catch(() => {});
  rmSync(repo, { recursive: true, force: true });
});

/** The config file shown on the page. */
function readConfigFromPage(): string {
  const page = readFileSync(join(repoRoot, 'src/content/docs/ci.mdx'), 'utf8');
  return /^```json title="cgr-playbook.config.json"\n([\s\S]*?)^```$/m.exec(page)![1]!;
}

interface StepRun {
  run: string;
  status: number | null;
  out: string;
}

/** Runs a job's lines like the CI system: stop at the first failure, then only `always` lines. */
function runJob(lines: Line[], env: Record<string, string>, opts: { dryRun?: boolean; gitlab?: boolean } = {}): { steps: StepRun[]; summary: string } {
  const summary = join(repo, `summary-${Math.random().toString(36).slice(2)}.md`);
  writeFileSync(summary, '');
  const baseEnv = shimEnv({ dir: repo, labStateDir: labState });
  const fullEnv: NodeJS.ProcessEnv = {
    ...baseEnv,
    PATH: `${bin}:${dirname(process.execPath)}:${baseEnv.PATH}`,
    NO_COLOR: '1',
    ...(opts.gitlab ? { GITLAB_CI: 'true', CI_PROJECT_DIR: repo } : { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: repo, GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: join(repo, '.runner-temp') }),
    ...env,
  };
  mkdirSync(join(repo, '.runner-temp'), { recursive: true });
  const steps: StepRun[] = [];
  let failed = false;
  for (const l of lines) {
    if (PROVIDED.test(l.run)) continue;
    if (failed && !l.always) continue;
    let run = l.run;
    if (opts.dryRun) {
      if (/docker exec/.test(run)) continue;
      run = run.replace(/^(npx cgr-playbook run .*)$/gm, '$1 --dry-run');
    }
    const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', run], { cwd: repo, env: fullEnv, encoding: 'utf8', timeout: 240_000 });
    steps.push({ run: l.run, status: r.status, out: r.stdout + r.stderr });
    if (r.status !== 0) failed = true;
  }
  return { steps, summary: readFileSync(summary, 'utf8') };
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => ['testsuite', 'testcase'].includes(n) });
const cases = (file: string) => (xml.parse(readFileSync(file, 'utf8')) as { testsuites: { testsuite: Array<{ testcase: Array<Record<string, string>> }> } }).testsuites.testsuite.flatMap((s) => s.testcase);
const recipe = (title: string, n = 0) => recipes().filter((r) => r.title === title)[n]!;

describe('the recipes of "Guides in CI"', () => {
  it('the page holds the GitHub and GitLab recipes for validate, a lab run and the nightly', () => {
    expect(recipes().map((r) => r.title)).toEqual(['.github/workflows/guides.yml', '.gitlab-ci.yml', '.github/workflows/guide-lab.yml', '.gitlab-ci.yml', '.github/workflows/nexus-nightly.yml']);
  });

  it('GitHub validate: passes on good guides; on a broken one it annotates the line and still writes the JUnit report', () => {
    const { lines, env } = jobLines(recipe('.github/workflows/guides.yml'), 'validate');
    const ok = runJob(lines, env);
    expect(ok.steps.map((s) => [s.run, s.status])).toEqual([
      ['npx cgr-playbook validate --format github', 0],
      ['npx cgr-playbook validate --format junit > validate.xml', 0],
    ]);
    expect(cases(join(repo, 'validate.xml')).map((c) => c['@file'])).toEqual(['docs/guides/artifactory.mdx', 'docs/guides/cloudsmith.mdx', 'docs/guides/distribution.mdx', 'docs/guides/nexus.mdx']);

    copyFileSync(join(repoRoot, 'tests/fixtures/broken/unknown-prop.mdx'), join(repo, 'docs/guides/zz-broken.mdx'));
    try {
      const bad = runJob(lines, env);
      expect(bad.steps.map((s) => s.status)).toEqual([1, 1]);
      expect(bad.steps[0]!.out).toContain('::error file=docs/guides/zz-broken.mdx,line=8,col=43,title=cgr-playbook validate%3A unknown-prop::colour: unknown prop "colour"');
      expect(cases(join(repo, 'validate.xml')).find((c) => c['@file'] === 'docs/guides/zz-broken.mdx')!['@line']).toBe('8');
    } finally {
      rmSync(join(repo, 'docs/guides/zz-broken.mdx'));
    }
  });

  it('GitLab validate: a Code Quality report and a JUnit report', () => {
    const { lines, env } = jobLines(recipe('.gitlab-ci.yml', 0), 'validate-guides');
    copyFileSync(join(repoRoot, 'tests/fixtures/broken/unknown-prop.mdx'), join(repo, 'docs/guides/zz-broken.mdx'));
    try {
      const r = runJob(lines, env, { gitlab: true });
      expect(r.steps.map((s) => [s.run, s.status])).toEqual([
        ['npx cgr-playbook validate --format gitlab > gl-code-quality.json', 1],
        ['npx cgr-playbook validate --format junit > validate.xml', 1],
      ]);
      const issues = JSON.parse(readFileSync(join(repo, 'gl-code-quality.json'), 'utf8')) as Array<{ location: { path: string; lines: { begin: number } } }>;
      expect(issues.map((i) => i.location)).toEqual([{ path: 'docs/guides/zz-broken.mdx', lines: { begin: 8 } }]);
      expect(existsSync(join(repo, 'validate.xml'))).toBe(true);
    } finally {
      rmSync(join(repo, 'docs/guides/zz-broken.mdx'));
    }
  });

  it('GitHub lab run: the Distribution guide passes against the lab; groups, summary and reports with file and line; the lab is stopped', { timeout: 300_000 }, () => {
    const { lines, env } = jobLines(recipe('.github/workflows/guide-lab.yml'), 'distribution');
    const r = runJob(lines, env);
    const failed = r.steps.filter((s) => s.status !== 0);
    expect(failed.map((s) => `${s.run}\n${s.out}`)).toEqual([]);
    expect(r.steps.map((s) => s.run.split(' ').slice(0, 4).join(' '))).toEqual(['mkdir -p reports', 'npx cgr-playbook lab up', 'npx cgr-playbook run distribution', 'npx cgr-playbook lab down']);
    const run = r.steps[2]!.out;
    expect(run).toMatch(/^::group::\[1\/\d+\] /m);
    expect(run).not.toMatch(/^::error/m);
    expect(r.summary).toMatch(/^### ✅ Passed: CNCF Distribution as a pull-through cache for cgr\.dev \(developer\)$/m);
    const junit = cases(join(repo, 'reports/distribution.xml'));
    expect(junit.length).toBeGreaterThan(3);
    for (const c of junit) {
      expect(c['@file']).toBe('docs/guides/distribution.mdx');
      expect(Number(c['@line'])).toBeGreaterThan(1);
    }
    expect(JSON.parse(readFileSync(join(repo, 'reports/distribution.json'), 'utf8')).status).toBe('passed');
    expect(r.steps[3]!.out).toMatch(/^stopped /);
  });

  it('GitLab lab run: the same commands pass', { timeout: 300_000 }, () => {
    const { lines, env } = jobLines(recipe('.gitlab-ci.yml', 1), 'guide-lab');
    const r = runJob(lines, env, { gitlab: true });
    expect(r.steps.filter((s) => s.status !== 0).map((s) => `${s.run}\n${s.out}`)).toEqual([]);
    expect(r.steps).toHaveLength(4);
    expect(JSON.parse(readFileSync(join(repo, 'reports/distribution.json'), 'utf8')).status).toBe('passed');
  });

  it('nightly Nexus recipe: its cgr-playbook commands are valid for the guide (run with --dry-run here)', () => {
    const { lines, env } = jobLines(recipe('.github/workflows/nexus-nightly.yml'), 'nexus-developer');
    expect(env).toEqual({ CGR_NEXUS_URL: 'http://localhost:8081', CGR_NEXUS_HOST: 'localhost:5051' });
    expect(lines.some((l) => l.run.includes('docker exec nexus cat /nexus-data/admin.password'))).toBe(true);
    const r = runJob(lines, { ...env, CGR_NEXUS_PASSWORD: 'not-a-real-password' }, { dryRun: true });
    expect(r.steps.filter((s) => s.status !== 0).map((s) => `${s.run}\n${s.out}`)).toEqual([]);
    const runs = r.steps.filter((s) => s.run.startsWith('npx cgr-playbook run'));
    expect(runs).toHaveLength(3);
    expect(runs[0]!.out).toContain('Start a throwaway Nexus in Docker');
    expect(runs[0]!.out).toContain('$ docker run -d -p 8081:8081 -p 5051:5051 --name nexus sonatype/nexus3');
    expect(runs[2]!.out).toContain('Create the docker (proxy) repository');
    expect(runs[2]!.out).not.toContain('not-a-real-password');
  });
});
