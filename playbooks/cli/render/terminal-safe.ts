// The one gate for text that reaches a terminal or a CI log from a guide, a value, a command's
// output or a server's answer: control characters (escape sequences, BEL, carriage returns, C1
// codes) and bidirectional overrides become visible escapes, so a value cannot move the cursor,
// retitle the window or hide what follows it; and no text can form another CI system's log command
// (CI_COMMANDS below). Newlines and tabs stay.
import { MAX_OPEN_ESCAPE, OPEN_ESCAPE_AT_END } from '../../runner/output.ts';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A character as a `\uXXXX` escape (as JSON and a regular expression read it). */
function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A character as a visible escape: \x1b, \u202e. */
function escaped(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : unicodeEscape(c);
}

/**
 * Log commands that CI systems act on wherever they stand in a line of a job's log, each as the
 * text before its last character and that character. The last character is written as a visible
 * escape (`##vso[` as `##vso\x5b`), so the command never forms, whatever precedes it (a line
 * start, a CR, a colour code, other text) and however the output was cut into reads: the
 * character that would complete it always arrives in the text being written. The rest of the text
 * is left as it is; the reader sees where it was changed. Case-insensitive, as the Azure agent's own
 * neutraliser (`##vso` → `**vso`, microsoft/azure-pipelines-agent src/Agent.Sdk/Util/StringUtil.cs).
 *
 * - Azure Pipelines logging commands `##vso[area.action …]`: the agent finds them anywhere in a
 *   line (`message.IndexOf("##vso[")`, microsoft/azure-pipelines-agent
 *   src/Microsoft.VisualStudio.Services.Agent/Command.cs), and a bare CR ends a line;
 *   https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands
 * - Azure Pipelines formatting commands `##[group]`, `##[endgroup]`, `##[section]`, `##[warning]`,
 *   `##[error]`, `##[debug]`, `##[command]` (same page, "Formatting commands"); the GitHub Actions
 *   runner also reads `##[name …]`, anywhere in a line, as the older form of a workflow command.
 * - TeamCity service messages `##teamcity[name …]`, found in the middle of a line too;
 *   https://www.jetbrains.com/help/teamcity/service-messages.html
 * - GitLab CI collapsible sections `section_start:TIMESTAMP:NAME` / `section_end:…` (followed by
 *   `\r\e[0K`); https://docs.gitlab.com/ci/jobs/job_logs/#custom-collapsible-sections
 *
 * Jenkins acts on no text of a log (see SECURITY.md).
 */
const CI_COMMANDS: readonly Rule[] = [
  { before: '##vso', last: '[' },
  { before: '##', last: '[' },
  { before: '##teamcity', last: '[' },
  { before: 'section_start', last: ':' },
  { before: 'section_end', last: ':' },
];

/**
 * Buildkite's log groups: a line starting `--- `, `+++ ` or `~~~ ` is a group heading, and `^^^ +++`
 * opens the group before it; https://buildkite.com/docs/pipelines/managing-log-output (a CR counts
 * as a line start here). Only a command's output can start a line of the log, and only under
 * Buildkite (`BUILDKITE=true`) are they changed: elsewhere such lines are ordinary text (a diff's
 * `--- a/file`), and the mark folds the log without acting on the build.
 */
const BUILDKITE_GROUPS: readonly Rule[] = ['---', '+++', '~~~'].flatMap((mark) =>
  ['\n', '\r'].flatMap((eol) => [' ', '\t'].map((last) => ({ before: eol + mark, last }))),
).concat(['\n', '\r'].map((eol) => ({ before: `${eol}^^^ ++`, last: '+' })));

/**
 * GitHub Actions workflow commands: a line starting `::` (after blanks: the runner trims them,
 * `message.TrimStart()` in `ActionCommand.TryParseV2`, actions/runner
 * src/Runner.Common/ActionCommand.cs; its older `##[` form is found anywhere, `TryParse`, and
 * broken by the `##[` rule above);
 * https://docs.github.com/en/actions/using-workflows/workflow-commands-for-github-actions. Where `run`
 * knows it runs in GitHub Actions, commands are stopped for the whole run instead, which changes
 * no text (cli/render/github.ts); elsewhere (also GitHub Actions whose variables do not reach the
 * tool, inside a container) the second `:` is written as `\x3a`, and always in a line of a
 * multi-line text this gate is given.
 */
