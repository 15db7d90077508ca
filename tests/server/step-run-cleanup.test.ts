// The page's "Run all from here" and Stop with cleanup steps (always): the badges the page gets.
// A step skipped because of the failure or the stop gets no badge; a cleanup step gets one.
import { afterEach, describe, expect, it } from 'vitest';
import { startStepRun } from '../../playbooks/server/step-run.ts';
import { loadNodePtySpawn } from '../../playbooks/runner/pty.ts';
import { fixture, tempDir, waitFor } from '../runner/helpers.ts';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

describe('page runs with cleanup steps', () => {
  for (const mode of ['fail', 'hang'] as const) {
    it(`run-from: after ${mode === 'fail' ? 'a failing step' : 'Stop'}, the cleanup steps run and get their badges; skipped steps get none`, async () => {
      const guide = await fixture('cleanup');
      const t = tempDir();
      cleanups.push(t.cleanup);
      const badges: string[] = [];
      let output = '';
      const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: t.dir };
      const handle = startStepRun(
        { guide, path: 'developer', values: { workDir: t.dir, mode }, mode: 'run-from', stepId: 'start' },
        { spawn: await loadNodePtySpawn(), env, cwd: t.dir, cols: 80, rows: 24 },
        { output: (s) => (output += s), status: (id, status) => badges.push(`${id}:${status}`) },
      );
      if (mode === 'hang') {
        await waitFor(() => output.includes('hanging'), 10_000, 'the command to start');
        handle.cancel();
      }
      const result = await handle.done;
      expect(badges).toEqual(['start:running', 'start:passed', 'middle:running', 'middle:failed', 'tidy:running', 'tidy:passed', 'tidied:running', 'tidied:passed']);
      expect(result.status).toBe(mode === 'fail' ? 'failed' : 'interrupted');
      expect(output).toContain('tidied tok42');
      // The terminal labels the cleanup as the CLI's progress display does: a line saying why, and each banner.
      const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
      const announce = mode === 'fail' ? 'Cleaning up after step middle failed:' : 'Interrupted; cleaning up';
      expect(plain).toContain(announce);
      expect(plain).toContain('▶ Tidy up · cleanup');
      expect(plain).toContain('▶ The state file says tidied · cleanup');
      expect(plain).toMatch(/▶ Start something\r\n/);
      expect(plain.indexOf(announce)).toBeLessThan(plain.indexOf('▶ Tidy up'));
    });
  }
});
