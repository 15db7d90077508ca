// A static check for regular expressions whose matching time can grow exponentially with the
// length of the text (catastrophic backtracking), such as `(a+)+$` or `(\w+\s?)+$`: a guide's
// <Check regex>, <Capture regex> or field pattern must not be able to hang the runner or the page.
//
// The rule, for every repeated group (a group with a quantifier that allows more than one match):
//  1. an alternative of the group that itself holds something of variable length (a+, b?, x{1,3},
//     a nested group that varies) must also hold a character that is always there and that none of
//     the varying parts can match (the `.` of `(\d{1,3}\.)+`): otherwise the same text splits into
//     iterations in exponentially many ways;
//  2. two alternatives of the group must not be able to start with the same character
//     (`(a|ab)+`, `(\w|\d)+`).
// It is conservative (a few safe patterns such as `(a+b+)+` are refused: write them another way).
// Slow but polynomial patterns (`.*.*=`) are left to the runner's time limit on matching.
// Browser-safe: no dependencies.

type CharSet = Uint8Array; // one flag per character of the sample alphabet

type Atom =
  | { kind: 'char'; set: CharSet }
  | { kind: 'group'; alts: Term[][]; lookaround: boolean }
  | { kind: 'assert' }
  | { kind: 'backref' };

interface Term {
  atom: Atom;
  min: number;
  max: number;
  /** The term as written, for messages. */
  src: string;
}

export const SLOW_REGEX_HINT =
  'a repetition inside a repetition (such as (a+)+ or (\\w+\\s?)+) makes matching try every way of splitting the text; repeat one thing (a+, [\\w\\s]+), or put a character only the outer repetition matches between the parts, as in (\\d+\\.)+';

/** Why `source` can take exponential time to match, or undefined. `source` must be a valid RegExp. */
export function regexSlowness(source: string): string | undefined {
  let alts: Term[][];
  try {
    const sample = sampleAlphabet(source);
    alts = new Parser(source, sample).parseAlternatives();
  } catch {
    return undefined; // not a pattern this reader understands: the run-time limit still applies
  }
  return checkAlternatives(alts);
}

function sampleAlphabet(source: string): string[] {
  const chars = new Set<string>();
  for (let c = 0; c < 128; c++) chars.add(String.fromCharCode(c));
  for (const c of ['\u00a0', '\u00e9', '\u00df', '\u2028', '\u4e2d']) chars.add(c);
  for (const c of source) if (c.length === 1) chars.add(c);
  return [...chars];
}

class Parser {
  i = 0;
  readonly s: string;
  readonly sample: string[];
  readonly cache = new Map<string, CharSet>();

  constructor(s: string, sample: string[]) {
    this.s = s;
    this.sample = sample;
  }

  parseAlternatives(): Term[][] {
    const alts: Term[][] = [[]];
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === ')') break;
      if (c === '|') {
        this.i++;
        alts.push([]);
        continue;
      }
      const start = this.i;
      const atom = this.parseAtom();
      const q = this.parseQuantifier();
      alts[alts.length - 1]!.push({ atom, min: q?.min ?? 1, max: q?.max ?? 1, src: this.s.slice(start, this.i) });
    }
    return alts;
  }

  parseAtom(): Atom {
    const s = this.s;
    const c = s[this.i]!;
    if (c === '(') {
      this.i++;
      let lookaround = false;
      const rest = s.slice(this.i);
      const look = /^\?<?[=!]/.exec(rest);
      if (look) {
        lookaround = true;
        this.i += look[0].length;
      } else if (rest.startsWith('?')) {
        const named = /^\?<[^>]*>/.exec(rest) ?? /^\?[A-Za-z-]*:/.exec(rest);
        this.i += named ? named[0].length : 1;
      }
      const alts = this.parseAlternatives();
      if (s[this.i] === ')') this.i++;
      return { kind: 'group', alts, lookaround };
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { kind: 'assert' };
    }
    if (c === '[') {
      const start = this.i++;
      if (s[this.i] === '^') this.i++;
      while (this.i < s.length && s[this.i] !== ']') this.i += s[this.i] === '\\' ? 2 : 1;
      this.i++;
      return { kind: 'char', set: this.charSet(s.slice(start, this.i)) };
    }
    if (c === '\\') {
      const rest = s.slice(this.i);
      if (/^\\[bB]/.test(rest)) {
        this.i += 2;
        return { kind: 'assert' };
      }
      const ref = /^\\(?:[1-9]\d*|k<[^>]*>)/.exec(rest);
      if (ref) {
        this.i += ref[0].length;
        return { kind: 'backref' };
      }
      const esc = /^\\(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|[0-7]{1,3}|[pP]\{[^}]*\}|[\s\S])/.exec(rest);
      const text = esc ? esc[0] : '\\';
      this.i += text.length;
      return { kind: 'char', set: this.charSet(text) };
    }
    this.i++;
    return { kind: 'char', set: this.charSet(c === '.' ? '.' : c.replace(/[{}\]]/, '\\$&')) };
  }

  parseQuantifier(): { min: number; max: number } | undefined {
    const m = /^(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})\??/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[0].length;
    if (m[1] === '*') return { min: 0, max: Infinity };
    if (m[1] === '+') return { min: 1, max: Infinity };
    if (m[1] === '?') return { min: 0, max: 1 };
    const min = Number(m[2]);
    return { min, max: m[3] ? (m[4] ? Number(m[4]) : Infinity) : min };
  }

  /** Which sample characters the one-character pattern `src` matches (all of them when unsure). */
  charSet(src: string): CharSet {
    let set = this.cache.get(src);
    if (set) return set;
    set = new Uint8Array(this.sample.length);
    let re: RegExp | undefined;
    try {
      re = new RegExp(`^(?:${src})$`);
    } catch {
      re = undefined;
    }
    this.sample.forEach((ch, k) => (set![k] = re === undefined || re.test(ch) ? 1 : 0));
    this.cache.set(src, set);
    return set;
  }
}

