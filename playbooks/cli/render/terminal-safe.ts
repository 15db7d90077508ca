// The one gate for text that reaches a terminal from a guide or a value: control characters
// (escape sequences, BEL, carriage returns, C1 codes) and bidirectional overrides become visible
// escapes, so a value cannot move the cursor, retitle the window or hide what follows it.
// Newlines and tabs stay.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A character as a visible escape: \x1b, \u202e. */
function escaped(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function terminalSafe(text: string): string {
  return text.replace(CONTROL, escaped);
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
