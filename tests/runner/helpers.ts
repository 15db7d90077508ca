// Shared helpers for the runner tests: fixture guides, event collection, process checks.
import { afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getGuide } from '../../playbooks/guides.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import type { RunEvent, RunHandle } from '../../playbooks/runner/types.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(ROOT, 'tests/fixtures/runner');

export function fixture(name: string): Promise<Guide> {
  return getGuide(join(FIXTURES, `${name}.mdx`), undefined, ROOT);
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cgr-runner-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** For a test file: `work()` makes a temp folder, removed after each test. */
export function workDirs(): () => string {
  let cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups) c();
    cleanups = [];
  });
  return () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    return t.dir;
  };
}

export function collect(handle: RunHandle): RunEvent[] {
  const events: RunEvent[] = [];
  handle.subscribe((e) => events.push(e));
  return events;
}

export function outputOf(events: RunEvent[], stepId?: string): string {
  return events
    .filter((e): e is Extract<RunEvent, { type: 'step-output' }> => e.type === 'step-output' && (stepId === undefined || e.step.id === stepId))
    .map((e) => e.data)
    .join('');
}

/** True while `pid` is a running (not zombie) process. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

/** Resolves once `pred` holds, polling every 20 ms; rejects after `ms`. */
export async function waitFor(pred: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