const union = (a: CharSet | undefined, b: CharSet): CharSet => {
  if (!a) return b.slice();
  for (let k = 0; k < a.length; k++) a[k] = a[k]! | b[k]!;
  return a;
};
const overlaps = (a: CharSet, b: CharSet): boolean => a.some((v, k) => v === 1 && b[k] === 1);
const FULL = Symbol('every character');

/** Every character the term can consume (FULL for a back-reference: it can repeat anything). */
function charsOf(t: Term, size: number): CharSet | typeof FULL {
  const a = t.atom;
  if (a.kind === 'char') return a.set;
  if (a.kind === 'backref') return FULL;
  const out = new Uint8Array(size);
  if (a.kind === 'assert' || a.lookaround) return out;
  for (const alt of a.alts)
    for (const x of alt) {
      const c = charsOf(x, size);
      if (c === FULL) return FULL;
      union(out, c);
    }
  return out;
}

/** The term can match texts of different lengths, or one text in more than one way. */
function varies(t: Term): boolean {
  const a = t.atom;
  if (a.kind === 'backref') return true;
  if (a.kind === 'assert' || (a.kind === 'group' && a.lookaround)) return false;
  if (t.max !== t.min) return true;
  if (a.kind !== 'group') return false;
  if (a.alts.some((alt) => alt.some(varies))) return true;
  if (a.alts.length < 2) return false;
  // Alternatives of one fixed length that cannot start alike (`(a|b)`, `(GET|PUT)`) match one way.
  const lengths = new Set(a.alts.map(fixedLength));
  if (lengths.size > 1) return true;
  const size = sizeOf(a.alts);
  if (size === undefined) return false;
  const firsts = a.alts.map((alt) => firstChars(alt, size));
  return firsts.some((f, x) => f.set === FULL || f.empty || firsts.some((g, y) => y > x && (g.set === FULL || overlaps(f.set as CharSet, g.set))));
}

/** Length of what an alternative with no varying part matches. */
function fixedLength(alt: Term[]): number {
  let n = 0;
  for (const t of alt) {
    const a = t.atom;
    if (a.kind === 'char') n += t.min;
    else if (a.kind === 'group' && !a.lookaround) n += t.min * (a.alts[0] ? fixedLength(a.alts[0]) : 0);
  }
  return n;
}

/** Characters that can start a match of the alternative, and whether it can match nothing. */
function firstChars(alt: Term[], size: number): { set: CharSet | typeof FULL; empty: boolean } {
  const out = new Uint8Array(size);
  for (const t of alt) {
    const a = t.atom;
    if (a.kind === 'assert' || (a.kind === 'group' && a.lookaround)) continue;
    let set: CharSet;
    let empty = t.min === 0;
    if (a.kind === 'char') set = a.set;
    else if (a.kind === 'backref') return { set: FULL, empty: true };
    else {
      set = new Uint8Array(size);
      for (const inner of a.alts) {
        const f = firstChars(inner, size);
        if (f.set === FULL) return { set: FULL, empty: true };
        union(set, f.set);
        if (f.empty) empty = true;
      }
    }
    union(out, set);
    if (!empty) return { set: out, empty: false };
  }
  return { set: out, empty: true };
}

function sizeOf(alts: Term[][]): number | undefined {
  for (const alt of alts)
    for (const t of alt) {
      if (t.atom.kind === 'char') return t.atom.set.length;
      if (t.atom.kind === 'group') {
        const n = sizeOf(t.atom.alts);
        if (n !== undefined) return n;
      }
    }
  return undefined;
}

function checkAlternatives(alts: Term[][]): string | undefined {
  for (const alt of alts)
    for (const t of alt) {
      const problem = checkTerm(t);
      if (problem) return problem;
    }
  return undefined;
}

function checkTerm(t: Term): string | undefined {
  const a = t.atom;
  if (a.kind !== 'group') return undefined;
  const size = sizeOf(a.alts);
  if (t.max > 1 && !a.lookaround && size !== undefined) {
    for (const alt of a.alts) {
      const varying = alt.filter(varies);
      if (varying.length === 0) continue;
      let inVarying: CharSet | undefined;
      let anything = false;
      for (const v of varying) {
        const c = charsOf(v, size);
        if (c === FULL) anything = true;
        else inVarying = union(inVarying, c);
      }
      const delimited =
        !anything &&
        alt.some((d) => d.atom.kind === 'char' && d.min >= 1 && d.min === d.max && !overlaps(d.atom.set, inVarying ?? new Uint8Array(size)));
      if (!delimited) return `the repeated group ${t.src} holds ${varying[0]!.src}, which can repeat too, with nothing between them that only one of them matches`;
    }
    const firsts = a.alts.map((alt) => firstChars(alt, size));
    for (let x = 0; x < firsts.length; x++)
      for (let y = x + 1; y < firsts.length; y++) {
        const fx = firsts[x]!.set;
        const fy = firsts[y]!.set;
        if (fx === FULL || fy === FULL || overlaps(fx, fy) || firsts[x]!.empty || firsts[y]!.empty) {
          return `two alternatives of the repeated group ${t.src} can match the same text`;
        }
      }
  }
  return checkAlternatives(a.alts);
}
