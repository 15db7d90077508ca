// CI systems other than GitHub Actions also act on text in a job's log: Azure Pipelines runs
// `##vso[...]` logging commands found anywhere in a line and renders `##[group]`, `##[error]`...;
// TeamCity runs `##teamcity[...]` service messages found anywhere in a line; GitLab folds the log at
// `section_start:` / `section_end:` markers. What a step prints (written by a guide's commands,
// possibly a hostile server's answers) must never form one of them in `run --ci` output, wherever it
// stands (a line start, after a CR, after a colour code, split across two reads of the terminal),
// while the run's own lines stay as they were.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli as runCli } from '../runner/cli-helpers.ts';
import { createProgressRenderer } from '../../playbooks/cli/render/progress.ts';
import { createStyle } from '../../playbooks/cli/render/style.ts';
import { terminalLine, terminalSafe } from '../../playbooks/cli/render/terminal-safe.ts';
import type { RunEvent } from '../../playbooks/runner/types.ts';

let temps: string[] = [];
afterEach(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  temps = [];
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'cgr-cilog-'));
  temps.push(d);
  return d;
}

/** The markers each CI acts on, anywhere in a line of its log (lines end at LF or CR). Azure
 * Pipelines: its agent's `Command.TryParse` looks for `##vso[` with IndexOf; its log viewer renders
 * `##[group]`, `##[error]`... TeamCity: service messages in the middle of a line count too. GitLab:
 * section markers. Matched case-insensitively, as the Azure agent's own neutraliser does. */
const MARKERS = ['##vso[', '##[', '##teamcity[', 'section_start:', 'section_end:'];
function commandsIn(log: string): string[] {
  return log.split(/\r\n|\r|\n/).filter((line) => MARKERS.some((m) => line.toLowerCase().includes(m)));
}

const HOSTILE = [
  '##vso[task.setvariable variable=x]y',
  '##vso[task.complete result=Succeeded]',
  '##[error]x',
  "##teamcity[buildStatus text='x']",
  '##[group]hidden',
  'section_start:1700000000:pwn\\r\\e[0Kheader',
];

/** A guide whose one step prints each hostile line at a line start, after a CR, after a colour code,
 * and after other text on the same line. */
function hostileGuide(dir: string): string {
  const file = join(dir, 'inject.mdx');
  const lines = HOSTILE.map((h) => `  printf '%s\\n' '${h.replace(/'/g, "'\\''")}'\n  printf 'progress 50%%\\r%s\\n' '${h.replace(/'/g, "'\\''")}'\n  printf '\\033[31m%s\\033[0m\\n' '${h.replace(/'/g, "'\\''")}'\n  printf 'note: %s\\n' '${h.replace(/'/g, "'\\''")}'`).join('\n');
  writeFileSync(file, `---\nid: inject\ntitle: Injection\nproduct: bash\nsummary: x.\n---\n\n<Command id="say" title="Print log commands">\n  \`\`\`sh\n${lines}\n  \`\`\`\n</Command>\n`);
  return file;
}

