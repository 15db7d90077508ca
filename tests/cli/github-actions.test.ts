// CI the way docs teams run it: `validate --format github|gitlab`, JUnit cases with file and line,
// and `run` under GitHub Actions (GITHUB_ACTIONS=true): a group per step, failures as annotations
// on the guide's file and line, the job summary in $GITHUB_STEP_SUMMARY.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { cli, repoRoot } from './memory-io.ts';
import { cli as runCliProcessLike } from '../runner/cli-helpers.ts';
import { annotation, groupStart } from '../../playbooks/report/github.ts';

const BROKEN = ['tests/fixtures/broken/unknown-prop.mdx', 'tests/fixtures/broken/when-unknown-field.mdx'];
const FAIL = 'tests/fixtures/runner/fail.mdx';
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => ['testsuite', 'testcase'].includes(n) });

let temps: string[] = [];
afterEach(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  temps = [];
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'cgr-gha-'));
  temps.push(d);
  return d;
}

/** GitHub's workflow-command syntax read back the way the runner reads it: `::name k=v,k=v::data`;
 * the first `::` after the name ends the properties; properties split on `,` and on their first `=`;
 * %0D %0A %3A %2C %25 unescaped in properties, %0D %0A %25 in data. */
function readCommand(line: string): { name: string; props: Record<string, string>; data: string } {
  const m = /^::([a-z-]+)(?: ([^]*?))?::([^]*)$/.exec(line.replace(/\n$/, ''))!;
  expect(m, line).toBeTruthy();
  const un = (s: string, prop: boolean) => (prop ? s.replace(/%3A/g, ':').replace(/%2C/g, ',') : s).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const props = Object.fromEntries((m[2] ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), un(kv.slice(kv.indexOf('=') + 1), true)]));
  return { name: m[1]!, props, data: un(m[3]!, false) };
}

describe('GitHub workflow-command syntax', () => {
  it('annotations escape % CR LF in the message, and also : and , in properties; one line each, read back intact', () => {
    const message = 'got 100% of "a:b, c"\r\nnext line %0A stays text';
    const at = { file: 'docs/a,b: c.mdx', line: 3, col: 5, title: 'cgr-playbook validate: x, y' };
    const line = annotation('error', message, at);
    expect(line).toBe('::error file=docs/a%2Cb%3A c.mdx,line=3,col=5,title=cgr-playbook validate%3A x%2C y::got 100%25 of "a:b, c"%0D%0Anext line %250A stays text\n');
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(readCommand(line)).toEqual({ name: 'error', props: { file: at.file, line: '3', col: '5', title: at.title }, data: message });
    expect(readCommand(groupStart('[1/2] 50% done\nx'))).toEqual({ name: 'group', props: {}, data: '[1/2] 50% done\nx' });
  });
});

