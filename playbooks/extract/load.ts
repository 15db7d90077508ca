// Reads a guide file: MDX -> extracted blocks -> zod model, every problem as file:line:col.
import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseMdx } from './parse-mdx.ts';
import { extractGuide } from './extract.ts';
import { GuideSchema, type Guide } from '../model/guide.ts';
import { friendlyIssues, formatPath } from '../model/friendly.ts';
import type { Diagnostic, Position } from './diagnostics.ts';
import { sortDiagnostics } from './diagnostics.ts';
import { CHECK_KEYS } from './blocks.ts';

export interface LoadResult {
  guide?: Guide;
  diagnostics: Diagnostic[];
}

/** Line/column of a character offset in `source`. */
function positionAt(source: string, offset: number): Position {
  let line = 1;
  let last = -1;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last, offset };
}

const CODE_OF: Record<string, string> = {
  unrecognized_keys: 'unknown-prop',
  invalid_type: 'invalid-prop',
  invalid_value: 'invalid-prop',
  too_small: 'invalid-prop',
  too_big: 'invalid-prop',
  invalid_format: 'invalid-prop',
  invalid_union: 'invalid-prop',
};

function codeFor(message: string, zodCode: string): string {
  if (zodCode !== 'custom') return CODE_OF[zodCode] ?? 'invalid-prop';
  if (/unresolved reference|captured by step .* later/.test(message)) return 'unresolved-ref';
  if (/duplicate/.test(message)) return 'duplicate-id';
  if (/invalid regular expression/.test(message)) return 'invalid-regex';
  if (/can take exponential time/.test(message)) return 'slow-regex';
  if (/built-in property of every JavaScript object/.test(message)) return 'reserved-name';
  if (/^expected a duration|^expected a whole number/.test(message)) return 'invalid-prop';
  if (/needs a ```sh fence with the command|holds no command/.test(message)) return 'empty-command';
  if (/^(when|credentialsWhen) refers/.test(message)) return 'unknown-field';
  if (/is already captured by step/.test(message)) return 'duplicate-capture';
  if (/credentialsWhen needs credentials/.test(message)) return 'invalid-prop';
  if (/^caFile |in a probe's caFile/.test(message)) return 'invalid-prop';
  if (/default fails|example fails/.test(message)) return 'invalid-default';
  if (/secret .* URL/.test(message)) return 'secret-in-url';
  if (/single quotes|quoted heredoc/.test(message)) return 'unexpanded-ref';
  if (/in a heredoc or here-string/.test(message)) return 'secret-on-stdin';
  if (/inside \$\(\( \)\)/.test(message)) return 'arithmetic-ref';
  if (/does not run on the|only asked for on the|verify runs on/.test(message)) return 'wrong-path';
  if (/malformed reference/.test(message)) return 'malformed-ref';
  if (/^verify refers to/.test(message)) return 'unresolved-ref';
  if (/^provides unknown field/.test(message)) return 'unknown-field';
  if (/needs success=/.test(message)) return 'missing-success';
  if (/enum field needs options|options only apply|multiline only applies|secret field cannot have a default/.test(message)) return 'invalid-prop';
  return 'invalid-guide';
}

/** The largest guide file: the largest guide is under 25 KiB; the MDX parser's time grows with size. */
export const MAX_GUIDE_BYTES = 256 * 1024;
/** How deep a line may be indented (columns, a tab to the next multiple of 4) or nested in quotes:
 * the MDX parser's time grows fast with nesting (a list nested 500 deep took seconds per 256 KiB). */
export const MAX_INDENT_COLUMNS = 64;
export const MAX_QUOTE_DEPTH = 16;

/** A guide of `bytes` bytes, over MAX_GUIDE_BYTES (the source's length, or the file's size before it is read). */
function tooLarge(file: string, bytes: number): Diagnostic {
  return { file, line: 1, column: 1, code: 'guide-too-large', message: `this guide is ${Math.round(bytes / 1024)} KiB; a guide may be at most ${MAX_GUIDE_BYTES / 1024} KiB`, hint: 'split it into several guides' };
}

/** A guide too large or too deeply nested to parse in reasonable time, as a diagnostic. */
function sizeProblem(source: string, file: string): Diagnostic | undefined {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_GUIDE_BYTES) return tooLarge(file, bytes);
  let line = 0;
  for (const m of source.matchAll(/^[ \t>]*/gm)) {
    line++;
    const prefix = m[0];
    if (prefix.length <= MAX_QUOTE_DEPTH && prefix.length <= MAX_INDENT_COLUMNS / 4) continue;
    let columns = 0;
    let quotes = 0;
    for (const c of prefix) {
      if (c === '>') quotes++;
      columns = c === '\t' ? columns + 4 - (columns % 4) : columns + 1;
    }
    if (quotes > MAX_QUOTE_DEPTH) return { file, line, column: 1, code: 'too-deep', message: `this line is nested ${quotes} quotes deep; a guide nests quotes at most ${MAX_QUOTE_DEPTH} deep`, hint: 'flatten the nesting' };
    if (columns > MAX_INDENT_COLUMNS) return { file, line, column: 1, code: 'too-deep', message: `this line is indented ${columns} columns; a guide nests lists and blocks at most ${MAX_INDENT_COLUMNS} columns deep`, hint: 'flatten the nesting' };
  }
  return undefined;
}

/** Validates a guide's source. Whatever the source holds, the answer is diagnostics, never a throw. */
export function loadGuideSource(source: string, file: string): LoadResult {
  try {
    const problem = sizeProblem(source, file);
    if (problem) return { diagnostics: [problem] };
    return loadUnchecked(source, file);
  } catch (e) {
    return { diagnostics: [{ file, line: 1, column: 1, code: 'unreadable', message: `cannot read this guide: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, hint: 'simplify the construct the message names; if the guide looks right, report it as a bug of cgr-playbook' }] };
  }
}