describe('run --ci: a step cannot issue another CI system\'s log commands', () => {
  const systems: Array<[string, NodeJS.ProcessEnv]> = [
    ['Azure Pipelines', { TF_BUILD: 'True' }],
    ['TeamCity', { TEAMCITY_VERSION: '2025.03' }],
    ['GitLab CI', { GITLAB_CI: 'true', CI: 'true' }],
    // The command's log is parsed even when the variables do not reach the tool (a container).
    ['a CI whose variables are not passed on', {}],
  ];
  for (const [name, env] of systems) {
    it(`${name}: no output line forms a command; the output is still there, the marker written visibly`, async () => {
      const r = await runCli(['run', hostileGuide(temp()), '--ci'], { env });
      expect(r.code).toBe(0);
      const log = r.stdout + r.stderr;
      expect(commandsIn(log)).toEqual([]);
      // Readable: the text is all there, the completing character as a visible escape.
      expect(log).toContain('##vso\\x5btask.setvariable variable=x]y');
      expect(log).toContain('##vso\\x5btask.complete result=Succeeded]');
      expect(log).toContain('##\\x5berror]x');
      expect(log).toContain("##teamcity\\x5bbuildStatus text='x']");
      expect(log).toContain('note: ##\\x5bgroup]hidden');
      expect(log).toContain('section_start\\x3a1700000000:pwn');
      // The run's own lines are unchanged.
      expect(log).toContain('[1/1] Print log commands (say)');
      expect(log).toMatch(/✔ passed/);
      expect(log).toMatch(/Passed: 1 passed, 0 failed, 0 skipped/);
    });
  }

  it('a failure reason quoting the output (got: …), the guide title and a step title cannot carry one either', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'inject.mdx'),
      '---\nid: inject\ntitle: "##vso[build.addbuildtag]guide"\nproduct: bash\nsummary: x.\n---\n\n<Field id="note" label="Note" />\n\n' +
        '<Verify id="look" title="##[group]step">\n  ```sh\n  echo "##vso[task.complete result=Succeeded]"\n  ```\n  <Check contains="absent" success="the note {{note}} is printed" />\n</Verify>\n',
    );
    const r = await runCli(['run', join(dir, 'inject.mdx'), '--ci', '--set', "note=##teamcity[buildStatus text='x']"], { env: { TF_BUILD: 'True' } });
    expect(r.code).toBe(1);
    const log = r.stdout + r.stderr;
    expect(commandsIn(log)).toEqual([]);
    expect(log).toContain("the note ##teamcity\\x5bbuildStatus text='x'] is printed");
    expect(log).toContain('##vso\\x5bbuild.addbuildtag]guide\n');
    expect(log).toContain('[1/1] ##\\x5bgroup]step (look)');
  });
});

describe('GitHub Actions workflow commands where run does not know it runs in GitHub Actions (a container the variables do not reach)', () => {
  /** The runner's reading: a line that starts with `::` after leading blanks are trimmed. */
  const workflowCommandsIn = (log: string) => log.split(/\r\n|\r|\n/).filter((l) => l.trimStart().startsWith('::'));
  it('no output line starts a workflow command (at a line start, after blanks, after a CR, after a colour code, split across reads)', async () => {
    const dir = temp();
    writeFileSync(
      join(dir, 'inject.mdx'),
      '---\nid: inject\ntitle: Injection\nproduct: bash\nsummary: x.\n---\n\n<Command id="say" title="Print workflow commands">\n  ```sh\n' +
        "  printf '::error file=x,line=1::injected\\n  ::add-mask::b\\nx\\r::stop-commands::t\\n\\033[1m::warning::w\\n'\n  printf '%s\\n' 'keep ::this:: as it is'\n" +
        '  ```\n</Command>\n',
    );
    const r = await runCli(['run', join(dir, 'inject.mdx'), '--ci']);
    expect(r.code).toBe(0);
    expect(workflowCommandsIn(r.stdout + r.stderr)).toEqual([]);
    expect(r.stdout).toContain(':\\x3aerror file=x,line=1::injected\n  :\\x3aadd-mask::b\n');
    expect(r.stdout).toContain('keep ::this:: as it is');
  });
  it('split across two reads of the terminal', () => {
    let out = '';
    const r = createProgressRenderer({ write: (t) => (out += t), tty: false, style: createStyle(false), now: () => 0 });
    const step = { id: 's', number: 1, kind: 'command' as const, title: 'Step' };
    r.listener({ type: 'step-start', step, total: 1, command: 'x', at: 0 });
    for (const data of ['ok\n  :', ':add-mask::b\n', `${' '.repeat(100)}\t`, '\u00a0::warning::w\n']) r.listener({ type: 'step-output', step, data });
    r.dispose();
    expect(workflowCommandsIn(out)).toEqual([]);
  });
  it('a line of a multi-line text given to the gate', () => {
    expect(terminalSafe('a\n::error::x\n  ::warning::y')).toBe('a\n:\\x3aerror::x\n  :\\x3awarning::y');
  });
});

