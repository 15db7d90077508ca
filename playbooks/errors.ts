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

/**
 * Text a server sent (a registry's or a product's error message) as a diagnosis may quote it: one
 * line (line breaks and every other control character, escape sequences included, become a space),
 * at most `max` characters. It reaches terminals, CI logs, reports and the page, where it must not
 * draw, start a line of its own (a GitHub workflow command) or run on for megabytes.
 */
export function serverText(text: string, max = 200): string {
  const one = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
