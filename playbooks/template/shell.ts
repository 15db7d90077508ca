// Shell-aware templating. A command template such as
//   docker pull {{nexusUrl}}/chainguard/wolfi-base
// becomes, for execution,   docker pull "${CGR_NEXUS_URL}"/chainguard/wolfi-base
// with CGR_NEXUS_URL in the environment, so a value is always one literal word: quotes, `$()`,
// backticks, `;` and newlines in it are never read as shell syntax. For display it becomes the
// value itself, quoted for copy-paste where needed. Browser-safe.
import { findRefs, type TemplateRef } from './refs.ts';

export type QuoteContext = 'plain' | 'double' | 'single' | 'heredoc' | 'heredoc-quoted' | 'comment' | 'arithmetic';

/**
 * The quoting context at each reference of a shell template.
 *
 * Command substitutions open a fresh context: in `"$(echo {{x}})"` or `` "`echo {{x}}`" `` the
 * reference is unquoted (`plain`) even though the substitution sits inside double quotes, so
 * it must be quoted on its own. A stack of frames remembers what to return to when the
 * substitution closes.
 */
export function shellContexts(template: string, refs: TemplateRef[] = findRefs(template)): QuoteContext[] {
  return scanShell(template, refs).map((r) => r.context);
}

export interface RefShellPlace {
  context: QuoteContext;
  /** How many backtick substitutions enclose the reference: each one strips a level of backslashes. */
  backticks: number;
  /**
   * The value becomes text a program reads on its standard input (a heredoc body, a `<<<`
   * here-string), such as a config read by `curl -K -`: whatever format that is, a line break or
   * a quote in the value would change it, so only "token" values may go there (see STDIN_SAFE).
   */
  stdin?: true;
}

