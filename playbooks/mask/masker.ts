// Masks secrets in text: the raw value, its base64 (also inside a longer base64 string such as
// docker's "user:token" auth), URL-encoded, JSON-escaped and hex forms, and each line of a
// multi-line secret. The streaming masker also catches a secret split across chunks: it holds
// back a tail that could be the start of one, and a flush lets that tail out masked and
// remembers it, so the rest of the secret is masked when it comes, even after a pause.
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

/**
 * A flush (output paused) lets a held start of a secret out as the mask, and the stream masks the
 * rest when it comes; a start shorter than this (and at most a quarter of the form it starts) is
 * let out as it is: 1-3 characters are ordinary text as often as not (a shell echoes typing one
 * character at a time) and tell little of a secret. The stream still masks the rest after them.
 */
const MIN_MASKED_START = 4;

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
/** `text` as a terminal shows it: escape sequences, and one cut off at its end, left out. */
function withoutEscapes(text: string): string {
  return text.replace(ESC_SEQ_RE, '').replace(ESC_PARTIAL_RE, '');
}
/** An escape sequence at a given position (sticky). */
const ESC_AT_RE = new RegExp(ESC_SEQ, 'y');

/** Where `text` from `i` stops following `form` (escape sequences in it skipped): `text.length`
 * when all of it follows (a start of `form` that may go on, or `form` ending there). */
function followEnd(text: string, i: number, form: string): number {
  let j = i;
  for (let k = 0; j < text.length && k < form.length; ) {
    if (text.charCodeAt(j) === 27) {
      ESC_AT_RE.lastIndex = j;
      const esc = ESC_AT_RE.exec(text);
      if (esc) {
        j += esc[0].length;
        continue;
      }
      if (ESC_PARTIAL_RE.test(text.slice(j))) return text.length;
    }
    if (text[j] !== form[k]) break;
    j++;
    k++;
  }
  return j;
}

/** A pattern matching `form` also with escape sequences between its characters: the terminal (and a
 * CI log, which strips them) shows the secret whole, so it is masked whole, the sequences with it. */
function seeThrough(form: string): string {
  return [...form].map(escapeRegExp).join(`${ESC_SEQ}*`);
}

