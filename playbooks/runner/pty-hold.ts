// Reading a command's terminal to its last byte. Two things cut the tail of what a command printed
// just before it exited, both only when this process is slow to read (a loaded machine, a busy
// event loop; CI saw it on a step printing 200 KB, and a test reproduces it by reading slowly):
// - the hang-up: once the last holder of the terminal's other end (the slave side) closes it, the
//   master soon answers end-of-file, and what had not been read by then is gone;
// - node-pty itself: 200 ms after the child exits it destroys the terminal's read stream, read or
//   not, "because sometimes the socket never gets closed" (node-pty lib/unixTerminal.js,
//   DESTROY_SOCKET_TIMEOUT_MS).
// So this process holds the slave open itself, and lets go only once the child is gone AND the
// output has stopped arriving (two looks in a row found nothing new, the reader not holding the
// stream paused); node-pty's destroy is deferred until then.

import { closeSync, constants, openSync } from 'node:fs';

/** What is used of a node-pty terminal. `_pty` (the slave's path) and `_socket` (its read stream)
 * are private to node-pty, so both are checked at run time and the hold is skipped without them. */
export interface HeldTerminal {
  readonly pid: number;
  readonly _pty?: unknown;
  readonly _socket?: unknown;
  onData(listener: (data: string) => void): { dispose(): void };
}

export interface HoldOptions {
  /** The first look whether the child is gone, after this many ms, doubling up to `maxPollMs`: 2. */
  firstPollMs?: number;
  /** 100. */
  maxPollMs?: number;
  /** Between two looks whether more output arrived once the child is gone: 25 ms. */
  quietMs?: number;
  /** Output still arriving (a background process kept the terminal and keeps writing) or held
   * paused this long after the child is gone: let go anyway. 10 s. */
  capMs?: number;
  /** After letting go, the hang-up normally ends the stream; if it has not within this time,
   * node-pty's deferred destroy is done: 200 ms (node-pty's own wait). */
  closeAfterMs?: number;
}

interface ReadStreamLike {
  destroy: (...args: unknown[]) => unknown;
  once(event: 'close', listener: () => void): unknown;
  isPaused?: () => boolean;
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

/**
 * Holds the terminal's slave side open until the child has exited and its output has been read
 * (see the top of this file); returns the function that lets go at once (for a stop or kill).
 * Costs a poll of the child's pid (every 2 ms at first, backing off to 100 ms) and, after the exit,
 * about two `quietMs` looks. Each look is a timer followed by setImmediate, so the event loop's poll
 * phase, which reads what is ready, runs in between.
 */
export function holdUntilRead(p: HeldTerminal, opts: HoldOptions = {}): () => void {
  const slave = typeof p._pty === 'string' ? p._pty : undefined;
  if (!slave) return () => {};
  let fd: number | undefined;
  try {
    fd = openSync(slave, constants.O_RDWR | constants.O_NOCTTY);
  } catch {
    return () => {};
  }
  const quietMs = opts.quietMs ?? 25;
  const stream = readStreamOf(p);
  const destroy = stream?.destroy;
  let deferredDestroy: unknown[] | undefined;
  let closed = false;
  let arrived = 0;
  const data = p.onData(() => {
    arrived++;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closeTimer: ReturnType<typeof setTimeout> | undefined;

  const unwrap = () => {
    if (stream && destroy && stream.destroy !== destroy) stream.destroy = destroy;
  };
  const release = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    data.dispose();
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

  if (stream && destroy) {
    stream.once('close', () => {
      closed = true;
      if (closeTimer) clearTimeout(closeTimer);
      unwrap();
    });
    // node-pty's after-exit destroy comes without an error; one with an error, or asked for while
    // the child runs or once we have let go, goes through at once.
    stream.destroy = (...args: unknown[]) => {
      if (args[0] !== undefined || fd === undefined || alive(p.pid)) return destroy.apply(stream, args);
      deferredDestroy = args;
      return stream;
    };
  }

  // After the exit: let go once two looks in a row found no new output and the stream not paused.
  const drain = (until: number, quietLooks: number, seen: number) => {
    timer = setTimeout(() => {
      setImmediate(() => {
        if (fd === undefined) return;
        const quiet = arrived === seen && stream?.isPaused?.() !== true;
        const looks = quiet ? quietLooks + 1 : 0;
        if (looks >= 2 || Date.now() >= until) return release();
        drain(until, looks, arrived);
      });
    }, quietMs);
    timer.unref?.();
  };
  const poll = (every: number) => {
    timer = setTimeout(() => {
      if (alive(p.pid)) return poll(Math.min(every * 2, opts.maxPollMs ?? 100));
      drain(Date.now() + (opts.capMs ?? 10_000), 0, arrived);
    }, every);
    timer.unref?.();
  };
  poll(opts.firstPollMs ?? 2);
  return release;
}
