// Spawning ptys (injectable for tests) and stopping a pty's whole process group.
import type { IPty } from 'node-pty';
import { holdUntilRead } from '../runner/pty-hold.ts';
import { withOwnCommand } from '../runner/own-command.ts';
import { loadNodePty } from '../runner/node-pty-load.ts';

export interface PtyOptions {
  name: string;
  cols: number;
  rows: number;
  cwd: string;
  env: Record<string, string>;
}
export type SpawnPty = (file: string, args: string[], opts: PtyOptions) => IPty;
export type { IPty };

/** node-pty (loaded when the server starts: a PlaybookError saying how to build it when it is not
 * built), holding the terminal until the child has exited and its output has been read, so its last output
 * is never lost (see runner/pty-hold.ts). */
export async function loadSpawnNodePty(): Promise<SpawnPty> {
  const nodePty = await loadNodePty();
  return (file, args, opts) => {
    const p = nodePty.spawn(file, args, opts);
    const hold = holdUntilRead(p);
    // The terminal's data is read through the hold (the mark it writes at the end taken out).
    return new Proxy(p, {
      get(target, key) {
        if (key === 'onData') return hold.onData;
        const v: unknown = Reflect.get(target, key, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal); // node-pty makes the child a session (and group) leader
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** HUP, then TERM, then KILL to the pty's process group, waiting for the exit between each. */
export async function stopProcessGroup(pty: IPty, exited: Promise<unknown>, graceMs = 300): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (const sig of ['SIGHUP', 'SIGTERM', 'SIGKILL'] as const) {
    if (gone) return;
    if (!signalGroup(pty.pid, sig)) return;
    await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
}

/** The environment a shell or step inherits: ours, minus anything of this server's own, with
 * `cgr-playbook` itself on PATH (as in every run: runner/own-command.ts). */
export function baseEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith('CGR_PLAYBOOK_UI_')) out[k] = v;
  out.TERM = 'xterm-256color';
  out.COLORTERM = 'truecolor';
  return withOwnCommand(out);
}
