// Command output as checks and reports see it: no terminal control codes, \n line ends.
import type { Check } from '../model/step.ts';

// CSI, OSC (ended by BEL or ST), and two-character escapes.
const ANSI_RE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_RE, '');
}

/** The end of a read that may be the start of an escape sequence the next read completes. */
export const OPEN_ESCAPE_AT_END = /\u001b(?:\[[0-?]*[ -/]*|\][^\u0007\u001b]*\u001b?)?$/;
/** At most this much of an open escape sequence waits for the next read (an OSC hyperlink's address
 * fits); past it, it is taken as text. */
export const MAX_OPEN_ESCAPE = 512;

/**
 * Terminal output read by read, as plain text for a log: escape sequences removed, also one cut in
 * two by the reads (its start waits for the next read), and no ESC left over from a malformed one.
 */
export function createAnsiStripper(): (chunk: string) => string {
  let open = '';
  return (chunk) => {
    const text = open + chunk;
    const m = OPEN_ESCAPE_AT_END.exec(text)?.[0] ?? '';
    open = m.length <= MAX_OPEN_ESCAPE ? m : '';
    return stripAnsi(text.slice(0, text.length - open.length)).replace(/\u001b/g, '');
  };
}

/** Plain text of terminal output: escapes removed, CRLF and lone CR (progress bars) resolved. */
export function cleanOutput(text: string): string {
  return stripAnsi(text)
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => (line.includes('\r') ? line.slice(line.lastIndexOf('\r') + 1) : line))
    .join('\n');
}

/** Keeps the last `max` characters, cut at a line start when one is near. */
export function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(text.length - max);
  const nl = cut.indexOf('\n');
  return nl >= 0 && nl < 200 ? cut.slice(nl + 1) : cut;
}

/**
 * What came back, for a failure's "got: …": one line, control characters removed, at most `max`
 * characters. Give it masked text: cutting first could split a secret the masker then misses.
 */
export function shortOutput(text: string, max = 80): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (line === '') return 'no output';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export interface CheckOutcome {
  ok: boolean;
  /** Why it failed, in words. */
  message?: string;
}

/** Evaluates one check against a command's exit code and clean output. Texts are already resolved.
 * Regex checks are not evaluated here: a guide's pattern runs bounded in a worker (regex-match.ts). */
export function evaluateCheck(check: Exclude<Check, { type: 'regex' }>, exitCode: number | undefined, output: string): CheckOutcome {
  switch (check.type) {
    case 'exitCode':
      return exitCode === check.equals ? { ok: true } : { ok: false, message: `exit code ${exitCode ?? 'none'}, expected ${check.equals}` };
    case 'contains':
      return output.includes(check.text) ? { ok: true } : { ok: false, message: `output does not contain ${JSON.stringify(check.text)}` };
    case 'notContains':
      return !output.includes(check.text) ? { ok: true } : { ok: false, message: `output contains ${JSON.stringify(check.text)}` };
  }
}
