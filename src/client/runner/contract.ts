// Contract between the guide page and the runner UI (terminal, Run/Apply buttons). Browser-only.
export interface RunnerContext {
  guideId: string;
  /** Current values by field id, secrets included (kept in memory only). */
  getValues(): Record<string, string>;
  getPath(): 'developer' | 'production';
  /** Called whenever a value or the path changes; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** The step blocks on the page, in document order. */
  steps(): HTMLElement[];
  /** Brings a field's input into view and focuses it; false when the page has no such field. */
  focusField?(fieldId: string): boolean;
}
export type AttachRunner = (ctx: RunnerContext) => void | Promise<void>;
