// Masks secrets in text: the raw value, its base64 (also inside a longer base64 string such as
// docker's "user:token" auth), URL-encoded, JSON-escaped and hex forms, and each line of a
// multi-line secret. The streaming masker also catches a secret
// split across two chunks by holding back a tail that could be the start of one.
// Browser-safe: no Node imports (the page's terminal uses it too).

export const MASK = '********';

/** Characters a base64 encoder emits for `bytes` (standard alphabet, with padding). */
function base64(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Lines of a multi-line secret shorter than this are not masked on their own (they would mask ordinary text). */
export const MIN_LINE_LENGTH = 4;

/** The text between the quotes of a JSON string holding `s`; with `ascii`, non-ASCII as \\uXXXX (Python's json.dumps). */
function jsonEscaped(s: string, ascii = false): string {
  const inner = JSON.stringify(s).slice(1, -1);
  return ascii ? inner.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : inner;
}

/**
 * Every form of `secret` worth masking: raw, base64 (whole, and at each of the three byte
 * alignments inside a longer encoded string: only the characters that depend on the secret alone
 * are kept, so "dXNlcjp0b2tlbg==" (user:token) still has its token part masked), URL-encoded,
 * JSON-escaped (also twice, and ASCII-only), XML/HTML-escaped, hex; a multi-line secret also with CRLF line ends
 * (as a terminal prints it), and each of its lines with all of their forms.
 */
export function secretForms(secret: string): string[] {
  if (secret === '') return [];
  const forms = new Set<string>();
  const lines = secret.split(/\r?\n/);
  if (lines.length > 1) {
    forms.add(secret.replace(/\r?\n/g, '\r\n'));
    for (const line of lines) if (line.length >= MIN_LINE_LENGTH) for (const f of singleForms(line)) forms.add(f);
  }
  for (const f of singleForms(secret)) forms.add(f);
  return [...forms].filter((f) => f.length > 0);
}

function singleForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length >= 6) {
    forms.add(base64(bytes));
    for (let pad = 0; pad < 3; pad++) {
      const padded = new Uint8Array(pad + bytes.length);
      padded.set(bytes, pad);
      const enc = base64(padded).replace(/=+$/, '');
      // Leading characters mix in the padding bytes; trailing ones depend on what follows.
      const first = Math.ceil((pad * 8) / 6);
      const last = Math.floor(((pad + bytes.length) * 8) / 6);
      const core = enc.slice(first, last);
      if (core.length >= 6) {
        forms.add(core);
        forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
      }
    }
  }
  const uri = encodeURIComponent(secret);
  forms.add(uri);
  forms.add(uri.replace(/%20/g, '+'));
  forms.add(uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())); // lower-case hex escapes
  const json = jsonEscaped(secret);
  forms.add(json);
  forms.add(json.replace(/\//g, '\\/')); // encoders that escape "/" too
  forms.add(jsonEscaped(secret, true));
  forms.add(jsonEscaped(json)); // JSON text inside a JSON string (a report of a JSON output)
  // XML and HTML text (JUnit reports, the page): what xmlEscape and HTML escaping write.
  const xml = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  forms.add(xml);
  forms.add(xml.replace(/'/g, '&#39;'));
  if (bytes.length >= 3) {
    let hex = '';
    for (const b of bytes) hex += b.toString(16).padStart(2, '0');
    forms.add(hex);
    forms.add(hex.toUpperCase());
  }
  return [...forms];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Escape sequences a terminal swallows without showing anything: CSI (colours, erase, cursor)
 * and two-character escapes. `grep --color=always` puts them inside a line, so inside a secret. */
const ESC_SEQ = '(?:\\u001b\\[[0-?]*[ -/]*[@-~]|\\u001b[@-Z\\\\-_])';
const ESC_SEQ_RE = new RegExp(ESC_SEQ, 'g');
/** The start of an escape sequence cut off by the end of a chunk. */
const ESC_PARTIAL_RE = /\u001b(?:\[[0-?]*[ -/]*)?$/;

/** A pattern matching `form` also with escape sequences between its characters: the terminal (and a
 * CI log, which strips them) shows the secret whole, so it is masked whole, the sequences with it. */
function seeThrough(form: string): string {
  return [...form].map(escapeRegExp).join(`${ESC_SEQ}*`);
}

export interface StreamMasker {
  /** Masks a chunk; may hold back a tail that could be the start of a secret. */
  write(chunk: string): string;
  /** Everything held back, masked. Call at the end of the stream. */
  flush(): string;
}

export interface Masker {
  /** Adds a secret (ignored when empty or already known). */
  add(secret: string | undefined): void;
  /** Masks a whole text. */
  mask(text: string): string;
  /** A masker for one output stream (one per command). Secrets added later apply to it too. */
  stream(): StreamMasker;
  /** Number of distinct secrets known. */
  readonly size: number;
}

export function createMasker(secrets: Iterable<string | undefined> = [], replacement = MASK): Masker {
  const known = new Set<string>();
  let patterns: string[] = [];
  let re: RegExp | undefined;

  const rebuild = () => {
    const all = new Set<string>();
    for (const s of known) for (const f of secretForms(s)) all.add(f);
    patterns = [...all].sort((a, b) => b.length - a.length);
    re = patterns.length ? new RegExp(patterns.map(seeThrough).join('|'), 'g') : undefined;
    byFirst = new Map();
    for (const p of patterns) {
      const same = byFirst.get(p[0]!);
      if (same) same.push(p);
      else byFirst.set(p[0]!, [p]);
    }
    longest = patterns[0]?.length ?? 0;
  };

  const mask = (text: string): string => (re && text ? text.replace(re, replacement) : text);

  /** Patterns by their first character: the hold-back only tries those that can start at a position. */
  let byFirst = new Map<string, string[]>();
  let longest = 0;

  /** Start of the longest tail of `text` (after `from`) that is a proper prefix of some pattern,
   * escape sequences inside it (and one cut off at the end) not counted. */
  const holdFrom = (text: string, from: number): number => {
    if (!patterns.length) return text.length;
    // Escape sequences make a secret's text longer than the secret: look a little further back.
    const start = Math.max(from, text.length - 2 * longest - 256);
    // Most chunks hold no escape sequence: then no tail needs them stripped (once per chunk, not per position).
    const plain = !text.includes('\u001b', start);
    for (let i = start; i < text.length; i++) {
      const candidates = byFirst.get(text[i]!);
      if (!candidates) continue;
      const tail = plain ? text.slice(i) : text.slice(i).replace(ESC_SEQ_RE, '').replace(ESC_PARTIAL_RE, '');
      for (const p of candidates) if (p.length > tail.length && p.startsWith(tail)) return i;
    }
    return text.length;
  };

  const masker: Masker = {
    add(secret) {
      if (secret === undefined || secret === '' || known.has(secret)) return;
      known.add(secret);
      rebuild();
    },
    mask,
    stream() {
      let held = '';
      return {
        write(chunk) {
          const text = held + chunk;
          if (!re) {
            held = '';
            return text;
          }
          // Mask whole matches, then hold back a tail after the last match that may continue.
          let out = '';
          let last = 0;
          re.lastIndex = 0;
          for (let m = re.exec(text); m; m = re.exec(text)) {
            out += text.slice(last, m.index) + replacement;
            last = m.index + m[0].length;
          }
          const cut = holdFrom(text, last);
          out += text.slice(last, cut);
          held = text.slice(cut);
          return out;
        },
        flush() {
          const out = mask(held);
          held = '';
          return out;
        },
      };
    },
    get size() {
      return known.size;
    },
  };
  for (const s of secrets) masker.add(s);
  return masker;
}
