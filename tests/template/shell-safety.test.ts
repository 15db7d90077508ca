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
function run(shell: string, script: string, env: Record<string, string>): { args: string[]; stderr: string; status: number | null } {
  const r = spawnSync(shell, ['-c', script], { cwd: work, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, ...env }, encoding: 'utf8' });
  const out = r.stdout;
  return { args: out === '' ? [] : out.replace(/\0$/, '').split('\0'), stderr: r.stderr, status: r.status };
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
  { name: 'unquoted heredoc', template: "printf '%s\\0' \"$(cat <<EOF\n{{v}}\nEOF\n)\"", expect: (v) => [v.replace(/\n+$/, '')] },
  { name: 'after --', template: "set -- {{v}}; printf '%s\\0' \"$#\" \"$1\"", expect: (v) => ['1', v] },
];

describe.each(SHELLS)('in %s', (shell) => {
  for (const t of TEMPLATES) {
    describe(t.name, () => {
      it.each(Object.entries(VALUES))('%s', (_label, value) => {
        const script = executableCommand(guide, t.template, { v: value });
        expect(script.missing).toEqual([]);
        expect(script.env).toEqual({ CGR_V: value });
        // The value never becomes shell text: only a variable reference does.
        if (value.length > 3) expect(script.script).not.toContain(value);
        const r = run(shell, script.script, script.env);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.args).toEqual(t.expect(value));
        expect(existsSync(join(work, MARKER))).toBe(false);
      });
    });
  }

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
    const pasteable = TEMPLATES;
    for (const t of pasteable) {
      it.each(Object.entries(VALUES))(`${t.name}: %s`, (_label, value) => {
        const shown = displayCommand(guide, t.template, { v: value });
        const r = run(shell, shown, {});
        expect(r.args).toEqual(t.expect(value));
        expect(existsSync(join(work, MARKER))).toBe(false);
      });
    }
  });
});

it('the temp dir holds only what the test made', () => {
  expect(readdirSync(work).sort()).toEqual(['glob-victim-1', 'glob-victim-2']);
});

it('a reference in single quotes cannot be rendered (the shell would not expand it)', () => {
  expect(() => executableCommand(guide, "printf '%s' '{{v}}'", { v: 'x' })).toThrow(/single quotes/);
});
