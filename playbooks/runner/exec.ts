// Runs one shell script in a pty: live masked output, keyboard passthrough, time limit, and a
// clean stop of the whole process group (HUP, TERM, KILL after a grace period).
import type { Masker } from '../mask/masker.ts';
import type { Clock, Keyboard, PtyProcess, SpawnPty } from './types.ts';
import { groupAlive, memberReadingTerminal } from './pty.ts';
import { boundedDelay } from './clock.ts';

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
  /** CI: stop the command as soon as it blocks reading the terminal (nobody will type). */
  failOnKeyboardRead?: boolean;
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
  /** The command blocked reading the terminal and was stopped (CI). */
  waitedForKeyboard: boolean;
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
  let waitedForKeyboard = false;
  let watch: ReturnType<typeof setInterval> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => subs.push(proc.onExit(resolve)));
  const stopped = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, boundedDelay(req.timeoutMs));
    onAbort = () => {
      aborted = true;
      resolve();
    };
    if (req.signal.aborted) onAbort();
    else req.signal.addEventListener('abort', onAbort, { once: true });
    if (req.failOnKeyboardRead) {
      // Two sightings in a row (>= 200 ms apart) so a read that is about to be answered by a pipe is not taken for one.
      let seen = 0;
      watch = setInterval(() => {
        seen = memberReadingTerminal(proc.pid) !== undefined ? seen + 1 : 0;
        if (seen >= 2) {
          waitedForKeyboard = true;
          resolve();
        }
      }, 200);
    }
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
    clearInterval(watch);
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
    waitedForKeyboard,
    pid: proc.pid,
  };
}