describe('run --ci under Buildkite (BUILDKITE=true): a step cannot start a log group', () => {
  /** Buildkite's group headings: a line starting `--- `, `+++ `, `~~~ `, or `^^^ +++`. */
  const groupsIn = (log: string) => log.split(/\r\n|\r|\n/).filter((l) => /^(?:---|\+\+\+|~~~)[ \t]|^\^\^\^ \+\+\+/.test(l));
  const guide = (dir: string) => {
    const file = join(dir, 'groups.mdx');
    writeFileSync(
      file,
      '---\nid: groups\ntitle: Groups\nproduct: bash\nsummary: x.\n---\n\n<Command id="say" title="Print group headings">\n  ```sh\n' +
        "  printf -- '--- hide the failure\\n+++ open\\n'\n  printf -- 'x\\r~~~ dim\\n'\n  printf -- '\\033[1m^^^ +++\\033[0m\\n'\n  printf -- 'a --- b\\n---\\n'\n" +
        '  ```\n</Command>\n',
    );
    return file;
  };
  it('no output line is a group heading there; the text stays readable', async () => {
    const r = await runCli(['run', guide(temp()), '--ci'], { env: { BUILDKITE: 'true' } });
    expect(r.code).toBe(0);
    expect(groupsIn(r.stdout)).toEqual([]);
    expect(r.stdout).toContain('---\\x20hide the failure\n+++\\x20open\n');
    expect(r.stdout).toContain('^^^ ++\\x2b');
    expect(r.stdout).toContain('a --- b\n---\n'); // not at a line start, or no space after: not a heading
  });
  it('elsewhere such lines are ordinary text (a diff) and stay as they are', async () => {
    const r = await runCli(['run', guide(temp()), '--ci']);
    expect(r.stdout).toContain('--- hide the failure\n+++ open\n');
  });
});

describe('other text of the CLI that a CI log shows', () => {
  it('run: a refused value, quoted in the error', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'inject.mdx'), '---\nid: inject\ntitle: Injection\nproduct: bash\nsummary: x.\n---\n\n<Field id="u" label="URL" type="url" />\n\n<Command id="say" title="Say">\n  ```sh\n  echo {{u}}\n  ```\n</Command>\n');
    const r = await runCli(['run', join(dir, 'inject.mdx'), '--ci', '--set', 'u=##vso[task.complete result=Succeeded]'], { env: { TF_BUILD: 'True' } });
    expect(r.code).toBe(2);
    expect(commandsIn(r.stdout + r.stderr)).toEqual([]);
    expect(r.stderr).toContain('got "##vso\\x5btask.complete result=Succeeded]"');
  });

  it("doctor: a registry's answer quoted in a failed check, as text and as --json (read back unchanged)", async () => {
    // A registry that refuses every request with an error message holding log commands.
    const message = "##vso[task.complete result=Succeeded] ##teamcity[buildStatus text='x']";
    const server = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'DENIED', message }] }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const at = `127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const json of [false, true]) {
        const r = await runCli(['doctor', 'distribution', '--host', `tcp://${at}`, '--upstream', `http://${at}`, '--timeout', '5s', ...(json ? ['--json'] : [])], { env: { TF_BUILD: 'True' } });
        expect(r.code).toBe(1);
        expect(commandsIn(r.stdout + r.stderr)).toEqual([]);
        if (json) expect(JSON.stringify(JSON.parse(r.stdout))).toContain(JSON.stringify(message).slice(1, -1));
        else expect(r.stdout).toContain("##vso\\x5btask.complete result=Succeeded] ##teamcity\\x5bbuildStatus text='x']");
      }
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  });

  it('list: a guide title, as text and as --json', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'inject.mdx'), '---\nid: inject\ntitle: "##vso[task.complete result=Succeeded]"\nproduct: bash\nsummary: x.\n---\n\n<Command id="say" title="Say">\n  ```sh\n  echo hi\n  ```\n</Command>\n');
    for (const json of [false, true]) {
      const r = await runCli(['list', '--content', dir, ...(json ? ['--json'] : [])], { env: { TF_BUILD: 'True' } });
      expect(r.code).toBe(0);
      expect(commandsIn(r.stdout + r.stderr)).toEqual([]);
      if (json) expect(JSON.parse(r.stdout)[0].title).toBe('##vso[task.complete result=Succeeded]');
      else expect(r.stdout).toContain('inject  ##vso\\x5btask.complete result=Succeeded]  developer');
    }
  });

  it("validate: a guide's text quoted in a diagnostic, in every format printed (text, json, gitlab, junit); JSON and XML read back unchanged", async () => {
    const dir = temp();
    const file = join(dir, 'inject.mdx');
    writeFileSync(file, '---\nid: inject\ntitle: Injection\nproduct: bash\nsummary: x.\n---\n\n<Field id="u" label="URL" type="##vso[task.complete result=Succeeded]" />\n');
    for (const format of ['text', 'json', 'gitlab', 'junit']) {
      const r = await runCli(['validate', '--format', format, file], { env: { TF_BUILD: 'True' } });
      expect(r.code, format).toBe(1);
      expect(commandsIn(r.stdout + r.stderr), format).toEqual([]);
      expect(r.stdout, format).toMatch(/got (\\?"|&quot;)##vso/);
      if (format === 'json' || format === 'gitlab') expect(JSON.stringify(JSON.parse(r.stdout))).toBe(JSON.stringify(JSON.parse(r.stdout.replace(/\\u005b/g, '['))));
      if (format === 'junit') expect(r.stdout).toContain('&#x5b;');
    }
  });
});

