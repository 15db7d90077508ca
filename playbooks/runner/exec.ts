// Runs one shell script in a pty: live masked output, keyboard passthrough, time limit, and a
// clean stop of the whole process group (HUP, TERM, KILL after a grace period).
import type { Masker } from '../mask/masker.ts';
import type { Clock, Keyboard, PtyProcess, SpawnPty } from './types.ts';
import { groupAlive } from './pty.ts';

export interface ExecRequest {
  script: string;
  env: Record<string, string>;
  timeoutMs: number;
  stdin: 'pty' | 'null';
  keyboard?: Keyboard;
  signal: AbortSignal;
  masker: Masker;
  /** Emit output only at the end (a command whose output carries a secret captured from it). */
  holdOutput: boolean;
  onOutput(masked: string): void;
  /** Stop whatever the command left running in its process group once it exits. */
  killGroupAfter: boolean;
  killGraceMs: number;
  spawn: SpawnPty;
  clock: Clock;
  cwd?: string;
  cols?: number;
  rows?: number;
}

export interface ExecResult {
  exitCode?: number;
  signal?: number;
  /** Everything the command printed, unmasked (kept in memory for checks and captures only). */
  output: string;
  timedOut: boolean;
  aborted: boolean;
  pid: number;
}

/** HUP, then TERM, then KILL, each after `graceMs` if the group is still there. */
export async function stopGroup(proc: PtyProcess, graceMs: number, clock: Clock): Promise<void> {
  for (const sig of ['SIGHUP', 'SIGTERM', 'SIGKILL'] as const) {
    if (!groupAlive(proc.pid)) return;
    proc.killGroup(sig);
    const until = clock.now() + (sig === 'SIGKILL' ? 1000 : graceMs);
    while (clock.now() < until) {
      await clock.sleep(25);
      if (!groupAlive(proc.pid)) return;
    }
  }
}

export async function execInPty(req: ExecRequest): Promise<ExecResult> {
  const proc = req.spawn(req.script, {
    env: req.env,
    stdin: req.stdin,
    ...(req.cwd !== undefined ? { cwd: req.cwd } : {}),
    ...(req.cols !== undefined ? { cols: req.cols } : {}),
    ...(req.rows !== undefined ? { rows: req.rows } : {}),
  });
  const stream = req.masker.stream();
  let output = '';
  const subs = [
    proc.onData((data) => {
      output += data;
      if (!req.holdOutput) {
        const masked = stream.write(data);
        if (masked) req.onOutput(masked);
      }
    }),
  ];
  const keyboard = req.stdin === 'pty' ? req.keyboard?.attach((d) => proc.write(d)) : undefined;

  let timedOut = false;
  let aborted = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => subs.push(proc.onExit(resolve)));
  const stopped = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, req.timeoutMs);
    onAbort = () => {
      aborted = true;
      resolve();
    };
    if (req.signal.aborted) onAbort();
    else req.signal.addEventListener('abort', onAbort, { once: true });
  });

  let exit: { exitCode: number; signal?: number } | undefined;
  try {
    const first = await Promise.race([exited, stopped.then(() => undefined)]);
    if (first) exit = first;
    else {
      await stopGroup(proc, req.killGraceMs, req.clock);
      exit = await Promise.race([exited, req.clock.sleep(2000).then(() => undefined)]);
    }
    // Let output already read from the pty reach its listener.
    await new Promise((r) => setImmediate(r));
    if (req.killGroupAfter) await stopGroup(proc, req.killGraceMs, req.clock);
  } finally {
    clearTimeout(timer);
    if (onAbort) req.signal.removeEventListener('abort', onAbort);
    keyboard?.dispose();
    for (const s of subs) s.dispose();
    proc.dispose();
  }
  if (!req.holdOutput) {
    const rest = stream.flush();
    if (rest) req.onOutput(rest);
  }
  return {
    ...(exit ? { exitCode: exit.exitCode } : {}),
    ...(exit?.signal ? { signal: exit.signal } : {}),
    output,
    timedOut,
    aborted,
    pid: proc.pid,
  };
}
