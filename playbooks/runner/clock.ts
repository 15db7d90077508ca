// The real clock (tests inject their own).
import type { Clock } from './types.ts';

/** The longest delay a timer holds: past 2^31-1 ms Node fires it after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay a timer can hold: a longer (or non-finite) one is clamped, a negative one is 0. */
export function boundedDelay(ms: number): number {
  if (Number.isNaN(ms) || ms < 0) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, boundedDelay(ms));
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
