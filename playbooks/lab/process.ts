// Supervised background processes: spawned detached (own session) with output to a log file,
// tracked by a pid file, checked by pid and command line, stopped by pid (TERM, then KILL).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface SpawnedProcess {
  pid: number;
  /** Resolves when the process has exited (only known for children of this process). */
  exited: Promise<number | null>;
}

/** Starts `cmd` detached in its own session; stdout and stderr go to `logFile`; writes `pidFile`. */
export function spawnDetached(cmd: string, args: string[], opts: { logFile: string; pidFile: string; env?: NodeJS.ProcessEnv; cwd?: string }): SpawnedProcess {
  const fd = openSync(opts.logFile, 'a', 0o600);
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: opts.env ?? process.env, cwd: opts.cwd });
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(-1));
    });
    child.unref();
    writeFileSync(opts.pidFile, `${child.pid}\n`, { mode: 0o600 });
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd);
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const n = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** True when `pid` runs (not a zombie) and, if given, its command line contains `marker`. */
export function isAlive(pid: number, marker?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    if (marker) return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    /* no /proc: trust kill(0) */
  }
  return true;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops `pid` (only when its command line holds `marker`): SIGTERM, then SIGKILL after `graceMs`. */
export async function stopPid(pid: number, marker: string | undefined, graceMs = 5000): Promise<boolean> {
  if (!isAlive(pid, marker)) return false;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  for (let i = 0; i < 40 && isAlive(pid); i++) await sleep(50);
  return true;
}

/** Stops the process named by a pid file and removes the file. */
export async function stopPidFile(pidFile: string, marker: string | undefined): Promise<boolean> {
  const pid = readPid(pidFile);
  const stopped = pid !== undefined ? await stopPid(pid, marker) : false;
  rmSync(pidFile, { force: true });
  return stopped;
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers with any HTTP status; fails early when `alive()` turns false. */
export async function waitForHttp(url: string, opts: { timeoutMs?: number; alive?: () => boolean; signal?: AbortSignal } = {}): Promise<number> {
  const until = Date.now() + (opts.timeoutMs ?? 15_000);
  let last = '';
  while (Date.now() < until) {
    opts.signal?.throwIfAborted();
    if (opts.alive && !opts.alive()) throw new Error(`the process exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel().catch(() => {});
      return res.status;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${opts.timeoutMs ?? 15_000} ms (${last})`);
}

export function tailFile(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