function loadUnchecked(source: string, file: string): LoadResult {
  const diagnostics: Diagnostic[] = [];
  let tree;
  try {
    tree = parseMdx(source);
  } catch (e) {
    const err = e as { line?: number; column?: number; place?: { line?: number; column?: number; start?: { line: number; column: number } }; reason?: string; message: string };
    const place = err.place && 'start' in err.place && err.place.start ? err.place.start : err.place;
    // Some mdast-util-mdx-jsx errors carry no place, only "(8:1-8:43)" at the end of the reason.
    const reason = err.reason ?? err.message;
    const inText = /\s*\((\d+):(\d+)(?:-\d+:\d+)?\)\s*$/.exec(reason);
    diagnostics.push({
      file,
      line: err.line ?? place?.line ?? (inText ? Number(inText[1]) : 1),
      column: err.column ?? place?.column ?? (inText ? Number(inText[2]) : 1),
      code: 'mdx-syntax',
      message: `MDX syntax error: ${inText ? reason.slice(0, inText.index) : reason}`,
      hint: 'check that every <Block> is closed (or self-closed with />) and that { } in prose is escaped as \\{ \\}',
    });
    return { diagnostics };
  }
  const { raw, positions, problems, valueRefs } = extractGuide(tree, source);
  for (const p of problems) diagnostics.push({ file, line: p.at.line, column: p.at.column, code: p.code, message: p.message, ...(p.hint ? { hint: p.hint } : {}) });
  const fieldIds = raw.fields.map((f) => f.id).filter((id): id is string => typeof id === 'string');
  for (const v of valueRefs) {
    if (!fieldIds.includes(v.id)) {
      diagnostics.push({ file, line: v.at.line, column: v.at.column, code: 'unknown-field', message: `<Value id="${v.id}"> names no field`, hint: `declare <Field id="${v.id}" .../> or use one of: ${fieldIds.join(', ') || '(no fields)'}` });
    }
  }

  const result = GuideSchema.safeParse(raw, { reportInput: true });
  if (result.success) {
    if (diagnostics.length === 0) return { guide: { ...result.data, file, positions: stepPositions(result.data, positions) }, diagnostics };
    return { diagnostics: sortDiagnostics(diagnostics) };
  }
  const issues = friendlyIssues(result.error);
  // Without readable frontmatter every meta prop is missing: the one frontmatter error says it all.
  const frontmatterBroken = problems.some((p) => p.code === 'frontmatter');
  result.error.issues.forEach((zi, n) => {
    const issue = issues[n]!;
    if (frontmatterBroken && issue.path[0] === 'meta') return;
    let at: Position | undefined;
    let located: (string | number)[] = [];
    for (let len = issue.path.length; len >= 0 && !at; len--) {
      located = issue.path.slice(0, len) as (string | number)[];
      at = positions.get(located.join('/'));
    }
    at ??= { line: 1, column: 1 };
    // A reference problem: point at the reference itself.
    const ref = /\{\{(\w+)\}\}/.exec(issue.message);
    if (ref && at.offset !== undefined) {
      const found = source.slice(at.offset).search(new RegExp(`\\{\\{\\s*${ref[1]}\\s*\\}\\}`));
      if (found !== -1) at = positionAt(source, at.offset + found);
    }
    const where = issue.path.length > located.length ? `${formatPath(withOwner(located, issue.path.slice(located.length)))}: ` : propName(authorPath(raw, issue.path));
    diagnostics.push({
      file,
      line: at.line,
      column: at.column,
      code: codeFor(issue.message, zi.code),
      message: `${where}${issue.message}`,
      ...(issue.hint ? { hint: issue.hint } : zi.code === 'invalid_type' && (zi as { input?: unknown }).input === undefined ? { hint: `add the ${String(issue.path.at(-1))} prop` } : {}),
    });
  });
  return { diagnostics: sortDiagnostics(diagnostics) };
}

