// Regular expressions of a guide (<Check regex>, <Capture regex>) run on a command's output in a
// worker thread with a deadline. A pattern that backtracks catastrophically would otherwise block
// the event loop for ever, and with it every timer (--timeout included). Validation refuses the
// known exponential shapes (model/regex-safety.ts); this bound covers the rest.
//
// Workers stay idle (unref'd) between matches, one per match in flight; a match that runs
// past its deadline terminates the worker, and the next match starts a fresh one.
import { Worker } from 'node:worker_threads';

/** How long one match may take by default. Real checks on real output take microseconds. */
export const REGEX_DEADLINE_MS = 2_000;

export type BoundedMatch = { ok: true; match: (string | undefined)[] | null } | { ok: false; timedOut: true } | { ok: false; timedOut: false; error: string };

// The worker's code (CommonJS, as eval'd workers are): run one RegExp#exec per message.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  try {
    const r = new RegExp(m.source, m.flags).exec(m.text);
    parentPort.postMessage({ match: r ? Array.from(r, (g) => (g === undefined ? null : g)) : null });
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
});
`;

/** Idle workers, ready for the next match (a match has a worker to itself, so runs in parallel
 * sessions of the ui server never wait behind each other's patterns). */
const idle: Worker[] = [];
const KEEP_IDLE = 2;

function takeWorker(): Worker {
  const w = idle.pop();
  if (w) return w;
  const fresh = new Worker(WORKER_SOURCE, { eval: true });
  fresh.unref();
  fresh.on('error', () => {});
  return fresh;
}

function giveBack(w: Worker): void {
  if (idle.length < KEEP_IDLE) idle.push(w);
  else void w.terminate();
}

/** `new RegExp(source, flags).exec(text)`, stopped after `deadlineMs`. Never throws. */
export function execBounded(source: string, flags: string, text: string, deadlineMs: number = REGEX_DEADLINE_MS): Promise<BoundedMatch> {
  return new Promise<BoundedMatch>((resolve) => {
    const w = takeWorker();
    let settled = false;
    const settle = (r: BoundedMatch, reusable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('exit', onExit);
      if (reusable) giveBack(w);
      else void w.terminate();
      resolve(r);
    };
    const onMessage = (m: { match?: (string | null)[] | null; error?: string }) => {
      if (m.error !== undefined) settle({ ok: false, timedOut: false, error: m.error }, true);
      else settle({ ok: true, match: m.match ? m.match.map((g) => (g === null ? undefined : g)) : null }, true);
    };
    const onExit = () => settle({ ok: false, timedOut: false, error: 'the matcher stopped' }, false);
    // The worker is stuck in this match: end it (the next match gets a fresh one).
    const timer = setTimeout(() => settle({ ok: false, timedOut: true }, false), deadlineMs);
    w.on('message', onMessage);
    w.on('exit', onExit);
    w.postMessage({ source, flags, text });
  });
}
