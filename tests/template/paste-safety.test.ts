// Values reaching shells and terminals: what `show` and the page print for copying stays one
// literal word when pasted into an interactive shell (history expansion, control characters),
// and a value can never become text a program reads on stdin (heredocs, here-strings, configs
// such as `curl -K -`), where a line break or a quote in it would change that text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGuideSource } from '../../playbooks/extract/load.ts';
import { displayCommand, executableCommand } from '../../playbooks/plan/plan.ts';
import { scanShell } from '../../playbooks/template/shell.ts';
import { shellPieces, piecesText } from '../../src/client/pieces.ts';
import type { Guide } from '../../playbooks/model/guide.ts';

const guideWith = (body: string) => `---
id: paste
title: Paste safety
product: test
summary: Commands whose values come from fields.
---

<Field id="v" label="Value" type="text" />
<Field id="s" label="Secret value" type="secret" />

${body}
`;

const BASE = guideWith(`<Command id="run" title="Print the value">
  \`\`\`sh
  printf '%s\\0' {{v}}
  \`\`\`
</Command>`);

let guide: Guide;
let work: string;
const MARKER = 'pwned-marker';

beforeAll(() => {
  const r = loadGuideSource(BASE, 'paste.mdx');
  expect(r.diagnostics).toEqual([]);
  guide = r.guide!;
  work = mkdtempSync(join(tmpdir(), 'cgr-paste-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function bash(args: string[], input: string): { stdout: string; stderr: string } {
  const r = spawnSync('bash', args, { cwd: work, input, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, TERM: 'dumb' }, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('a value can never become text a program reads on stdin', () => {
  const HEREDOC = 'cat <<EOF\nuser = "{{v}}:x"\nEOF\necho after';
  const CLOSER = `x\nEOF\ntouch ${MARKER}\ncat <<EOF`;

  it('a value with a line break and the delimiter does not end the heredoc: the run refuses it, naming the reference', () => {
    expect(() => executableCommand(guide, HEREDOC, { v: CLOSER })).toThrow(/\{\{v\}\}.*heredoc/);
  });

  it('the displayed heredoc (show, the page, Copy) never holds such a value; pasted, it runs nothing', () => {
    const shown = displayCommand(guide, HEREDOC, { v: CLOSER });
    expect(shown).not.toContain('touch');
    expect(piecesText(shellPieces(HEREDOC, (n) => (n === 'v' ? { value: CLOSER, secret: false, envVar: 'CGR_V' } : undefined)))).toBe(shown);
    bash(['-c', shown], '');
    bash(['--norc', '--noprofile', '-i'], shown + '\n');
    expect(existsSync(join(work, MARKER))).toBe(false);
  });

  it('a value cannot add options to a config read from stdin (curl -K -)', () => {
    const template = 'curl -sS -K - file:///dev/null <<EOF\nuser = "{{v}}:pw"\nEOF';
    const value = `admin"\noutput = "${join(work, 'written')}`;
    expect(() => executableCommand(guide, template, { v: value })).toThrow(/heredoc/);
    expect(displayCommand(guide, template, { v: value })).not.toContain('output');
    // Quotes and blanks alone would change the config's meaning too.
    expect(() => executableCommand(guide, template, { v: 'a" -o x' })).toThrow(/heredoc/);
  });

  it('here-strings are stdin too; a token value is fine and later words are not affected', () => {
    expect(() => executableCommand(guide, 'cat <<< "user {{v}}"', { v: 'a\nb' })).toThrow(/here-string/);
    expect(() => executableCommand(guide, 'cat <<< {{v}}', { v: 'a b' })).toThrow(/here-string/);
    expect(scanShell('cat <<< "x{{v}}" && echo {{v}}').map((p) => !!p.stdin)).toEqual([true, false]);
    expect(scanShell('cat <<<{{v}}; echo {{v}}').map((p) => !!p.stdin)).toEqual([true, false]);
    const ok = executableCommand(guide, 'cat <<EOF\nhost: {{v}}\nEOF', { v: 'registry.example.com:5000' });
    expect(ok.env).toEqual({ CGR_V: 'registry.example.com:5000' });
  });

  it('a guide that puts a secret in a heredoc is refused at validation, at file:line:col with a hint', () => {
    const r = loadGuideSource(
      guideWith(`<Command id="cfg" title="Config on stdin">
  \`\`\`sh
  curl -sS -K - https://example.com <<EOF
  header = "X-Api-Key: {{s}}"
  EOF
  \`\`\`
</Command>`),
      'secret-heredoc.mdx',
    );
    expect(r.diagnostics.map((d) => d.code)).toContain('secret-on-stdin');
    const d = r.diagnostics.find((x) => x.code === 'secret-on-stdin')!;
    expect(d.message).toMatch(/\{\{s\}\}.*heredoc/);
    expect(d.hint).toMatch(/curl -H @-/);
  });
});

describe('displayed commands are safe to paste into an interactive shell', () => {
  const VALUES: Record<string, string> = {
    'history !!': 'a!!b',
    'history !$ and !word': 'x !$ !echo y',
    'bang at the end': 'wow!',
    'quote then bang': `it's "!" here`,
    'carriage return': 'line1\rtouch pwned-marker',
    'escape sequence (OSC title)': '\u001b]0;pwned\u0007title',
    'CSI clear screen': 'a\u001b[2J\u001b[Hb',
    'C1 CSI': 'a\u009b2Jb',
    'line break (a multi-line field)': 'line1\nline2',
  };
  const TEMPLATES: Array<{ name: string; template: string }> = [
    { name: 'plain word', template: "printf '%s\\0' {{v}}" },
    { name: 'double quotes', template: "printf '%s\\0' \"<{{v}}>\"" },
    { name: '$( ) inside double quotes', template: "printf '%s\\0' \"$(printf '%s' {{v}})\"" },
    { name: 'backticks inside double quotes', template: "printf '%s\\0' \"`printf '%s' {{v}}`\"" },
  ];
  const expected = (t: string, v: string) => (t === 'double quotes' ? `<${v}>` : v);

  for (const t of TEMPLATES) {
    it(t.name, () => {
      const entries = Object.entries(VALUES);
      const shown = entries.map(([, v]) => displayCommand(guide, t.template, { v }));
      // Nothing a terminal would act on reaches the text: only line breaks (and tabs) stay.
      for (const [k, [label]] of entries.entries()) expect.soft(shown[k], label).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      // Pasted one after the other into an interactive bash (history expansion on).
      const input = shown.map((s) => `${s}\nprintf '\\001'\n`).join('');
      const out = bash(['--norc', '--noprofile', '-i'], input).stdout.split('\x01');
      for (const [k, [label, value]] of entries.entries()) {
        expect.soft(out[k]?.replace(/\0$/, '').split('\0'), label).toEqual([expected(t.name, value)]);
      }
      expect(existsSync(join(work, MARKER))).toBe(false);
    });
  }
});
