// GitHub Actions workflow commands: annotations (`::error file=…,line=…::message`) that the PR's
// "Files changed" view shows on the guide's line, log groups, and the job summary (Markdown).
// Escaping follows the runner's own rules (actions/toolkit, packages/core/src/command.ts): data
// escapes % CR LF; property values also : and ,.

import { repositoryPath } from './repository-path.ts';

export interface AnnotationPlace {
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One annotation line (ends with a newline). Workflow commands must start a line of the log. */
export function annotation(level: 'error' | 'warning' | 'notice', message: string, at: AnnotationPlace = {}): string {
  const props = [
    at.file !== undefined ? `file=${escapeProperty(at.file)}` : '',
    at.line !== undefined ? `line=${at.line}` : '',
    at.col !== undefined ? `col=${at.col}` : '',
    at.title !== undefined ? `title=${escapeProperty(at.title)}` : '',
  ].filter(Boolean);
  return `::${level}${props.length ? ' ' + props.join(',') : ''}::${escapeData(message)}\n`;
}

/** GitHub shows at most this many error annotations of one step (actions/toolkit,
 * docs/problem-matchers.md, "Limitations": 10 per step, 50 per job); the rest only in the log. */
export const ERROR_ANNOTATIONS_SHOWN_PER_STEP = 10;

/** A notice annotation when a step printed more error annotations than GitHub shows, else ''. */
export function annotationOverflowNotice(tool: string, errors: number): string {
  if (errors <= ERROR_ANNOTATIONS_SHOWN_PER_STEP) return '';
  return annotation('notice', `GitHub shows the first ${ERROR_ANNOTATIONS_SHOWN_PER_STEP} error annotations of a step; all ${errors} problems are in this log and in the job summary`, { title: `${tool}: ${errors} problems` });
}

export const groupStart = (title: string): string => `::group::${escapeData(title)}\n`;
export const groupEnd = (): string => '::endgroup::\n';

/** A path for a GitHub annotation: relative to $GITHUB_WORKSPACE when set. */
export function annotationPath(file: string, cwd: string, env: NodeJS.ProcessEnv): string {
  return repositoryPath(file, cwd, env.GITHUB_WORKSPACE);
}

/** True when running as a GitHub Actions step. */
export function inGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/** Any line end (CR and U+2028 included) or other control character: a space in a cell. */
const CELL_BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Text in a Markdown table cell (or a heading) of the job summary: one line, and shown as the
 * text it is, never as syntax: pipes (which split the row), backslashes, link and image brackets,
 * emphasis, strikethrough and code marks are escaped, `<` is `&lt;`. Text comes from guides and
 * from what commands and servers answered. */
export function mdCell(s: string): string {
  return s
    .replace(CELL_BREAK, ' ')
    .replace(/[\\|[\]*_~`]/g, '\\$&')
    .replace(/</g, '&lt;');
}

/** A code span that holds any text, backticks included: the fence is longer than any run of
 * backticks in it (also `show --format markdown`'s, cli/render/guide-markdown.ts). */
export function mdCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Text as one code span on one line (control characters and line ends as spaces). */
export function mdCodeSpan(s: string, inCell = false): string {
  const code = mdCode(s.replace(CELL_BREAK, ' '));
  return inCell ? code.replace(/\|/g, '\\|') : code;
}

/** A code span in a Markdown table cell: pipes escaped too (GFM splits a row at them, code spans
 * included; there `\|` reads as `|`). */
export const mdCodeCell = (s: string): string => mdCodeSpan(s, true);
