// Output flow control: bytes in flight to the page (acknowledged by the page once written to its
// terminal) and characters queued in the server's headless screen. Over the high watermark the
// ptys are paused (the kernel then blocks the writer); under the low one they resume.
export const FLOW = {
  /** Pause the ptys when this many output bytes are unacknowledged. */
  high: 512 * 1024,
  /** Resume when back under this. */
  low: 128 * 1024,
  /** The page acknowledges after writing this many bytes. */
  ackEvery: 32 * 1024,
  /** Output is batched for at most this long before a frame is sent. */
  batchMs: 4,
  /** A batch is sent at once when it reaches this size. */
  batchMax: 128 * 1024,
} as const;

export class FlowGate {
  unacked = 0;
  queued = 0;
  paused = false;
  readonly #onPause: () => void;
  readonly #onResume: () => void;
  readonly #high: number;
  readonly #low: number;
  constructor(onPause: () => void, onResume: () => void, high: number = FLOW.high, low: number = FLOW.low) {
    this.#onPause = onPause;
    this.#onResume = onResume;
    this.#high = high;
    this.#low = low;
  }
  sent(bytes: number): void {
    this.unacked += bytes;
    this.#check();
  }
  acked(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    this.#check();
  }
  enqueued(n: number): void {
    this.queued += n;
    this.#check();
  }
  dequeued(n: number): void {
    this.queued = Math.max(0, this.queued - n);
    this.#check();
  }
  /** No page attached: nothing is in flight. */
  reset(): void {
    this.unacked = 0;
    this.#check();
  }
  #check(): void {
    if (!this.paused && (this.unacked > this.#high || this.queued > this.#high)) {
      this.paused = true;
      this.#onPause();
    } else if (this.paused && this.unacked < this.#low && this.queued < this.#low) {
      this.paused = false;
      this.#onResume();
    }
  }
}
