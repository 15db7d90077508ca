// The real SpawnPty: `bash -c <script>` in a node-pty pseudo-terminal. forkpty() makes the shell
// a session leader, so its pid is also its process group id and `kill(-pid)` reaches every
// process it started (except daemons that call setsid themselves, as a guide's must).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { holdUntilRead } from './pty-hold.ts';
import type { PtyProcess, SpawnOptions, SpawnPty } from './types.ts';
import { loadNodePty } from './node-pty-load.ts';

/** Sends `signal` to process group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Loads node-pty (a native module) only when a command is about to run; a PlaybookError saying
 * how to build it when it is not built. */
export async function loadNodePtySpawn(shell = 'bash'): Promise<SpawnPty> {
  const pty = await loadNodePty();
  return (script: string, options: SpawnOptions): PtyProcess => {
    // CI: the command's stdin is /dev/null, so a read gets end-of-file instead of waiting forever.
    const body = options.stdin === 'null' ? `exec </dev/null\n${script}` : script;
    const p = pty.spawn(shell, ['-c', body], {
      name: options.env.TERM ?? 'xterm-256color',
      cols: options.cols ?? 100,
      rows: options.rows ?? 30,
      cwd: options.cwd ?? process.cwd(),
      env: options.env,
    });
    const hold = holdUntilRead(p);
    let exited = false;
    p.onExit(() => {
      exited = true;
    });
    return {
      pid: p.pid,
      onData: (l) => hold.onData(l),
      onExit: (l) => p.onExit((e) => l(e.signal ? { exitCode: e.exitCode, signal: e.signal } : { exitCode: e.exitCode })),
      write: (d) => p.write(d),
      resize: (c, r) => p.resize(c, r),
      killGroup: (signal) => {
        signalGroup(p.pid, signal);
      },
      dispose: () => {
        hold.release();
        if (exited) return;
        try {
          p.kill('SIGKILL');
        } catch {
          // already gone
        }
      },
    };
  };
}

/** Pids of the live (not zombie) members of a process group, read from /proc (Linux). */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return signalGroup(pgid, 0) ? [pgid] : [];
  }
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') out.push(Number(n));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** True while some process of the group is still running (zombies waiting for a reaper do not count). */
export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0) && groupMembers(pgid).length > 0;
}

// read(2) is syscall 0 on x86-64 and 63 on arm64 (as /proc/<pid>/syscall shows it).
const READ_SYSCALL: Partial<Record<string, number>> = { x64: 0, arm64: 63 };

/**
 * A member of the group blocked reading its terminal (a prompt waiting for the keyboard), found
 * through /proc/<pid>/syscall; undefined when none is, or when this system does not tell.
 */
export function memberReadingTerminal(pgid: number): number | undefined {
  const readNr = READ_SYSCALL[process.arch];
  if (readNr === undefined) return undefined;
  for (const pid of groupMembers(pgid)) {
    try {
      const [nr, fdHex] = readFileSync(`/proc/${pid}/syscall`, 'utf8').trim().split(' ');
      if (Number(nr) !== readNr || fdHex === undefined) continue;
      const target = readlinkSync(`/proc/${pid}/fd/${Number.parseInt(fdHex, 16)}`);
      if (target === '/dev/tty' || target.startsWith('/dev/pts/')) return pid;
    } catch {
      // exited, or not ours to read
    }
  }
  return undefined;
}
