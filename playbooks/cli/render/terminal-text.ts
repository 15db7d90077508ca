// Text about values (commands as shown, value lists, reasons) printed to a terminal: control
// characters are written as visible escapes (`\x1b`), so nothing a value holds can set the window
// title, clear the screen or move the cursor. A command's own output is not text about values
// and is passed through as the command wrote it. Line breaks stay.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