/** Where each step, check and capture is written, keyed by step id (see Guide.positions). */
function stepPositions(guide: { steps: Guide['steps'] }, positions: Map<string, Position>): Record<string, { line: number; column: number }> {
  const out: Record<string, { line: number; column: number }> = Object.create(null) as Record<string, { line: number; column: number }>;
  const put = (key: string, at: Position | undefined) => {
    if (at) out[key] = { line: at.line, column: at.column };
  };
  guide.steps.forEach((step, i) => {
    put(step.id, positions.get(`steps/${i}`));
    if (step.kind === 'verify') step.checks.forEach((_, k) => put(`${step.id}/checks/${k}`, positions.get(`steps/${i}/checks/${k}`)));
    if (step.kind === 'command') step.captures.forEach((_, k) => put(`${step.id}/captures/${k}`, positions.get(`steps/${i}/captures/${k}`)));
  });
  return out;
}

/** `provides` + `[0]` -> `provides[0]`: name the prop a list item belongs to. */
function withOwner(located: readonly (string | number)[], rest: (string | number)[]): (string | number)[] {
  const owner = located.at(-1);
  return typeof rest[0] === 'number' && typeof owner === 'string' && !['steps', 'fields'].includes(owner) ? [owner, ...rest] : rest;
}

/** A <Check> is stored as {type, pattern|text|equals}; name the prop the author wrote (regex=, contains=...). */
function authorPath(raw: { steps: Record<string, unknown>[] }, path: readonly (string | number)[]): readonly (string | number)[] {
  const [a, i, b, k, prop] = path;
  if (a !== 'steps' || b !== 'checks' || typeof i !== 'number' || typeof k !== 'number' || typeof prop !== 'string') return path;
  const check = (raw.steps[i]?.checks as Record<string, unknown>[] | undefined)?.[k];
  const written = Object.entries(CHECK_KEYS).find(([, spec]) => spec.type === check?.type && spec.as === prop)?.[0];
  return written ? [...path.slice(0, -1), written] : path;
}

/** `steps/3/title` -> `title: `; the element is already located, so name only the prop. */
function propName(path: readonly (string | number)[]): string {
  const last = path.at(-1);
  if (typeof last === 'string' && !['steps', 'fields', 'meta'].includes(last)) return `${last}: `;
  return '';
}

export async function loadGuideFile(file: string, cwd = process.cwd()): Promise<LoadResult> {
  const shown = relative(cwd, file) || file;
  let source: string;
  try {
    // Checked before reading: a device (/dev/zero) or a huge file would never finish or fill memory.
    const st = await stat(file);
    if (!st.isFile()) return { diagnostics: [{ file: shown, line: 1, column: 1, code: 'unreadable', message: 'cannot read file: not a regular file' }] };
    if (st.size > MAX_GUIDE_BYTES) return { diagnostics: [tooLarge(shown, st.size)] };
    source = await readFile(file, 'utf8');
  } catch (e) {
    return { diagnostics: [{ file: shown, line: 1, column: 1, code: 'unreadable', message: `cannot read file: ${(e as Error).message}` }] };
  }
  return loadGuideSource(source, shown);
}
