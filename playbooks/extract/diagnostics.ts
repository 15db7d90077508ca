// A problem found in a guide, located at file:line:col, with a hint saying how to fix it.
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  /** Stable code, e.g. `unknown-prop`, `unresolved-ref`, `bare-fence`. */
  code: string;
  message: string;
  hint?: string;
}

export interface Position {
  line: number;
  column: number;
  offset?: number;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message}` + (d.hint ? `\n  hint: ${d.hint}` : '');
}

export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
