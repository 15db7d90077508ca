// Reads a guide file: MDX -> extracted blocks -> zod model, every problem as file:line:col.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { parseMdx } from './parse-mdx.ts';
import { extractGuide } from './extract.ts';
import { GuideSchema, type Guide } from '../model/guide.ts';
import { friendlyIssues, formatPath } from '../model/friendly.ts';
import type { Diagnostic, Position } from './diagnostics.ts';
import { sortDiagnostics } from './diagnostics.ts';

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
  if (/^when refers/.test(message)) return 'unknown-field';
  if (/default fails|example fails/.test(message)) return 'invalid-default';
  if (/secret .* URL/.test(message)) return 'secret-in-url';
  if (/single quotes|quoted heredoc/.test(message)) return 'unexpanded-ref';
  return 'invalid-guide';
}

export function loadGuideSource(source: string, file: string): LoadResult {
  const diagnostics: Diagnostic[] = [];
  let tree;
  try {
    tree = parseMdx(source);
  } catch (e) {
    const err = e as { line?: number; column?: number; place?: { line?: number; column?: number; start?: { line: number; column: number } }; reason?: string; message: string };
    const place = err.place && 'start' in err.place && err.place.start ? err.place.start : err.place;
    diagnostics.push({
      file,
      line: err.line ?? place?.line ?? 1,
      column: err.column ?? place?.column ?? 1,
      code: 'mdx-syntax',
      message: `MDX syntax error: ${err.reason ?? err.message}`,
      hint: 'check that every <Block> is closed (or self-closed with />) and that { } in prose is escaped as \\{ \\}',
    });
    return { diagnostics };
  }
  const { raw, positions, problems } = extractGuide(tree, source);
  for (const p of problems) diagnostics.push({ file, line: p.at.line, column: p.at.column, code: p.code, message: p.message, ...(p.hint ? { hint: p.hint } : {}) });

  const result = GuideSchema.safeParse(raw, { reportInput: true });
  if (result.success) {
    if (diagnostics.length === 0) return { guide: { ...result.data, file }, diagnostics };
    return { diagnostics: sortDiagnostics(diagnostics) };
  }
  const issues = friendlyIssues(result.error);
  result.error.issues.forEach((zi, n) => {
    const issue = issues[n]!;
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
    const where = issue.path.length > located.length ? `${formatPath(issue.path.slice(located.length))}: ` : propName(issue.path);
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
    source = await readFile(file, 'utf8');
  } catch (e) {
    return { diagnostics: [{ file: shown, line: 1, column: 1, code: 'unreadable', message: `cannot read file: ${(e as Error).message}` }] };
  }
  return loadGuideSource(source, shown);
}
