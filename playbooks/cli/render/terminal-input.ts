// The operator's keyboard on a TTY, in raw mode only while it is in use: a small line editor for
// prompts (hidden echo for secrets) and a passthrough to interactive commands. Ctrl-C in either
// calls `onInterrupt` (raw mode turns it into a byte, not a signal).
import type { Disposable, Keyboard } from '../../runner/types.ts';

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };

export class TerminalInput implements Keyboard {
  private readonly input: Input;
  private readonly echo: (s: string) => void;
  private readonly onInterrupt: () => void;
  private users = 0;
  private handler: ((data: string) => void) | undefined;
  private readonly onData = (chunk: Buffer | string) => this.handler?.(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));

  constructor(input: Input, echo: (s: string) => void, onInterrupt: () => void) {
    this.input = input;
    this.echo = echo;
    this.onInterrupt = onInterrupt;
  }

  private acquire(handler: (data: string) => void): () => void {
    this.handler = handler;
    if (this.users++ === 0) {
      this.input.setRawMode?.(true);
      this.input.on('data', this.onData);
      this.input.resume();
    }
    return () => {
      if (this.handler === handler) this.handler = undefined;
      if (--this.users === 0) {
        this.input.off('data', this.onData);
        this.input.setRawMode?.(false);
        this.input.pause();
      }
    };
  }

  attach(onData: (data: string) => void): Disposable {
    const release = this.acquire((data) => {
      const i = data.indexOf('\u0003');
      if (i >= 0) {
        if (i > 0) onData(data.slice(0, i));
        this.onInterrupt();
        return;
      }
      onData(data);
    });
    return { dispose: release };
  }

  /** Reads one line. Hidden: nothing is echoed. Rejects on Ctrl-C, Ctrl-D on an empty line, or abort.
   * `prompt` is written once the terminal is in raw mode, so keys typed as soon as it shows are
   * never echoed by the terminal's own line discipline. */
  readLine(opts: { hidden: boolean; signal: AbortSignal; prompt?: string }): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let value = '';
      let release = () => {};
      const finish = (err: Error | undefined) => {
        opts.signal.removeEventListener('abort', onAbort);
        release();
        this.echo('\n');
        if (err) reject(err);
        else resolve(value);
      };
      const onAbort = () => finish(new Error('cancelled'));
      if (opts.signal.aborted) return reject(new Error('cancelled'));
      opts.signal.addEventListener('abort', onAbort, { once: true });
      release = this.acquire((data) => {
        // Drop escape sequences (arrow keys and the like).
        const text = data.replace(/\u001b\[[0-9;]*[A-Za-z~]|\u001b./g, '');
        for (const ch of text) {
          if (ch === '\r' || ch === '\n') return finish(undefined);
          if (ch === '\u0003') {
            this.onInterrupt();
            return finish(new Error('interrupted'));
          }
          if (ch === '\u0004' && value === '') return finish(new Error('end of input'));
          if (ch === '\u007f' || ch === '\b') {
            if (value) {
              value = [...value].slice(0, -1).join('');
              if (!opts.hidden) this.echo('\b \b');
            }
          } else if (ch === '\u0015') {
            if (!opts.hidden) this.echo('\b \b'.repeat([...value].length));
            value = '';
          } else if (ch >= ' ') {
            value += ch;
            if (!opts.hidden) this.echo(ch);
          }
        }
      });
      if (opts.prompt) this.echo(opts.prompt);
    });
  }
}
