// runPlaybook() against real ptys and real shells.
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../playbooks/runner/run.ts';
import { collect, fixture, isRunning, outputOf, workDirs, waitFor } from './helpers.ts';

const work = workDirs();

describe('runPlaybook', () => {
  it('runs a passing guide: captures feed later steps, verify checks recorded output and retries', async () => {
    const guide = await fixture('pass');
    const dir = work();
    const handle = runPlaybook(guide, { path: 'developer', ci: true, values: { workDir: dir, apiToken: 's3cret-value-123' } });
    const events = collect(handle);
    const result = await handle.done;
    expect(result.steps.map((s) => [s.id, s.verdict, s.reason])).toEqual([
      ['say-hello', 'passed', undefined],
      ['use-capture', 'passed', undefined],
      ['check-hello', 'passed', undefined],
      ['eventually', 'passed', undefined],
      ['copy-token', 'passed', 'provided: apiToken'],
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.status).toBe('passed');
    expect(outputOf(events, 'use-capture')).toContain('got abc123');
    expect(result.steps.find((s) => s.id === 'eventually')!.attempts).toBe(3);
    expect(events.filter((e) => e.type === 'step-attempt').map((e) => (e as { attempt: number }).attempt)).toEqual([2, 3]);
    // State machine order per step: start before end, one end each.
    const order = events.filter((e) => e.type === 'step-start' || e.type === 'step-end').map((e) => `${e.type}:${(e as { step: { id: string } }).step.id}`);
    expect(order.slice(0, 4)).toEqual(['step-start:say-hello', 'step-end:say-hello', 'step-start:use-capture', 'step-end:use-capture']);
    expect(events[0]!.type).toBe('run-start');
    expect(events.at(-1)!.type).toBe('run-end');
    expect(result.steps.find((s) => s.id === 'use-capture')!.command).toBe('echo "got abc123"');
  });

  it('reports captures through onCapture and takes earlier captures through captured (one step at a time)', async () => {
    const guide = await fixture('pass');
    const dir = work();
    const seen: Array<[string, string, boolean]> = [];
    const first = runPlaybook(guide, { path: 'developer', ci: true, only: 'say-hello', values: { workDir: dir, apiToken: 's3cret-value-123' }, onCapture: (n, v, s) => seen.push([n, v, s]) });
    expect((await first.done).status).toBe('passed');
    expect(seen).toEqual([['ident', 'abc123', false]]);
    const alone = runPlaybook(guide, { path: 'developer', ci: true, only: 'use-capture', values: { workDir: dir, apiToken: 's3cret-value-123' } });
    expect((await alone.done).steps.find((s) => s.id === 'use-capture')).toMatchObject({ verdict: 'failed', reason: expect.stringContaining('ident (captured by an earlier step that did not run)') });
    const second = runPlaybook(guide, { path: 'developer', ci: true, only: 'use-capture', values: { workDir: dir, apiToken: 's3cret-value-123' }, captured: { ident: { value: 'xyz789', secret: true } } });
    const events = collect(second);
    const r = await second.done;
    expect(r.steps.find((s) => s.id === 'use-capture')!.verdict).toBe('passed');
    // A secret capture handed in is masked like one captured in this run.
    expect(outputOf(events, 'use-capture')).toContain('got ****');
    expect(outputOf(events, 'use-capture')).not.toContain('xyz789');
  });

  it('a failing step fails the run (exit 1) and the rest are skipped with the reason', async () => {
    const guide = await fixture('fail');
    const handle = runPlaybook(guide, { path: 'developer', ci: true });
    const events = collect(handle);
    const result = await handle.done;
    expect(result.exitCode).toBe(1);
    expect(result.steps.map((s) => [s.id, s.verdict, s.reason])).toEqual([
      ['first', 'passed', undefined],
      ['breaks', 'failed', 'exit code 3, expected 0'],
      ['never', 'skipped', 'not run: step breaks failed'],
    ]);
    expect(result.steps[1]!.outputTail).toBe('about to fail\n');
    expect(outputOf(events)).not.toContain('should not run');
  });

  it('CI mode with missing values: a configuration error (exit 2) listing every missing field', async () => {
    const guide = await fixture('ci');
    const result = await runPlaybook(guide, { path: 'developer', ci: true, values: {} }).done;
    expect(result.exitCode).toBe(2);
    expect(result.error?.code).toBe('missing-values');
    expect(result.error?.missing?.map((m) => m.id)).toEqual(['needed', 'alsoNeeded']);
    expect(result.error?.message).toBe('missing values for needed, alsoNeeded');
    expect(result.steps).toEqual([]);
  });

  it('CI mode: stdin is closed, a read from the terminal fails fast (within its timeout), interactive fails at once, manual is skipped', async () => {
    const guide = await fixture('ci');
    const handle = runPlaybook(guide, { path: 'developer', ci: true, values: { needed: 'n', alsoNeeded: 'h.example:5000' }, killGraceMs: 200 });
    const events = collect(handle);
    // Run each step alone so one failure does not stop the others.
    const byStep: Record<string, { verdict: string; reason?: string; durationMs: number }> = {};
    const r1 = await handle.done;
    byStep[r1.steps[0]!.id] = r1.steps[0]!;
    expect(r1.steps[0]).toMatchObject({ id: 'reads-stdin', verdict: 'failed', reason: 'exit code 1, expected 0' });
    expect(outputOf(events, 'reads-stdin')).toContain('stdin closed');
    for (const only of ['reads-tty', 'asks-password', 'leaves-child', 'do-something']) {
      const r = await runPlaybook(guide, { path: 'developer', ci: true, only, values: { needed: 'n', alsoNeeded: 'h.example:5000' }, killGraceMs: 200 }).done;
      byStep[only] = r.steps.find((s) => s.id === only)!;
    }
    expect(byStep['reads-tty']!.verdict).toBe('failed');
    // Blocked reading the terminal: stopped because that was seen (the reason says so), not at its
    // 30 s timeout, which would read "timed out" (no time limit asserted here: speed is bench's).
    expect(byStep['reads-tty']!.reason).toMatch(/^the command waited for keyboard input \(it reads from the terminal\) and CI mode has none/);
    expect(byStep['asks-password']).toMatchObject({ verdict: 'failed' });
    expect(byStep['asks-password']!.reason).toMatch(/reads from the keyboard \(interactive\) and CI mode has none/);
    expect(byStep['leaves-child']!.verdict).toBe('passed');
    expect(byStep['do-something']).toMatchObject({ verdict: 'skipped', reason: 'manual step: CI mode cannot do it' });
  });

  it('CI mode: what a command leaves in its process group is stopped when it ends', async () => {
    const guide = await fixture('ci');
    const handle = runPlaybook(guide, { path: 'developer', ci: true, only: 'leaves-child', values: { needed: 'n', alsoNeeded: 'h:1' }, killGraceMs: 200 });
    const events = collect(handle);
    const result = await handle.done;
    expect(result.exitCode).toBe(0);
    const child = Number(/child=(\d+)/.exec(outputOf(events))![1]);
    expect(child).toBeGreaterThan(1);
    await waitFor(() => !isRunning(child), 3000, `pid ${child} to end`);
  });

  it('cancel() during a long command stops its whole process group: no orphan, exit 130, the rest skipped', async () => {
    const guide = await fixture('long');
    const handle = runPlaybook(guide, { path: 'developer', ci: false, killGraceMs: 300 });
    const events = collect(handle);
    await waitFor(() => /shell=\d+/.test(outputOf(events)), 10_000, 'the command to start');
    const child = Number(/child=(\d+)/.exec(outputOf(events))![1]);
    const shell = Number(/shell=(\d+)/.exec(outputOf(events))![1]);
    expect(isRunning(child)).toBe(true);
    expect(isRunning(shell)).toBe(true);
    handle.cancel();
    const result = await handle.done;
    expect(result.status).toBe('interrupted');
    expect(result.exitCode).toBe(130);
    expect(result.steps.map((s) => [s.id, s.verdict, s.reason])).toEqual([
      ['long', 'failed', 'interrupted'],
      ['after', 'skipped', 'not run: interrupted'],
    ]);
    expect(isRunning(child)).toBe(false);
    expect(isRunning(shell)).toBe(false);
  });

  it('masks a secret printed whole, in base64 and split across writes, and a secret captured from output', async () => {
    const guide = await fixture('mask');
    const secret = 'Sup3r-Secret-Token-42';
    const handle = runPlaybook(guide, { path: 'developer', ci: true, values: { apiToken: secret } });
    const events = collect(handle);
    const result = await handle.done;
    expect(result.exitCode).toBe(0);
    const out = outputOf(events);
    expect(out).toContain('whole ********');
    expect(out).toContain('b64 ********');
    expect(out).toMatch(/split \*{8} end/);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(Buffer.from(secret).toString('base64'));
    expect(out).not.toContain('Sup3r-');
    // The split really came in two writes.
    const chunks = events.filter((e) => e.type === 'step-output' && e.step.id === 'leak').length;
    expect(chunks).toBeGreaterThan(1);
    expect(out).not.toMatch(/minted-\d+-secret-value/);
    expect(outputOf(events, 'mint')).toContain('--password "********"');
    expect(outputOf(events, 'reuse')).toContain('again: ********');
    expect(JSON.stringify(result)).not.toMatch(/minted-\d+|Sup3r/);
  });

  it('--from and --only select steps; an unknown step is a configuration error', async () => {
    const guide = await fixture('fail');
    const only = await runPlaybook(guide, { path: 'developer', ci: true, only: 'first' }).done;
    expect(only.steps.map((s) => s.verdict)).toEqual(['passed', 'skipped', 'skipped']);
    expect(only.steps[1]!.reason).toBe('not selected (--only first)');
    const from = await runPlaybook(guide, { path: 'developer', ci: true, from: 'never' }).done;
    expect(from.steps.map((s) => s.verdict)).toEqual(['skipped', 'skipped', 'passed']);
    expect(from.steps[0]!.reason).toBe('before --from never');
    const bad = await runPlaybook(guide, { path: 'developer', ci: true, only: 'nope' }).done;
    expect(bad.exitCode).toBe(2);
    expect(bad.error?.message).toBe('unknown step "nope" in --only');
  });

  it('dry run: every step is shown and skipped, nothing runs', async () => {
    const guide = await fixture('fail');
    const handle = runPlaybook(guide, { path: 'developer', ci: true, dryRun: true });
    const events = collect(handle);
    const result = await handle.done;
    expect(result.exitCode).toBe(0);
    expect(result.steps.every((s) => s.verdict === 'skipped' && s.reason === 'dry run')).toBe(true);
    expect(outputOf(events)).toBe('');
    expect(events.filter((e) => e.type === 'step-start').map((e) => (e as { command?: string }).command)).toEqual(['echo first step ran', 'echo "about to fail"; exit 3', 'echo should not run']);
  });

  it('the per-step timeout override applies', async () => {
    const guide = await fixture('long');
    const result = await runPlaybook(guide, { path: 'developer', ci: true, only: 'long', timeout: 500, killGraceMs: 200 }).done;
    expect(result.steps[0]).toMatchObject({ verdict: 'failed' });
    expect(result.steps[0]!.reason).toMatch(/^timed out after 500ms/);
  });

  it('cancel() between verify attempts ends the run at once', async () => {
    const guide = await fixture('retry');
    const handle = runPlaybook(guide, { path: 'developer', ci: true });
    const events = collect(handle);
    await waitFor(() => events.some((e) => e.type === 'step-attempt'), 10_000, 'the first retry');
    const t0 = Date.now();
    handle.cancel();
    const result = await handle.done;
    // The wait between attempts is 30 s: ending well before it is ending at once (a hang guard, not a speed target).
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(result.exitCode).toBe(130);
    expect(result.steps[0]).toMatchObject({ id: 'never-ready', verdict: 'failed', reason: 'interrupted' });
  });

  describe('cleanup steps (always)', () => {
    it('run in guide order after a failing step; ordinary steps are skipped; the first failure stays the cause', async () => {
      const guide = await fixture('cleanup');
      const dir = work();
      const handle = runPlaybook(guide, { path: 'developer', ci: true, values: { workDir: dir, mode: 'fail' } });
      const events = collect(handle);
      const result = await handle.done;
      expect(result.steps.map((s) => [s.id, s.verdict, s.reason])).toEqual([
        ['start', 'passed', undefined],
        ['middle', 'failed', 'exit code 3, expected 0'],
        ['worked', 'skipped', 'not run: step middle failed'],
        ['tidy', 'passed', undefined],
        ['after-tidy', 'skipped', 'not run: step middle failed'],
        ['tidied', 'passed', undefined],
      ]);
      expect(result.status).toBe('failed');
      expect(result.exitCode).toBe(1);
      expect(result.firstFailure).toBe('middle');
      expect(outputOf(events, 'tidy')).toContain('tidied tok42');
      // Cleanup steps are marked in the plan and in their records.
      const start = events.find((e) => e.type === 'run-start') as Extract<typeof events[number], { type: 'run-start' }>;
      expect(start.steps.filter((s) => s.always).map((s) => s.id)).toEqual(['tidy', 'tidied']);
      expect(result.steps.find((s) => s.id === 'tidy')!.always).toBe(true);
      expect(result.steps.find((s) => s.id === 'start')!.always).toBeUndefined();
    });

    it('run in order when nothing failed, like any step', async () => {
      const guide = await fixture('cleanup');
      const dir = work();
      const result = await runPlaybook(guide, { path: 'developer', ci: true, values: { workDir: dir, mode: 'pass' } }).done;
      expect(result.steps.map((s) => s.verdict)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed']);
      expect(result.status).toBe('passed');
      expect(result.firstFailure).toBeUndefined();
    });

    it('a failing cleanup fails the run, but the first failure is still the cause, and later cleanups still run', async () => {
      const guide = await fixture('cleanup-fails');
      const result = await runPlaybook(guide, { path: 'developer', ci: true }).done;
      expect(result.steps.map((s) => [s.id, s.verdict, s.reason])).toEqual([
        ['breaks', 'failed', 'exit code 3, expected 0'],
        ['undo', 'failed', 'exit code 4, expected 0'],
        ['undo-more', 'passed', undefined],
      ]);
      expect(result.exitCode).toBe(1);
      expect(result.firstFailure).toBe('breaks');
    });

    it('run after cancel(): the interrupted step fails, ordinary steps are skipped, cleanup runs; the run stays interrupted', async () => {
      const guide = await fixture('cleanup');
      const dir = work();
      const handle = runPlaybook(guide, { path: 'developer', ci: true, killGraceMs: 300, values: { workDir: dir, mode: 'hang' } });
      const events = collect(handle);
      await waitFor(() => outputOf(events, 'middle').includes('hanging'), 10_000, 'the command to start');
      handle.cancel();
      const result = await handle.done;
      expect(result.steps.map((s) => [s.id, s.verdict, s.reason])).toEqual([
        ['start', 'passed', undefined],
        ['middle', 'failed', 'interrupted'],
        ['worked', 'skipped', 'not run: interrupted'],
        ['tidy', 'passed', undefined],
        ['after-tidy', 'skipped', 'not run: interrupted'],
        ['tidied', 'passed', undefined],
      ]);
      expect(result.status).toBe('interrupted');
      expect(result.exitCode).toBe(130);
      expect(outputOf(events, 'tidy')).toContain('tidied tok42');
    });

    it('a second cancel() stops the cleanup too', async () => {
      const guide = await fixture('long-cleanup');
      const handle = runPlaybook(guide, { path: 'developer', ci: true, killGraceMs: 300 });
      const events = collect(handle);
      await waitFor(() => outputOf(events, 'long').includes('started'), 10_000, 'the command to start');
      handle.cancel();
      await waitFor(() => outputOf(events, 'slow-cleanup').includes('cleaning'), 10_000, 'the cleanup to start');
      handle.cancel();
      const result = await handle.done;
      expect(result.steps.map((s) => [s.id, s.verdict, s.reason])).toEqual([
        ['long', 'failed', 'interrupted'],
        ['slow-cleanup', 'failed', 'interrupted'],
        ['last-cleanup', 'skipped', 'not run: interrupted'],
      ]);
      expect(result.exitCode).toBe(130);
    });

    it('a cleanup step whose capture was never made is skipped: nothing to clean up', async () => {
      const guide = await fixture('cleanup');
      const dir = work();
      // mode nostart: the first step fails before it prints the id that `thing` captures.
      const result = await runPlaybook(guide, { path: 'developer', ci: true, values: { workDir: dir, mode: 'nostart' } }).done;
      expect(result.steps.find((s) => s.id === 'tidy')).toMatchObject({ verdict: 'skipped', reason: 'nothing to clean up: step start did not capture thing' });
      expect(result.firstFailure).toBe('start');
    });

    it('dry run, --only and --from: cleanup steps are planned like the others', async () => {
      const guide = await fixture('cleanup');
      const dir = work();
      const dry = await runPlaybook(guide, { path: 'developer', ci: true, dryRun: true, values: { workDir: dir } }).done;
      expect(dry.steps.map((s) => s.reason)).toEqual(Array(6).fill('dry run'));
      const only = await runPlaybook(guide, { path: 'developer', ci: true, only: 'middle', values: { workDir: dir, mode: 'fail' } }).done;
      expect(only.steps.map((s) => [s.id, s.verdict])).toEqual([
        ['start', 'skipped'],
        ['middle', 'failed'],
        ['worked', 'skipped'],
        ['tidy', 'skipped'],
        ['after-tidy', 'skipped'],
        ['tidied', 'skipped'],
      ]);
    });
  });
});
