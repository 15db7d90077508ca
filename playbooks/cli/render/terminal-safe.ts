// The one gate for text that reaches a terminal from a guide or a value: control characters
// (escape sequences, BEL, carriage returns, C1 codes) and bidirectional overrides become visible
// escapes, so a value cannot move the cursor, retitle the window or hide what follows it.
// Newlines and tabs stay.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