export interface StreamMasker {
  /** Masks a chunk; may hold back a tail that could be the start of a secret. */
  write(chunk: string): string;
  /**
   * Lets out everything held back (at the end of the stream, or when output pauses): a held start
   * of a secret as the mask (a start of 1-3 characters as it is, see MIN_MASKED_START). The
   * stream can go on: when the rest of that secret follows, it is masked too, however many
   * flushes split it.
   */
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
    version++;
  };

  const mask = (text: string): string => (re && text ? text.replace(re, replacement) : text);

  /** Patterns by their first character: the hold-back only tries those that can start at a position. */
  let byFirst = new Map<string, string[]>();
  let longest = 0;
  /** Changes with every secret added: a stream's held text is checked again after one. */
  let version = 0;

  /** Whether `text` from `i` (escape sequences inside it, and one cut off at its end, not
   * counted) is a proper prefix of some pattern: the start of a secret that may go on. */
  const startsForm = (text: string, i: number, plain: boolean): boolean => {
    const candidates = byFirst.get(text[i]!);
    if (!candidates) return false;
    const tail = plain ? text.slice(i) : withoutEscapes(text.slice(i));
    for (const p of candidates) if (p.length > tail.length && p.startsWith(tail)) return true;
    return false;
  };

  /** Escape sequences make a secret's text longer than the secret: how far back a start is looked for. */
  const reach = () => 2 * longest + 256;

  /** Start of the longest tail of `text` (after `from`) that is a proper prefix of some pattern. */
  const holdFrom = (text: string, from: number): number => {
    if (!patterns.length) return text.length;
    const start = Math.max(from, text.length - reach());
    // Most chunks hold no escape sequence: then no tail needs them stripped (once per chunk, not per position).
    const plain = !text.includes('\u001b', start);
    for (let i = start; i < text.length; i++) if (startsForm(text, i, plain)) return i;
    return text.length;
  };

  /** Whether a held start of a secret form may be let out as it is (see MIN_MASKED_START): every
   * tail of it that starts a form is shorter than that and at most a quarter of the form. */
  const mayShow = (start: string): boolean => {
    const text = start.includes('\u001b') ? withoutEscapes(start) : start;
    if (text.length >= MIN_MASKED_START) return false;
    for (let i = 0; i < text.length; i++) {
      const tail = text.slice(i);
      for (const p of byFirst.get(tail[0]!) ?? []) if (p.startsWith(tail) && tail.length * 4 > p.length) return false;
    }
    return true;
  };

  const masker: Masker = {
    add(secret) {
      if (secret === undefined || secret === '' || known.has(secret)) return;
      known.add(secret);
      rebuild();
    },
    mask,
    stream() {
      /** Text already let out (by a flush) that may be the start of a secret, raw or (from
       * `maskedFrom` on) as the mask; kept so that the rest of that secret is masked when it comes. */
      let shown = '';
      let maskedFrom = 0;
      /** A tail that may be the start of a secret, not let out yet (as of secrets `heldAt`). */
      let held = '';
      let heldAt = version;
      const stream: StreamMasker = {
        write(chunk) {
          if (!re) {
            const text = held + chunk;
            shown = held = '';
            return text;
          }
          const text = shown + held + chunk;
          const seen = shown.length;
          heldAt = version;
          if (maskedFrom < seen) {
            // A start already shown as the mask: it covers all that goes on following a form from
            // there, the rest of the secret or of a start that then breaks off (a form that
            // overlaps its end too).
            let end = seen;
            for (let i = 0; i < seen; i++) for (const p of byFirst.get(text[i]!) ?? []) end = Math.max(end, followEnd(text, i, p));
            // Still following (escape sequences alone never make it longer than a secret's reach).
            if (end === text.length && text.length <= reach()) {
              held = text.slice(seen);
              return '';
            }
            re.lastIndex = 0;
            for (let m = re.exec(text); m && m.index < end; m = re.exec(text)) end = Math.max(end, m.index + m[0].length);
            shown = held = '';
            maskedFrom = 0;
            return stream.write(text.slice(end));
          }
          // Text before `seen` was shown as it is (a start of 1-3 characters): a secret that
          // started there is masked from `seen` on.
          const after = (from: number, to: number) => (to > seen ? text.slice(Math.max(from, seen), to) : '');
          let out = '';
          let last = 0;
          let cut = -1;
          re.lastIndex = 0;
          for (let m = re.exec(text); m; m = re.exec(text)) {
            const end = m.index + m[0].length;
            // A form that, with all that follows it, is the start of a longer one (base64 whole
            // starts with its unpadded core): hold it, the rest may come.
            if (text.length - m.index <= reach() && startsForm(text, m.index, !text.includes('\u001b', m.index))) {
              cut = m.index;
              break;
            }
            out += after(last, m.index);
            if (end > seen) out += replacement;
            last = end;
          }
          if (cut < 0) cut = holdFrom(text, last);
          out += after(last, cut);
          shown = cut < seen ? text.slice(cut, seen) : '';
          maskedFrom = shown.length;
          held = text.slice(Math.max(cut, seen));
          return out;
        },
        flush() {
          if (!held) return '';
          const text = held;
          held = '';
          if (!re) return text;
          const start = shown + text;
          if (maskedFrom < shown.length) {
            // It follows a start already shown as the mask: that mask stands for it too.
            shown = start;
            return '';
          }
          if (heldAt !== version && holdFrom(start, 0) !== 0) {
            // No longer the start of a form (secrets added since): mask it as text, forget it.
            shown = '';
            maskedFrom = 0;
            return mask(text);
          }
          // Let the held start of a secret out as the mask unless it is short enough to show
          // (`mayShow`); remember it, so that what follows it is masked.
          if (mayShow(start)) {
            // An escape sequence cut off at the end stays held: half of one, then the mask, would
            // make the terminal read the mask as the rest of it.
            const partial = ESC_PARTIAL_RE.exec(text)?.[0] ?? '';
            const out = text.slice(0, text.length - partial.length);
            shown += out;
            maskedFrom = shown.length;
            held = partial;
            return out;
          }
          maskedFrom = shown.length;
          shown = start;
          return replacement;
        },
      };
      return stream;
    },
    get size() {
      return known.size;
    },
  };
  for (const s of secrets) masker.add(s);
  return masker;
}
