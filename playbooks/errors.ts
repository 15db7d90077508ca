// Errors that reach users carry a stable code, a one-line message and a hint saying what to do.
export class PlaybookError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  /** Exit code when this error ends a CLI command (2: usage or configuration). */
  readonly exitCode: number;
  constructor(code: string, message: string, opts: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PlaybookError';
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? 2;
  }
}