/** Blanks the GitHub runner trims before `::` (.NET's white space, line ends aside). */
const BLANK = /[\t\v\f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const GITHUB_COMMANDS: readonly Rule[] = ['\n', '\r'].map((eol) => ({ before: `${eol}:`, last: ':' }));

/** A command: the text before its last character (`\n`, `\r`: a line start, blanks after it
 * included) and that character. */
interface Rule {
  before: string;
  last: string;
}

/** Rules with what the gate needs to apply them: how much text before a completing character can
 * matter, and the text cut into pieces: an escape sequence (CSI, OSC ended by BEL or ST,
 * two-character), a completing character, a run of other text, or a lone ESC. */
interface RuleSet {
  rules: readonly Rule[];
  lookback: number;
  /** The completing characters. */
  lasts: ReadonlySet<string>;
  piece: RegExp;
}
function ruleSet(rules: readonly Rule[]): RuleSet {
  const set = new Set(rules.map((r) => r.last));
  const lasts = [...set].map(unicodeEscape).join('');
  return {
    rules,
    lookback: Math.max(...rules.map((r) => r.before.length)),
    lasts: set,
    piece: new RegExp(`\\u001b(?:\\[[0-?]*[ -/]*[@-~]|\\][^\\u0007\\u001b]*(?:\\u0007|\\u001b\\\\)|[@-Z\\\\-_])|[${lasts}]|[^\\u001b${lasts}]+|\\u001b`, 'gy'),
  };
}
const EVERY_CI = ruleSet(CI_COMMANDS);
const TEXT_RULES = ruleSet([...CI_COMMANDS, ...GITHUB_COMMANDS]);

/** The last `lookback` characters of `seen` + `piece`; blanks after a line end are left out, so the
 * line start is still seen (GitHub's runner trims them). */
function advance(seen: string, piece: string, lookback: number): string {
  let end = piece.length;
  while (end > 0 && BLANK.test(piece[end - 1]!)) end--;
  if (end < piece.length) {
    const before = end > 0 ? piece[end - 1] : seen[seen.length - 1];
    if (before === '\n' || before === '\r') piece = piece.slice(0, end);
  }
  const text = piece.length >= lookback ? piece : seen + piece;
  return text.length > lookback ? text.slice(-lookback) : text;
}

/** Where a stream of text stands: its last few characters (escape sequences left out, as a log
 * that strips colours reads it) and an escape sequence the last read left open. */
interface GateState {
  seen: string;
  open: string;
}

/**
 * The CI-command part of the gate: `seen` (the text before, escape sequences left out) decides
 * whether a `[` or `:` completes a command. Escape sequences pass untouched (a colour code's own
 * `[` is not a command), also one cut in two by the reads, so this serves a terminal's raw output.
 */
function ciCommandsOff(chunk: string, state: GateState, set: RuleSet = EVERY_CI, escape: (c: string) => string = escaped): { text: string; state: GateState } {
  // An escape sequence the last read left open is read again with this one; it was written already.
  const text = state.open + chunk;
  const written = state.open.length;
  const openMatch = OPEN_ESCAPE_AT_END.exec(text)?.[0] ?? '';
  const open = openMatch.length <= MAX_OPEN_ESCAPE ? openMatch : '';
  const body = text.length - open.length;
  let seen = state.seen;
  let out = '';
  const { piece: PIECE, rules, lookback, lasts } = set;
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(text); m && m.index < body; m = PIECE.exec(text)) {
    const at = m.index;
    const piece = m[0].slice(0, body - at);
    let shown = piece;
    if (piece.charCodeAt(0) === 0x1b) {
      if (piece.length === 1) seen = ''; // a lone ESC: what follows does not continue the text before it
    } else {
      if (piece.length === 1 && lasts.has(piece)) {
        const before = seen.toLowerCase();
        if (rules.some((c) => c.last === piece && before.endsWith(c.before))) shown = escape(piece);
      }
      seen = advance(seen, piece, lookback);
    }
    if (at + piece.length > written) out += at >= written ? shown : piece.slice(written - at);
  }
  // The open sequence is written as it came (what of it is new); it is read whole with the next read.
  out += open.slice(Math.max(0, written - body));
  return { text: out, state: { seen, open } };
}

/** A command's raw output, read by read, made safe for a CI log: `write()` each read in order;
 * `lineStarts()` after text of our own that ends a line (nothing before it continues). Control
 * characters are the caller's (a terminal shows colours; progress.ts strips them for a log). */
export interface OutputGate {
  write(chunk: string): string;
  lineStarts(): void;
}

export function createOutputGate(o: { buildkite?: boolean; githubStopped?: boolean } = {}): OutputGate {
  const set = ruleSet([...CI_COMMANDS, ...(o.githubStopped ? [] : GITHUB_COMMANDS), ...(o.buildkite ? BUILDKITE_GROUPS : [])]);
  const start = (): GateState => ({ seen: '\n', open: '' });
  let state = start();
  return {
    write(chunk) {
      const r = ciCommandsOff(chunk, state, set);
      state = r.state;
      return r.text;
    },
    lineStarts() {
      state = start();
    },
  };
}

/** True when running as a Buildkite job (the agent sets BUILDKITE=true). */
export function inBuildkite(env: NodeJS.ProcessEnv): boolean {
  return env.BUILDKITE === 'true';
}

export function terminalSafe(text: string): string {
  return ciCommandsOff(text.replace(CONTROL, escaped), { seen: '', open: '' }, TEXT_RULES).text;
}

/**
 * The same for text that must stay on its line (an error message, a file name in a diagnostic):
 * line breaks and tabs are escaped too. A line break would let the text start a line of its own,
 * which a CI log may read as a command (GitHub Actions: a line starting with `::`).
 */
export function terminalLine(text: string): string {
  return terminalSafe(text).replace(/[\n\t\u2028\u2029]/g, escaped);
}

/** Text of several lines (an error with a log tail) kept readable: each line made safe, and every
 * line after the first starts with "  | ", so none can pass for a line of its own. */
export function terminalLines(text: string): string {
  return text.split(/\r?\n/).map(terminalLine).join('\n  | ');
}

/**
 * JSON printed where a CI log may show it (`validate --format json|gitlab`, `doctor --json`, `show
 * --format json`, `list --json`): the character that completes a CI log command
 * (CI_COMMANDS) is written as a JSON escape (`##vso\u005b`), so what a parser reads is unchanged.
 * Such text can only stand inside a JSON string (`#` and `section_start` are no JSON syntax).
 */
export function logJson(value: unknown): string {
  return ciCommandsOff(JSON.stringify(value, null, 2), { seen: '', open: '' }, EVERY_CI, unicodeEscape).text + '\n';
}

/** XML printed where a CI log may show it (`validate --format junit`): the same, as a character
 * reference (`##vso&#x5b;`), read back as the same text in attribute values and text. */
export function logXml(xml: string): string {
  return ciCommandsOff(xml, { seen: '', open: '' }, EVERY_CI, (c) => `&#x${c.charCodeAt(0).toString(16)};`).text;
}
