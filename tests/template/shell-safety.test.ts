// Templating is safe: whatever a field value holds, the rendered command passes it to the
// program as exactly one literal word. Each case renders a command with executableCommand,
// runs the script in a real shell with the environment it returns, and compares the arguments
// the program received (printf '%s\0' prints each argument NUL-terminated).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGuideSource } from '../../playbooks/extract/load.ts';
import { displayCommand, executableCommand } from '../../playbooks/plan/plan.ts';
import type { Guide } from '../../playbooks/model/guide.ts';

const SHELLS = ['bash', 'sh', 'dash'].filter((s) => spawnSync('sh', ['-c', `command -v ${s}`]).status === 0);

const GUIDE = `---
id: safety
title: Templating safety
product: test
summary: Commands whose arguments come from field values.
---

<Field id="v" label="Value" type="text" />
<Field id="s" label="Secret value" type="secret" />

<Command id="run" title="Print the value">
  \`\`\`sh
  printf '%s\\0' {{v}}
  \`\`\`
</Command>
`;

const MARKER = 'pwned-marker';
let guide: Guide;
let work: string;

beforeAll(() => {
  const r = loadGuideSource(GUIDE, 'safety.mdx');
  expect(r.diagnostics).toEqual([]);
  guide = r.guide!;
  work = mkdtempSync(join(tmpdir(), 'cgr-shell-safety-'));
  // Files a stray glob would expand to.
  writeFileSync(join(work, 'glob-victim-1'), '');
  writeFileSync(join(work, 'glob-victim-2'), '');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
// A failing case must not make the next ones fail too.
afterEach(() => rmSync(join(work, MARKER), { force: true }));

/** Runs `script` in `shell` inside the temp dir, with only the given variables set. */
function run(shell: string, script: string, env: Record<string, string>): { args: string[]; raw: string; stderr: string; status: number | null } {
  const r = spawnSync(shell, ['-c', script], { cwd: work, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, ...env }, encoding: 'utf8' });
  const out = r.stdout;
  return { args: out === '' ? [] : out.replace(/\0$/, '').split('\0'), raw: out, stderr: r.stderr, status: r.status };
}

const VALUES: Record<string, string> = {
  'single quote': "it's",
  'double quotes': 'say "hi"',
  'command substitution': `$(touch ${MARKER})`,
  backticks: `\`touch ${MARKER}\``,
  semicolon: `a; touch ${MARKER}`,
  'and-and and pipe': `a && touch ${MARKER} | cat`,
  newlines: `line1\nline2\ntouch ${MARKER}`,
  'leading dash': '-n',
  'leading double dash': '--help',
  'spaces and tabs': '  two  words\tand a tab ',
  glob: 'glob-victim-*',
  'parameter expansion': '$HOME ${PATH} $1 $@',
  tilde: '~/x',
  backslashes: 'a\\b\\\\c\\n',
  'closing paren and quote': `x")"; touch ${MARKER}; echo "(`,
  'history and braces': '!! {a,b} [x]',
  unicode: 'grüße ☃',
};

/** Templates in which the reference should reach printf as one argument; {{v}} is replaced by the expected word. */
const TEMPLATES: Array<{ name: string; template: string; expect: (v: string) => string[] }> = [
  { name: 'plain word', template: "printf '%s\\0' {{v}}", expect: (v) => [v] },
  { name: 'inside a longer word', template: "printf '%s\\0' pre{{v}}post", expect: (v) => [`pre${v}post`] },
  { name: 'double quotes', template: "printf '%s\\0' \"<{{v}}>\"", expect: (v) => [`<${v}>`] },
  { name: 'two references', template: "printf '%s\\0' {{v}} \"{{v}}\"", expect: (v) => [v, v] },
  { name: '$( ) inside double quotes', template: "printf '%s\\0' \"$(printf '%s' {{v}})\"", expect: (v) => [v.replace(/\n+$/, '')] },
  { name: 'nested $( ) inside double quotes', template: "printf '%s\\0' \"a $(printf '%s' \"$(printf '%s' {{v}})\") b\"", expect: (v) => [`a ${v.replace(/\n+$/, '')} b`] },
  { name: 'backticks inside double quotes', template: "printf '%s\\0' \"`printf '%s' {{v}}`\"", expect: (v) => [v.replace(/\n+$/, '')] },
  { name: 'after --', template: "set -- {{v}}; printf '%s\\0' \"$#\" \"$1\"", expect: (v) => ['1', v] },
];

/**
 * Runs every case in one shell process: each case in its own subshell with its own environment
 * variables, its output ended by \x01, and "INJECTED" appended when the marker file appeared
 * (then removed, so the next case starts clean). Returns per case the arguments printf received.
 */
function runBatch(shell: string, cases: Array<{ script: string; env: Record<string, string> }>): Array<{ args: string[]; injected: boolean; stderr: string }> {
  const wrap = (script: string, assigns: string) => `(${assigns}\n${script}\n); if [ -e ${MARKER} ]; then printf INJECTED; rm -f ${MARKER}; fi; printf '\\001'`;
  const parse = (raw: string) =>
    raw
      .split('\x01')
      .slice(0, -1)
      .map((seg) => {
        const injected = seg.endsWith('INJECTED');
        const out = injected ? seg.slice(0, -'INJECTED'.length) : seg;
        return { args: out === '' ? [] : out.replace(/\0$/, '').split('\0'), injected };
      });
  const env: Record<string, string> = {};
  const parts = cases.map((c, k) => {
    const assigns = Object.keys(c.env).map((name) => {
      env[`CASE${k}_${name}`] = c.env[name]!;
      return `${name}="$CASE${k}_${name}"; export ${name}; `;
    });
    return wrap(c.script, assigns.join(''));
  });
  const r = run(shell, parts.join('\n'), env);
  const batch = parse(r.raw);
  if (r.stderr === '' && batch.length === cases.length) return batch.map((b) => ({ ...b, stderr: '' }));
  // Something broke the batch (a syntax error in one case stops the whole script): run the
  // cases one by one so each failure is reported against its own value.
  return cases.map((c) => {
    const one = run(shell, wrap(c.script, ''), c.env);
    return { ...(parse(one.raw)[0] ?? { args: [], injected: false }), stderr: one.stderr };
  });
}

describe.each(SHELLS)('in %s', (shell) => {
  describe('the executed command passes each value as one literal word', () => {
    for (const t of TEMPLATES) {
      it(t.name, () => {
        const entries = Object.entries(VALUES);
        const scripts = entries.map(([, value]) => executableCommand(guide, t.template, { v: value }));
        for (const [k, [label, value]] of entries.entries()) {
          const sc = scripts[k]!;
          expect.soft(sc.missing, label).toEqual([]);
          expect.soft(sc.env, label).toEqual({ CGR_V: value });
          // The value never becomes shell text: only a variable reference does.
          if (value.length > 3) expect.soft(sc.script, label).not.toContain(value);
        }
        // The script is the same for every value: only the environment differs.
        expect(new Set(scripts.map((sc) => sc.script)).size).toBe(1);
        const got = runBatch(shell, scripts);
        for (const [k, [label, value]] of entries.entries()) {
          expect.soft(got[k]!.stderr, `${label}: shell errors`).toBe('');
          expect.soft(got[k]!.args, label).toEqual(t.expect(value));
          expect.soft(got[k]!.injected, `${label}: injected a command`).toBe(false);
        }
      });
    }
  });

  it('a secret reaches the command the same way and is never in the script', () => {
    const secret = `p'a"s$(touch ${MARKER})\`w\`;d`;
    const script = executableCommand(guide, "printf '%s\\0' {{s}} \"x$(printf '%s' {{s}})\"", { s: secret });
    expect(script.script).toBe("printf '%s\\0' \"${CGR_S}\" \"x$(printf '%s' \"${CGR_S}\")\"");
    const r = run(shell, script.script, script.env);
    expect(r.args).toEqual([secret, `x${secret}`]);
    expect(existsSync(join(work, MARKER))).toBe(false);
  });

  // What the page shows (and the copy button copies) must mean the same when pasted.
  describe('the displayed command, pasted into a shell, passes the same word', () => {
    for (const t of TEMPLATES) {
      it(t.name, () => {
        const entries = Object.entries(VALUES);
        const got = runBatch(shell, entries.map(([, value]) => ({ script: displayCommand(guide, t.template, { v: value }), env: {} })));
        for (const [k, [label, value]] of entries.entries()) {
          expect.soft(got[k]!.stderr, `${label}: shell errors`).toBe('');
          expect.soft(got[k]!.args, label).toEqual(t.expect(value));
          expect.soft(got[k]!.injected, `${label}: injected a command`).toBe(false);
        }
      });
    }
  });
});

it('the temp dir holds only what the test made', () => {
  expect(readdirSync(work).sort()).toEqual(['glob-victim-1', 'glob-victim-2']);
});

it('a reference in a heredoc takes only token values: every hostile value is refused, never rendered', () => {
  const template = "printf '%s\\0' \"$(cat <<EOF\n{{v}}\nEOF\n)\"";
  // Tokens (letters, digits, . _ - / : @ % + = , ~) are all a heredoc may take.
  const hostile = Object.entries(VALUES).filter(([, v]) => !/^[A-Za-z0-9_@%+=:,./~-]*$/.test(v));
  expect(hostile.length).toBeGreaterThan(12);
  for (const [label, value] of hostile) {
    expect.soft(() => executableCommand(guide, template, { v: value }), label).toThrow(/heredoc/);
    expect.soft(displayCommand(guide, template, { v: value }), label).toBe("printf '%s\\0' \"$(cat <<EOF\n<v>\nEOF\n)\"");
  }
  const sc = executableCommand(guide, template, { v: 'registry.example.com:5000/a_b' });
  expect(run('bash', sc.script, sc.env).args).toEqual(['registry.example.com:5000/a_b']);
});

it('a reference in single quotes cannot be rendered (the shell would not expand it)', () => {
  expect(() => executableCommand(guide, "printf '%s' '{{v}}'", { v: 'x' })).toThrow(/single quotes/);
});

it('a reference inside $(( )) cannot be rendered (the shell would evaluate it as an expression)', () => {
  expect(() => executableCommand(guide, 'echo $(( {{v}} + 1 ))', { v: '1' })).toThrow(/\$\(\( \)\)/);
});
