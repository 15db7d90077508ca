// What the CLI prints about values (commands as shown, reasons) never carries a control
// character to the terminal: an OSC (window title) or CSI (clear screen) in a value is printed
// as visible text. The command's own output is not affected.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './memory-io.ts';
import { createProgressRenderer } from '../../playbooks/cli/render/progress.ts';
import { createStyle } from '../../playbooks/cli/render/style.ts';
import type { RunEvent } from '../../playbooks/runner/types.ts';

const HOSTILE = 'x\u001b]0;pwned\u0007\u001b[2J\u001b[H\r\u009b2Jy';

describe('progress renderer', () => {
  for (const tty of [true, false]) {
    it(`escapes control characters in commands and reasons (${tty ? 'TTY' : 'plain'})`, () => {
      let out = '';
      const r = createProgressRenderer({ write: (t) => (out += t), tty, style: createStyle(false), now: () => 0 });
      const step = { id: 's', number: 1, kind: 'command' as const, title: 'Step' };
      const events: RunEvent[] = [
        { type: 'step-start', step, total: 1, command: `echo ${HOSTILE}\necho two`, at: 0 },
        { type: 'step-output', step, data: 'real output\n' },
        { type: 'step-end', step, total: 1, verdict: 'failed', reason: `expected x; got ${HOSTILE}`, durationMs: 1, record: { ...step, verdict: 'failed', durationMs: 1 } },
      ];
      for (const e of events) r.listener(e);
      r.dispose();
      const printed = out.replace(/\r\u001b\[K/g, ''); // the spinner's own line clearing
      expect(printed).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(printed).toContain('\\x1b]0;pwned\\x07');
      expect(printed).toContain('real output\n');
    });
  }
});

describe('errors and diagnostics', () => {
  // A values file's keys, a guide's file name: text from files reaches the error lines. Printed,
  // it must stay one line of visible text: no escape sequence, and no line break that would start
  // a line of its own (in a GitHub Actions log, a line starting with "::" is a workflow command).
  const ESCAPED = /\u001b|\u0007|\n::/;
  const inTempDir = async (fn: (dir: string) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'cgr-term-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('an error message naming a key of a values file', async () => {
    await inTempDir(async (dir) => {
      writeFileSync(join(dir, 'v.json'), JSON.stringify({ 'a\u001b]0;title\u0007\n::error::forged': 'x' }));
      const r = await cli(['run', 'nexus', '--ci', '--dry-run', '--values', join(dir, 'v.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('unknown field "a');
      expect(r.stderr).not.toMatch(ESCAPED);
    });
  });

  it("validate's text output naming a guide file", async () => {
    await inTempDir(async (dir) => {
      writeFileSync(join(dir, 'g\u001b[2J\n::error::forged.mdx'), '---\nid: x\n---\n');
      const r = await cli(['validate', '--content', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/forged\.mdx:\d+:\d+: /);
      expect(r.stdout).not.toMatch(ESCAPED);
    });
  });
});
