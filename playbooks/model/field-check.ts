// Field values: validation and env var names, without zod, so browser code can import it cheaply.
// Browser-safe: no Node imports, no zod.
import type { FieldType } from './field-types.ts';

/** What checkFieldValue needs to know about a field (a subset of the zod-parsed Field). */
export interface CheckableField {
  type: FieldType;
  label: string;
  pattern?: string | undefined;
  patternHint?: string | undefined;
  options?: string[] | undefined;
  /** Lets a text or secret value hold line breaks (LF; CRLF is read as LF). Nothing else allows control characters. */
  multiline?: boolean | undefined;
}

/**
 * Largest value, in UTF-8 bytes. Values reach commands as environment variables, and Linux
 * refuses a single `NAME=value` string over 128 KiB (execve fails with E2BIG, "Argument list too
 * long"); 32 KiB leaves room for several long values (certificates, keys) in one command.
 */
export const MAX_VALUE_BYTES = 32 * 1024;

/**
 * C0 controls, DEL, C1 controls and the bidirectional-text controls (LRM/RLM, embeddings,
 * overrides, isolates): what a terminal or a shell may read as something else than text, or what
 * makes text display in another order than it runs.
 */
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Characters that show as nothing (zero-width space, non-joiner and joiner, word joiner and the
 * invisible operators, BOM, soft hyphen, Mongolian vowel separator): in a value shown for copying,
 * the command pasted would differ from the command read.
 */
export const INVISIBLE_CHARS = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/;

/**
 * The rules of a value that is not secret (a field's, or a captured one), which commands shown to
 * the reader hold: no invisible character (secrets are never shown, so only they may hold what
 * cannot be seen), and with `optionLike`, no "-" at the start: where a value begins a command's
 * argument (`setsid {{registryBin}}`) it would be read as an option. Returns the problem.
 */
export function shownValueProblem(value: string, opts: { optionLike: boolean }): string | undefined {
  const invisible = INVISIBLE_CHARS.exec(value);
  if (invisible) return `no invisible characters, got ${describeControl(invisible[0])} at character ${invisible.index + 1}`;
  if (opts.optionLike && value.startsWith('-')) return 'a value that does not start with "-" (a command would read it as an option)';
  return undefined;
}

/** Describes a control character for a message: `NUL`, `U+001B (escape)`. */
function describeControl(c: string): string {
  const code = c.codePointAt(0)!;
  const names: Record<number, string> = { 0: 'NUL', 9: 'tab', 10: 'line break', 13: 'carriage return', 27: 'escape', 127: 'DEL', 0x202e: 'right-to-left override' };
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${names[code] ? ` (${names[code]})` : ''}`;
}

/**
 * The rules every value obeys whatever its field type: a size limit and no control characters
 * (NUL, escape sequences, carriage returns, tabs), except line breaks where `multiline` allows
 * them. Also used for values a step captures. Returns the problem, or undefined.
 */
export function valueTextProblem(value: string, opts: { multiline?: boolean | undefined } = {}): string | undefined {
  const bytes = utf8Length(value);
  if (bytes > MAX_VALUE_BYTES) return `a value of at most ${MAX_VALUE_BYTES / 1024} KiB, got ${bytes > 10240 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`}`;
  const m = (opts.multiline ? /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/ : CONTROL_CHARS).exec(value);
  if (m) return `no control characters${opts.multiline ? ' other than line breaks' : ''}, got ${describeControl(m[0])} at character ${m.index + 1}`;
  return undefined;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export function envVarFor(id: string): string {
  return 'CGR_' + id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export function regexError(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

export type FieldCheck = { ok: true; value: string } | { ok: false; message: string };

const HOST_LABEL = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)';
const HOST_RE = new RegExp(`^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:]+\\])(?::(\\d{1,5}))?$`);

/** Validates and normalises one value for a field. Messages say what was expected. */
export function checkFieldValue(field: CheckableField, raw: string): FieldCheck {
  const multiline = field.multiline === true && (field.type === 'text' || field.type === 'secret');
  const text = multiline ? raw.replace(/\r\n/g, '\n') : raw; // CRLF is read as LF
  const value = field.type === 'secret' ? text : text.trim();
  const expected = (what: string): FieldCheck => ({ ok: false, message: `expected ${what}, got ${field.type === 'secret' ? 'a value that does not match' : JSON.stringify(value)}` });
  if (value === '') return { ok: false, message: 'a value is required' };
  // Checked before anything quotes the value back: the message never echoes a huge or control-laden value.
  const problem = valueTextProblem(value, { multiline });
  if (problem) return { ok: false, message: `expected ${problem}` };
  const shown = field.type === 'secret' ? undefined : shownValueProblem(value, { optionLike: field.type === 'text' && !multiline });
  if (shown) return { ok: false, message: `expected ${shown}` };
  switch (field.type) {
    case 'url': {
      let u: URL;
      try {
        u = new URL(value);
      } catch {
        return expected('a URL such as https://nexus.example.com');
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return expected('an http:// or https:// URL');
      if (u.username || u.password) return expected('a URL without credentials in it (credentials go in their own fields)');
      break;
    }
    case 'host': {
      const m = HOST_RE.exec(value);
      if (!m) return expected('a host name with an optional port, such as registry.example.com:5051 (no scheme, no path)');
      if (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 65535)) return expected('a port between 1 and 65535');
      break;
    }
    case 'port': {
      if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) return expected('a port number between 1 and 65535');
      break;
    }
    case 'enum': {
      if (!field.options?.includes(value)) return expected(`one of ${field.options?.join(', ')}`);
      break;
    }
    case 'boolean': {
      const v = value.toLowerCase();
      if (['true', 'yes', 'y', '1', 'on'].includes(v)) return { ok: true, value: 'true' };
      if (['false', 'no', 'n', '0', 'off'].includes(v)) return { ok: true, value: 'false' };
      return expected('true or false');
    }
    case 'text':
    case 'secret':
      break;
  }
  if (field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`).test(value)) {
    return expected(field.patternHint ?? `a value matching /${field.pattern}/`);
  }
  return { ok: true, value };
}