/** The quoting context of each reference, and its backtick nesting. */
export function scanShell(template: string, refs: TemplateRef[] = findRefs(template)): RefShellPlace[] {
  const at = new Map<number, number>();
  refs.forEach((r, i) => at.set(r.start, i));
  const out: QuoteContext[] = new Array(refs.length).fill('plain');
  const backticks: number[] = new Array(refs.length).fill(0);
  const stdin: boolean[] = new Array(refs.length).fill(false);
  /** An open `<<<` here-string word: the frame depth it started at and whether its word began. */
  let herestring: { depth: number; started: boolean } | undefined;
  type State = 'plain' | 'double' | 'single' | 'ansi' | 'comment';
  let state: State = 'plain';
  /** Open command substitutions: the state to return to, what closes it, and `(` depth inside. */
  const frames: { back: State; closer: ')' | '`'; depth: number; arithmetic?: boolean }[] = [];
  const pendingHeredocs: { delim: string; quoted: boolean; strip: boolean }[] = [];
  let i = 0;
  const n = template.length;
  const openSubstitution = (closer: ')' | '`', skip: number): void => {
    // `$((` is arithmetic: its own `(` counts, so the frame closes at `))`.
    if (closer === ')' && template[i + 2] === '(') {
      frames.push({ back: state, closer, depth: 1, arithmetic: true });
      state = 'plain';
      i += 3;
      return;
    }
    frames.push({ back: state, closer, depth: 0 });
    state = 'plain';
    i += skip;
  };
  while (i < n) {
    const idx = at.get(i);
    if (idx !== undefined) {
      out[idx] = state === 'ansi' ? 'single' : state === 'plain' && frames.at(-1)?.arithmetic ? 'arithmetic' : state;
      backticks[idx] = frames.filter((f) => f.closer === '`').length;
      if (herestring) {
        stdin[idx] = true;
        herestring.started = true;
      }
      i = refs[idx]!.end;
      continue;
    }
    const c = template[i]!;
    if (herestring && state === 'plain' && frames.length === herestring.depth) {
      // The here-string's word ends at the first unquoted blank or operator once it has begun.
      if (/[\s;&|<>()]/.test(c)) {
        if (herestring.started || c === '\n' || /[;&|<>()]/.test(c)) herestring = undefined;
      } else herestring.started = true;
    }
    if (state === 'comment') {
      // A comment runs to the end of the line, or to the backtick that closes its substitution.
      const frame = frames.at(-1);
      if (c === '\n') state = 'plain';
      else if (frame?.closer === '`' && c === '`') state = 'plain';
      else {
        i++;
        continue;
      }
    }
    if (state === 'single') {
      if (c === "'") state = 'plain';
      i++;
      continue;
    }
    if (state === 'ansi') {
      if (c === '\\') i += 2;
      else {
        if (c === "'") state = 'plain';
        i++;
      }
      continue;
    }
    if (state === 'double') {
      if (c === '\\') i += 2;
      else if (c === '$' && template[i + 1] === '(') openSubstitution(')', 2);
      else if (c === '`') {
        const frame = frames.at(-1);
        // Inside a backtick substitution an unescaped backtick closes it, quotes or not.
        if (frame?.closer === '`') {
          frames.pop();
          state = frame.back;
          i++;
        } else openSubstitution('`', 1);
      } else {
        if (c === '"') state = 'plain';
        i++;
      }
      continue;
    }
    // plain
    const frame = frames.at(-1);
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'") state = 'single';
    else if (c === '"') state = 'double';
    else if (c === '$' && template[i + 1] === "'") {
      state = 'ansi';
      i++;
    } else if (c === '$' && template[i + 1] === '(') {
      openSubstitution(')', 2);
      continue;
    } else if (c === '`') {
      if (frame?.closer === '`') {
        frames.pop();
        state = frame.back;
      } else {
        openSubstitution('`', 1);
        continue;
      }
    } else if (c === '(' && frame?.closer === ')') frame.depth++;
    else if (c === ')' && frame?.closer === ')') {
      if (frame.depth > 0) frame.depth--;
      else {
        frames.pop();
        state = frame.back;
      }
    } else if (c === '#' && (i === 0 || /[\s;&|(`]/.test(template[i - 1]!))) state = 'comment';
    else if (c === '<' && template[i + 1] === '<' && template[i + 2] === '<') {
      herestring = { depth: frames.length, started: false };
      i += 3;
      continue;
    } else if (c === '<' && template[i + 1] === '<' && template[i + 2] !== '<') {
      const m = /^<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(template.slice(i));
      if (m) {
        pendingHeredocs.push({ delim: m[3]!, quoted: m[2] !== '', strip: m[1] === '-' });
        i += m[0].length;
        continue;
      }
    } else if (c === '\n' && pendingHeredocs.length > 0) {
      // Heredoc bodies start after this newline, one after another.
      i++;
      for (const h of pendingHeredocs.splice(0)) {
        for (;;) {
          if (i >= n) break;
          let lineEnd = template.indexOf('\n', i);
          if (lineEnd === -1) lineEnd = n;
          const line = template.slice(i, lineEnd);
          if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delim) {
            i = lineEnd;
            break;
          }
          for (const [start, k] of at)
            if (start >= i && start < lineEnd) {
              out[k] = h.quoted ? 'heredoc-quoted' : 'heredoc';
              stdin[k] = true;
            }
          i = lineEnd + 1;
        }
      }
      continue;
    }
    i++;
  }
  return out.map((context, k) => ({ context, backticks: backticks[k]!, ...(stdin[k] ? { stdin: true as const } : {}) }));
}

export interface RefValue {
  /** The value, or undefined when not (yet) known. */
  value: string | undefined;
  /** Secret values are never shown: display uses the environment variable instead. */
  secret: boolean;
  /** Environment variable that carries the value into the shell. */
  envVar: string;
}

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'ref'; name: string; context: QuoteContext; value: string | undefined; secret: boolean; envVar: string; backticks?: number; stdin?: true };

export function segmentShell(template: string, lookup: (name: string) => RefValue | undefined): Segment[] {
  const refs = findRefs(template);
  const places = scanShell(template, refs);
  const segments: Segment[] = [];
  let last = 0;
  refs.forEach((r, k) => {
    if (r.start > last) segments.push({ kind: 'text', text: template.slice(last, r.start) });
    const v = lookup(r.name) ?? { value: undefined, secret: false, envVar: '' };
    const place = places[k]!;
    segments.push({ kind: 'ref', name: r.name, context: place.context, value: v.value, secret: v.secret, envVar: v.envVar, ...(place.backticks ? { backticks: place.backticks } : {}), ...(place.stdin ? { stdin: true as const } : {}) });
    last = r.end;
  });
  if (last < template.length) segments.push({ kind: 'text', text: template.slice(last) });
  return segments;
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * What a value may hold where it becomes text a program reads (heredoc bodies, here-strings):
 * no blanks, quotes, `#`, `\\`, `$` or line breaks, so it cannot end the heredoc, add a line to
 * a config read from stdin (`curl -K -`, .netrc, YAML) or change how that config is parsed.
 */
export const STDIN_SAFE = /^[A-Za-z0-9_@%+=:,./~-]*$/;

/** Why a reference cannot take its value where it sits, or undefined when it can. */
function refusalOf(seg: Extract<Segment, { kind: 'ref' }>): string | undefined {
  if (!seg.stdin) return undefined;
  if (seg.secret) return `secret {{${seg.name}}} sits in a heredoc or here-string, text a program reads on its standard input (a config read with curl -K -, a YAML file): a quote or line break in it would change that text; pass it as an argument, e.g. printf 'Authorization: Bearer %s\\n' {{${seg.name}}} | curl -H @- …`;
  if (seg.value !== undefined && !STDIN_SAFE.test(seg.value)) {
    return `the value of {{${seg.name}}} cannot go into a heredoc or here-string (text a program reads on its standard input): it holds characters that would change that text (blanks, quotes, #, $, \\ or line breaks); there it may hold only letters, digits and . _ - / : @ % + = , ~`;
  }
  return undefined;
}

/** A character that is not text to a terminal: C0 and C1 controls and DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A run of control characters as bash's ANSI-C quoting: `$'\\x1b\\x0d'` (UTF-8 bytes for C1 characters). */
function ansiC(run: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(run)) out += `\\x${b.toString(16).padStart(2, '0')}`;
  return `$'${out}'`;
}

/**
 * Splits a value into the parts that need their own quoting when pasted into an interactive
 * shell: control characters (a pasted carriage return or tab is not what it seems, an escape
 * sequence would drive the terminal), `!` (history expansion, even inside double quotes) and
 * the rest. Line breaks and tabs stay literal inside quotes (POSIX shells have no other way to
 * write them): pasted there a line break only continues the word.
 */
function pasteRuns(value: string): Array<{ kind: 'text' | 'control' | 'bang'; text: string }> {
  const runs: Array<{ kind: 'text' | 'control' | 'bang'; text: string }> = [];
  for (const ch of value) {
    const kind = ch === '!' ? 'bang' : ch !== '\n' && ch !== '\t' && CONTROL.test(ch) ? 'control' : 'text';
    const last = runs.at(-1);
    if (last && last.kind === kind) last.text += ch;
    else runs.push({ kind, text: ch });
  }
  return runs;
}

/**
 * Quotes a value so that a POSIX shell reads it back as exactly one word, also when the text is
 * pasted into an interactive shell: `!` is written `\\!` outside quotes (no history expansion),
 * and control characters other than line breaks and tabs as `$'\\xHH'` (bash, zsh, ksh; never raw).
 */
export function quoteWord(value: string): string {
  if (value !== '' && SAFE_WORD.test(value)) return value;
  if (value === '') return "''";
  return pasteRuns(value)
    .map((r) => (r.kind === 'bang' ? '\\!'.repeat(r.text.length) : r.kind === 'control' ? ansiC(r.text) : `'${r.text.replace(/'/g, `'\\''`)}'`))
    .join('');
}

/** The same inside double quotes: `"` is closed around `!` and control characters. */
function quoteInDouble(value: string): string {
  return pasteRuns(value)
    .map((r) => (r.kind === 'bang' ? `"${'\\!'.repeat(r.text.length)}"` : r.kind === 'control' ? `"${ansiC(r.text)}"` : r.text.replace(/[\\"$`]/g, '\\$&')))
    .join('');
}

/** How one reference reads in the command shown to the reader (what the copy button copies). */
export function displayRef(seg: Extract<Segment, { kind: 'ref' }>, placeholder: (name: string) => string = (n) => `<${n}>`): string {
  if (seg.secret) return seg.context === 'plain' ? `"$${seg.envVar}"` : `\${${seg.envVar}}`;
  // A value that may not stand where the reference is never reaches the text: its placeholder does.
  if (seg.value === undefined || refusalOf(seg) !== undefined) return placeholder(seg.name);
  let text: string;
  switch (seg.context) {
    case 'plain':
      text = quoteWord(seg.value);
      break;
    case 'double':
      text = quoteInDouble(seg.value);
      break;
    case 'heredoc':
      text = seg.value.replace(/[\\$`]/g, '\\$&');
      break;
    default:
      text = seg.value;
  }
  // Inside `...` the shell first turns \\ \$ \` into \ $ `: escape once per enclosing backtick pair.
  for (let n = 0; n < (seg.backticks ?? 0); n++) text = text.replace(/[\\$`]/g, '\\$&');
  return text;
}

export function displayShell(segments: Segment[], placeholder?: (name: string) => string): string {
  return segments.map((s) => (s.kind === 'text' ? s.text : displayRef(s, placeholder))).join('');
}

export interface ShellScript {
  script: string;
  /** Environment the script needs: every referenced value, by variable name. */
  env: Record<string, string>;
  /** References with no value. The script must not run while this is non-empty. */
  missing: string[];
}

/** The script to execute: values never appear in it, only `"${VAR}"` references. */
export function executableShell(segments: Segment[]): ShellScript {
  const env: Record<string, string> = {};
  const missing: string[] = [];
  const script = segments
    .map((s) => {
      if (s.kind === 'text') return s.text;
      if (s.value === undefined) missing.push(s.name);
      else env[s.envVar] = s.value;
      if (s.context === 'single' || s.context === 'heredoc-quoted') {
        throw new Error(`reference {{${s.name}}} sits inside single quotes or a quoted heredoc, where the shell does not expand variables`);
      }
      if (s.context === 'arithmetic') {
        throw new Error(`reference {{${s.name}}} sits inside $(( )), where the shell evaluates the value as an expression`);
      }
      const refused = refusalOf(s);
      if (refused) throw new Error(refused);
      return s.context === 'plain' ? `"\${${s.envVar}}"` : `\${${s.envVar}}`;
    })
    .join('');
  return { script, env, missing: [...new Set(missing)] };
}

/** For values that are not shell (a fields step's "enter this in the UI"): substitute as they are. */
export function displayPlain(template: string, lookup: (name: string) => RefValue | undefined, opts: { mask?: string; placeholder?: (name: string) => string } = {}): string {
  const refs = findRefs(template);
  let out = '';
  let last = 0;
  for (const r of refs) {
    out += template.slice(last, r.start);
    const v = lookup(r.name);
    if (v?.secret) out += opts.mask ?? '••••••••';
    else if (v?.value === undefined) out += (opts.placeholder ?? ((n: string) => `<${n}>`))(r.name);
    else out += v.value;
    last = r.end;
  }
  return out + template.slice(last);
}