describe('the progress renderer (what run prints): a marker split across two reads of the terminal', () => {
  const step = { id: 's', number: 1, kind: 'command' as const, title: 'Step' };
  const print = (tty: boolean, chunks: string[]): string => {
    let out = '';
    const r = createProgressRenderer({ write: (t) => (out += t), tty, style: createStyle(false), now: () => 0 });
    const events: RunEvent[] = [
      { type: 'step-start', step, total: 1, command: 'x', at: 0 },
      ...chunks.map((data): RunEvent => ({ type: 'step-output', step, data })),
      { type: 'step-end', step, total: 1, verdict: 'passed', durationMs: 1, record: { ...step, verdict: 'passed', durationMs: 1 } },
    ];
    for (const e of events) r.listener(e);
    r.dispose();
    return out.replace(/\r\u001b\[K/g, '');
  };
  for (const tty of [false, true]) {
    it(`every cut of each marker (${tty ? 'TTY' : 'plain'}), also with a colour code inside it`, () => {
      for (const hostile of HOSTILE.slice(0, 4)) {
        for (let cut = 1; cut < hostile.length; cut++) {
          const out = print(tty, [`ok\n${hostile.slice(0, cut)}`, `${hostile.slice(cut)}\n`]);
          expect(commandsIn(out), `${hostile} cut at ${cut}`).toEqual([]);
          expect(out).toContain('ok\n');
        }
        // A colour code between the marker's characters, and one before the next read.
        const coloured = print(tty, [`\u001b[1m${hostile.slice(0, 2)}\u001b[0m`, `\u001b[31m${hostile.slice(2)}\n`]);
        expect(commandsIn(coloured.replace(/\u001b\[[0-9;]*m/g, '')), hostile).toEqual([]);
        // A colour code inside the marker, itself cut in two by the reads.
        const cutCode = print(tty, [`${hostile.slice(0, 2)}\u001b[3`, `1m${hostile.slice(2)}\n`]);
        expect(commandsIn(cutCode.replace(/\u001b\[[0-9;]*m/g, '')), hostile).toEqual([]);
        if (tty) expect(cutCode).toContain(`${hostile.slice(0, 2)}\u001b[31m`);
      }
    });
  }

  it('not on a terminal, no escape sequence reaches the log, also one cut by a read (a Jenkins console note starts with one)', () => {
    const out = print(false, ['a\u001b[3', '1mb\u001b[8', 'mha:AAAA\u001b[0m\n', 'c\u001b', 'd\n']);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('ab');
    expect(out).toContain('ha:AAAA\n');
    expect(out).toContain('cd\n');
  });

  it('a colour code itself is left alone (its `[` is not a marker), on a terminal', () => {
    const out = print(true, ['##\u001b[31mred\u001b[0m\n']);
    expect(out).toContain('##\u001b[31mred\u001b[0m\n');
  });
});

describe('the one terminal gate', () => {
  it('terminalSafe and terminalLine write the character that completes a CI log command as \\xHH, and nothing else changes', () => {
    expect(terminalSafe('##vso[task.setvariable variable=x]y')).toBe('##vso\\x5btask.setvariable variable=x]y');
    expect(terminalSafe('a ##VSO[task.complete]')).toBe('a ##VSO\\x5btask.complete]');
    expect(terminalSafe('##[error]x\n##teamcity[buildStatus]')).toBe('##\\x5berror]x\n##teamcity\\x5bbuildStatus]');
    expect(terminalLine('section_end:1:x')).toBe('section_end\\x3a1:x');
    expect(terminalSafe('# [1/2] array[0] #[x] a##b https://h:5000/x')).toBe('# [1/2] array[0] #[x] a##b https://h:5000/x');
  });
});
