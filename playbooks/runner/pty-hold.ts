// Reading a command's terminal to its last byte. Two things cut the tail of what a command printed
// just before it exited, both only when this process is slow to read (a loaded machine, a busy
// event loop; CI saw it on a step printing 200 KB, and a test reproduces it by reading slowly):
// - the hang-up: once the last holder of the terminal's other end (the slave side) closes it, the
//   master signals a hang-up, and libuv, seeing it after a read shorter than its buffer (a pty
//   gives at most 4 KiB a read), takes it for the end of the stream although more is waiting;
// - node-pty itself: 200 ms after the child exits it destroys the terminal's read stream, read or
//   not, "because sometimes the socket never gets closed" (node-pty lib/unixTerminal.js,
//   DESTROY_SOCKET_TIMEOUT_MS).
// So this process holds the slave open itself. Once the child is gone it writes a mark into the
// slave: the terminal delivers it after everything written before it, so when the mark is read,
// everything the command printed has been read. Then it lets go. The mark (an APC string, which
// terminals ignore) is taken out of the data before anyone sees it; node-pty's destroy is deferred
// until the mark is read.

import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, writeSync } from 'node:fs';

/** What is used of a node-pty terminal. `_pty` (the slave's path) and `_socket` (its read stream)
 * are private to node-pty, so both are checked at run time and the hold is skipped without them. */
export interface HeldTerminal {
  readonly pid: number;
  readonly _pty?: unknown;
  readonly _socket?: unknown;
  onData(listener: (data: string) => void): { dispose(): void };
  onExit(listener: () => void): { dispose(): void };
}

export interface HoldOptions {
  /** The first look whether the child is gone, after this many ms, doubling up to `maxPollMs`: 2. */
  firstPollMs?: number;
  /** 100. */
  maxPollMs?: number;
  /** The mark not read this long after the child is gone (the reader holds the stream paused, or
   * the terminal is full and stays full): let go anyway. 10 s. */
  capMs?: number;
  /** After letting go, the hang-up normally ends the stream; if it has not within this time,
   * node-pty's deferred destroy is done: 200 ms (node-pty's own wait). */
  closeAfterMs?: number;
}

interface ReadStreamLike {
  destroy: (...args: unknown[]) => unknown;
  once(event: 'close', listener: () => void): unknown;
}

function readStreamOf(p: HeldTerminal): ReadStreamLike | undefined {
  const s = p._socket as Partial<ReadStreamLike> | undefined;
  return s && typeof s.destroy === 'function' && typeof s.once === 'function' ? (s as ReadStreamLike) : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A terminal held until read: its data without the mark, and the function that lets go at once. */
export interface Hold {
  onData(listener: (data: string) => void): { dispose(): void };
  release(): void;
}

/** The longest end of `text` that is a start of `mark` (shorter than the mark). */
function startOfMarkAtEnd(text: string, mark: string): number {
  for (let n = Math.min(mark.length - 1, text.length); n > 0; n--) if (text.endsWith(mark.slice(0, n))) return n;
  return 0;
}

/**
 * Holds the terminal's slave side open until the child has exited and its output has been read
 * (see the top of this file). Read the terminal's data through the hold's `onData` (the mark taken
 * out); `release` lets go at once (for a stop or kill; the child's exit event does too). Costs a poll of the child's pid (every 2 ms
 * at first, backing off to 100 ms) and, after the exit, one write and the read of the mark.
 */
export function holdUntilRead(p: HeldTerminal, opts: HoldOptions = {}): Hold {
  const slave = typeof p._pty === 'string' ? p._pty : undefined;
  let fd: number | undefined;
  try {
    if (slave) fd = openSync(slave, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch {
    fd = undefined;
  }
  if (fd === undefined) return { onData: (l) => p.onData(l), release: () => {} };

  const listeners = new Set<(data: string) => void>();
  const emit = (data: string) => {
    if (data) for (const l of [...listeners]) l(data);
  };
  const mark = `\u001b_cgr-playbook read to here ${randomBytes(8).toString('hex')}\u001b\\`;
  let marked = false; // the mark is written and not read yet
  let held = ''; // the end of the data read, while it could be the start of the mark
  const stream = readStreamOf(p);
  const destroy = stream?.destroy;
  let deferredDestroy: unknown[] | undefined;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closeTimer: ReturnType<typeof setTimeout> | undefined;

  const unwrap = () => {
    if (stream && destroy && stream.destroy !== destroy) stream.destroy = destroy;
  };
  const release = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    marked = false;
    const rest = held;
    held = '';
    emit(rest);
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      fd = undefined;
    }
    unwrap();
    if (deferredDestroy && !closed && stream && destroy) {
      const args = deferredDestroy;
      deferredDestroy = undefined;
      closeTimer = setTimeout(() => {
        if (!closed) destroy.apply(stream, args);
      }, opts.closeAfterMs ?? 200);
      closeTimer.unref?.();
    }
  };

  const data = p.onData((chunk) => {
    if (!marked) return emit(chunk);
    const text = held + chunk;
    const at = text.indexOf(mark);
    if (at >= 0) {
      held = '';
      emit(text.slice(0, at));
      release();
      emit(text.slice(at + mark.length)); // a background process that kept the terminal, writing on
      return;
    }
    const keep = startOfMarkAtEnd(text, mark);
    held = text.slice(text.length - keep);
    emit(text.slice(0, text.length - keep));
  });

  if (stream && destroy) {
    stream.once('close', () => {
      closed = true;
      if (closeTimer) clearTimeout(closeTimer);
      unwrap();
      data.dispose();
      const rest = held;
      held = '';
      emit(rest);
    });
    // node-pty's after-exit destroy comes without an error; one with an error, or asked for while
    // the child runs or once we have let go, goes through at once.
    stream.destroy = (...args: unknown[]) => {
      if (args[0] !== undefined || fd === undefined || alive(p.pid)) return destroy.apply(stream, args);
      deferredDestroy = args;
      return stream;
    };
  }

  // After the exit: write the mark (the terminal may be full: then again a little later).
  const writeMark = (until: number) => {
    if (fd === undefined) return;
    try {
      writeSync(fd, mark);
      marked = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || Date.now() >= until) return release();
      timer = setTimeout(() => writeMark(until), 5);
      timer.unref?.();
      return;
    }
    timer = setTimeout(release, Math.max(0, until - Date.now()));
    timer.unref?.();
  };
  const poll = (every: number) => {
    timer = setTimeout(() => {
      if (alive(p.pid)) return poll(Math.min(every * 2, opts.maxPollMs ?? 100));
      writeMark(Date.now() + (opts.capMs ?? 10_000));
    }, every);
    timer.unref?.();
  };
  poll(opts.firstPollMs ?? 2);
  p.onExit(release);

  return {
    onData(listener) {
      listeners.add(listener);
      return { dispose: () => void listeners.delete(listener) };
    },
    release,
  };
}