describe('validate for CI', () => {
  it('--format github: one ::error annotation per problem at file, line and column; exit 1', async () => {
    const r = await cli(['validate', '--format', 'github', 'content/nexus.mdx', ...BROKEN]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      '::error file=tests/fixtures/broken/unknown-prop.mdx,line=8,col=43,title=cgr-playbook validate%3A unknown-prop::colour: unknown prop "colour"%0Ahint: remove it, or check its spelling against the block reference (cgr-playbook docs: Authoring)\n' +
        '::error file=tests/fixtures/broken/when-unknown-field.mdx,line=10,col=42,title=cgr-playbook validate%3A unknown-field::when: when refers to unknown field "debugMode"%0Ahint: declare <Field id="debugMode" .../> or use one of: troubleshoot\n' +
        '2 error(s) in 2 of 3 guide(s)\n',
    );
  });

  it('--format github: the problems also go to the job summary ($GITHUB_STEP_SUMMARY), appended', async () => {
    const summary = join(temp(), 'summary.md');
    writeFileSync(summary, 'before\n');
    await cli(['validate', '--format', 'github', 'content/nexus.mdx', ...BROKEN], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(readFileSync(summary, 'utf8')).toBe(
      'before\n### ❌ cgr-playbook validate: 2 error(s) in 2 of 3 guide(s)\n\n| Where | Problem |\n|---|---|\n' +
        '| `tests/fixtures/broken/unknown-prop.mdx:8:43` | colour: unknown prop "colour" — remove it, or check its spelling against the block reference (cgr-playbook docs: Authoring) |\n' +
        '| `tests/fixtures/broken/when-unknown-field.mdx:10:42` | when: when refers to unknown field "debugMode" — declare &lt;Field id="debugMode" .../> or use one of: troubleshoot |\n\n',
    );
  });

  it('--format github with more problems than GitHub shows (10 error annotations per step): every problem is still printed, and a notice says the job summary lists them all', async () => {
    const files = readdirSync(join(repoRoot, 'tests/fixtures/broken')).filter((f) => f.endsWith('.mdx')).sort().slice(0, 12).map((f) => `tests/fixtures/broken/${f}`);
    const summary = join(temp(), 'summary.md');
    const r = await cli(['validate', '--format', 'github', ...files], { env: { GITHUB_STEP_SUMMARY: summary } });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(12);
    expect(lines.filter((l) => l.startsWith('::notice '))).toEqual([
      '::notice title=cgr-playbook validate%3A 12 problems::GitHub shows the first 10 error annotations of a step; all 12 problems are in this log and in the job summary',
    ]);
    expect(readFileSync(summary, 'utf8').match(/^\| `tests\/fixtures\/broken\//gm)).toHaveLength(12);
    // Up to 10 problems: no notice.
    expect((await cli(['validate', '--format', 'github', ...files.slice(0, 10)])).stdout).not.toContain('::notice');
  });

  it('--format github: paths are relative to $GITHUB_WORKSPACE when the job runs in a subfolder', async () => {
    const r = await cli(['validate', '--format', 'github', 'broken/unknown-prop.mdx'], { cwd: join(repoRoot, 'tests/fixtures'), env: { GITHUB_WORKSPACE: repoRoot } });
    expect(r.stdout.split('\n')[0]).toMatch(/^::error file=tests\/fixtures\/broken\/unknown-prop\.mdx,line=8,col=43,/);
  });

  it('--format github on valid guides: no annotation, exit 0', async () => {
    const r = await cli(['validate', '--format', 'github']);
    expect(r).toEqual({ code: 0, stdout: '4 guide(s) valid\n', stderr: '' });
  });

  it('--format gitlab: Code Quality issues with path, line, severity and unique fingerprints', async () => {
    const r = await cli(['validate', '--format', 'gitlab', 'content/nexus.mdx', ...BROKEN]);
    expect(r.code).toBe(1);
    const issues = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(issues.map(({ fingerprint, ...rest }) => rest)).toEqual([
      { description: 'colour: unknown prop "colour" (hint: remove it, or check its spelling against the block reference (cgr-playbook docs: Authoring))', check_name: 'cgr-playbook/unknown-prop', severity: 'major', location: { path: BROKEN[0], lines: { begin: 8 } } },
      { description: 'when: when refers to unknown field "debugMode" (hint: declare <Field id="debugMode" .../> or use one of: troubleshoot)', check_name: 'cgr-playbook/unknown-field', severity: 'major', location: { path: BROKEN[1], lines: { begin: 10 } } },
    ]);
    const prints = issues.map((i) => i.fingerprint as string);
    expect(new Set(prints).size).toBe(2);
    for (const f of prints) expect(f).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse((await cli(['validate', '--format', 'gitlab'])).stdout)).toEqual([]);
  });

  it('--format gitlab: location.path is relative to the repository ($CI_PROJECT_DIR) when the job runs in a subfolder, and so is the fingerprint', async () => {
    const fromSub = await cli(['validate', '--format', 'gitlab', 'broken/unknown-prop.mdx'], { cwd: join(repoRoot, 'tests/fixtures'), env: { CI_PROJECT_DIR: repoRoot } });
    const fromRoot = await cli(['validate', '--format', 'gitlab', BROKEN[0]!], { env: { CI_PROJECT_DIR: repoRoot } });
    const [sub] = JSON.parse(fromSub.stdout) as Array<{ fingerprint: string; location: { path: string } }>;
    const [root] = JSON.parse(fromRoot.stdout) as Array<{ fingerprint: string; location: { path: string } }>;
    expect(sub!.location.path).toBe('tests/fixtures/broken/unknown-prop.mdx');
    // The same problem is the same issue for GitLab wherever the job ran (merge request diffs compare fingerprints).
    expect(sub!.fingerprint).toBe(root!.fingerprint);
  });

  it('--format junit: every case carries the guide file and line', async () => {
    const r = await cli(['validate', '--format', 'junit', 'content/nexus.mdx', ...BROKEN]);
    const cases = (xml.parse(r.stdout) as { testsuites: { testsuite: Array<{ testcase: Array<Record<string, string>> }> } }).testsuites.testsuite[0]!.testcase;
    expect(cases.map((c) => [c['@name'], c['@file'], c['@line']])).toEqual([
      ['content/nexus.mdx', 'content/nexus.mdx', '1'],
      ['tests/fixtures/broken/unknown-prop.mdx:8:43', 'tests/fixtures/broken/unknown-prop.mdx', '8'],
      ['tests/fixtures/broken/when-unknown-field.mdx:10:42', 'tests/fixtures/broken/when-unknown-field.mdx', '10'],
    ]);
  });
});

describe('JUnit file attributes in a job that runs in a subfolder', () => {
  it('validate --format junit: file is relative to the repository ($CI_PROJECT_DIR or $GITHUB_WORKSPACE)', async () => {
    for (const env of [{ CI_PROJECT_DIR: repoRoot }, { GITHUB_WORKSPACE: repoRoot }]) {
      const r = await cli(['validate', '--format', 'junit', 'broken/unknown-prop.mdx', '../../content/nexus.mdx'], { cwd: join(repoRoot, 'tests/fixtures'), env });
      const cases = (xml.parse(r.stdout) as { testsuites: { testsuite: Array<{ testcase: Array<Record<string, string>> }> } }).testsuites.testsuite[0]!.testcase;
      expect(cases.map((c) => `${c['@file']}:${c['@line']}`)).toEqual(['tests/fixtures/broken/unknown-prop.mdx:8', 'content/nexus.mdx:1']);
    }
  });

  it('run --report junit: each step\'s file is relative to the repository', async () => {
    const dir = temp();
    const r = await runCliProcessLike(['run', join(repoRoot, FAIL), '--report', `junit=${join(dir, 'run.xml')}`], { cwd: join(repoRoot, 'tests/fixtures/broken'), env: { CI_PROJECT_DIR: repoRoot } });
    expect(r.code).toBe(1);
    const cases = (xml.parse(readFileSync(join(dir, 'run.xml'), 'utf8')) as { testsuites: { testsuite: Array<{ testcase: Array<Record<string, string>> }> } }).testsuites.testsuite[0]!.testcase;
    expect(cases.map((c) => `${c['@file']}:${c['@line']}`)).toEqual([`${FAIL}:8`, `${FAIL}:14`, `${FAIL}:20`]);
  });
});

describe('run in GitHub Actions (GITHUB_ACTIONS=true)', () => {
  it('a failing guide: a group per step that ran, an ::error on the failed step\'s line, the summary table, JUnit file/line', async () => {
    const dir = temp();
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier content\n');
    const r = await runCliProcessLike(['run', FAIL, '--report', `junit=${join(dir, 'run.xml')}`], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    // Every workflow command starts a line; groups open and close in pairs, one per step that ran.
    expect(lines.filter((l) => l.startsWith('::group::'))).toEqual(['::group::[1/3] Print a line (first)', '::group::[2/3] Exit with 3 (breaks)']);
    expect(lines.filter((l) => l === '::endgroup::')).toHaveLength(2);
    expect(r.stdout).not.toMatch(/[^\n]::(group|endgroup|error)/);
    // The step's output is inside its group, with workflow commands stopped around it.
    const open = lines.indexOf('::group::[2/3] Exit with 3 (breaks)');
    const stop = lines[open + 1]!;
    expect(stop).toMatch(/^::stop-commands::\S{16,}$/);
    const token = stop.slice('::stop-commands::'.length);
    const resume = lines.indexOf(`::${token}::`, open);
    expect(lines.slice(open, resume)).toContain('about to fail');
    expect(lines[resume + 1]).toBe('::endgroup::');
    expect(lines.filter((l) => l.startsWith('::error'))).toEqual([`::error file=${FAIL},line=14,title=runner-fail%3A step breaks failed::exit code 3, expected 0`]);
    // Summary: appended (earlier content kept), one row per step.
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier content\n### ❌ Failed: A guide whose second step fails (developer)\n')).toBe(true);
    expect(md).toContain('| # | Step | Result | Time | Detail |');
    expect(md).toMatch(new RegExp(`\\| 2 \\| Exit with 3 \\(\`breaks\`\\) <sub>${FAIL.replace(/[./]/g, '\\$&')}:14</sub> \\| ❌ failed \\| (?:\\d+ms|\\d\\.\\ds|\\d+s|\\d+m\\d\\ds) \\| exit code 3, expected 0 \\|`));
    expect(md).toContain(`| 3 | Never reached (\`never\`) <sub>${FAIL}:20</sub> | ⏭️ skipped |  | not run: step breaks failed |`);
    const cases = (xml.parse(readFileSync(join(dir, 'run.xml'), 'utf8')) as { testsuites: { testsuite: Array<{ testcase: Array<Record<string, string>> }> } }).testsuites.testsuite[0]!.testcase;
    expect(cases.map((c) => `${c['@file']}:${c['@line']}`)).toEqual([`${FAIL}:8`, `${FAIL}:14`, `${FAIL}:20`]);
  });

  it('a broken guide: one annotation per problem, the summary says it was not run, exit 2', async () => {
    const dir = temp();
    const summary = join(dir, 'summary.md');
    const r = await runCliProcessLike(['run', BROKEN[0]!], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(
      '::error file=tests/fixtures/broken/unknown-prop.mdx,line=8,col=43,title=cgr-playbook run%3A unknown-prop::colour: unknown prop "colour"%0Ahint: remove it, or check its spelling against the block reference (cgr-playbook docs: Authoring)\n',
    );
    expect(r.stderr).toContain('has 1 error(s), first: tests/fixtures/broken/unknown-prop.mdx:8:43');
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('### ❌ Not run: tests/fixtures/broken/unknown-prop.mdx is broken');
    expect(md).toContain('| `tests/fixtures/broken/unknown-prop.mdx:8:43` | colour: unknown prop "colour" — remove it');
  });

  it('a broken guide with more problems than GitHub shows: all annotated, then one notice', async () => {
    const dir = temp();
    const steps = Array.from({ length: 11 }, (_, i) => `<Command id="s${i}" title="Step ${i}" colour="red">\n  \`\`\`sh\n  echo ${i}\n  \`\`\`\n</Command>\n`).join('\n');
    writeFileSync(join(dir, 'many.mdx'), `---\nid: many\ntitle: Many problems\nproduct: bash\nsummary: x.\n---\n\n${steps}`);
    const r = await runCliProcessLike(['run', join(dir, 'many.mdx')], { env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(2);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error '))).toHaveLength(11);
    expect(lines.at(-1)).toBe('::notice title=cgr-playbook run%3A 11 problems::GitHub shows the first 10 error annotations of a step; all 11 problems are in this log and in the job summary');
  });

  it("a step's output cannot issue workflow commands: they are stopped while the step runs", async () => {
    const dir = temp();
    writeFileSync(join(dir, 'inject.mdx'), '---\nid: inject\ntitle: Injection\nproduct: bash\nsummary: x.\n---\n\n<Command id="say" title="Print a workflow command">\n  ```sh\n  echo "::error file=x,line=1::injected"; echo "::endgroup::"\n  ```\n</Command>\n');
    const r = await runCliProcessLike(['run', join(dir, 'inject.mdx')], { env: { GITHUB_ACTIONS: 'true' } });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const injected = lines.indexOf('::error file=x,line=1::injected');
    const stop = lines.slice(0, injected).findLastIndex((l) => l.startsWith('::stop-commands::'));
    const resume = lines.indexOf(`::${lines[stop]!.slice('::stop-commands::'.length)}::`, stop);
    expect(stop).toBeGreaterThan(-1);
    expect(injected).toBeGreaterThan(stop);
    expect(injected).toBeLessThan(resume);
  });

  it('no text of the run can issue a workflow command: commands stay stopped except for our own (a value in a success statement, a step title, a failure reason)', async () => {
    const dir = temp();
    // A multi-line value reaches the failure reason through the success statement; the title carries
    // a second line too. Neither may start a line that GitHub reads as a command while commands run.
    writeFileSync(
      join(dir, 'inject.mdx'),
      '---\nid: inject\ntitle: Injection\nproduct: bash\nsummary: x.\n---\n\n<Field id="note" label="Note" multiline />\n\n' +
        '<Verify id="look" title="Look">\n  ```sh\n  echo nothing\n  ```\n  <Check contains="absent" success="the note {{note}} is printed" />\n</Verify>\n',
    );
    writeFileSync(join(dir, 'values.json'), JSON.stringify({ note: 'a\n::error file=x,line=1::injected\n::add-mask::b\n::stop-commands::pwn' }));
    const summary = join(dir, 'summary.md');
    const r = await runCliProcessLike(['run', join(dir, 'inject.mdx'), '--values', join(dir, 'values.json')], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    // Walk the log as the runner does: while stopped, only the resume token counts.
    let stopped: string | undefined;
    const commands: string[] = [];
    for (const line of (r.stdout + r.stderr).split('\n')) {
      const t = line.trim();
      if (stopped !== undefined) {
        if (t === `::${stopped}::`) stopped = undefined;
        continue;
      }
      if (t.startsWith('::stop-commands::')) stopped = t.slice('::stop-commands::'.length);
      else if (t.startsWith('::')) commands.push(t);
    }
    expect(commands.filter((c) => !/^::(group::\[1\/1\] Look \(look\)|endgroup::|error file=[^:]*inject\.mdx,line=\d+,title=inject%3A step look failed::.*)$/.test(c))).toEqual([]);
    expect(commands.some((c) => c.startsWith('::error file=') && c.includes('%0A::error file=x'))).toBe(true);
    expect(stopped).toBeUndefined(); // commands are resumed before the process ends
  });

  it('outside GitHub Actions nothing of this is printed', async () => {
    const r = await runCliProcessLike(['run', FAIL]);
    expect(r.stdout).not.toContain('::');
  });
});
