// The page's "Run all from here" and Stop with cleanup steps (always): the badges the page gets.
// A step left out because of the failure gets a skipped badge (the page's bar counts it as
// skipped); one left out because of Stop gets none; a cleanup step gets its own.
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
    it(`run-from: after ${mode === 'fail' ? 'a failing step' : 'Stop'}, the cleanup steps run and get their badges; steps left out by a failure are badged skipped, by Stop not at all`, async () => {
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
      const notRun = mode === 'fail' ? ['worked:skipped'] : [];
      const notRunAfter = mode === 'fail' ? ['after-tidy:skipped'] : [];
      expect(badges).toEqual(['start:running', 'start:passed', 'middle:running', 'middle:failed', ...notRun, 'tidy:running', 'tidy:passed', ...notRunAfter, 'tidied:running', 'tidied:passed']);
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
