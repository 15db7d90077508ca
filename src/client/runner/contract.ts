// Contract between the guide page and the runner UI (terminal, Run/Apply buttons). Browser-only.
export interface RunnerContext {
  guideId: string;
  /**
   * Current values by field id, secrets included (kept in memory only). A value the reader typed
   * that is not valid is sent as typed, never replaced by a default: the runner refuses it.
   */
  getValues(): Record<string, string>;
  getPath(): 'developer' | 'production';
  /** Called whenever a value or the path changes; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** The step blocks on the page, in document order. */
  steps(): HTMLElement[];
  /** Brings a field's input into view and focuses it; false when the page has no such field. */
  focusField?(fieldId: string): boolean;
  /** Shows every field's error now (a run was asked for), as on leaving the field. */
  checkValues?(): void;
  /** Shows that field's error now (the runner refused its value). */
  markField?(fieldId: string): void;
}
export type AttachRunner = (ctx: RunnerContext) => void | Promise<void>;
