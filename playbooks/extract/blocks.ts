// The MDX components a guide may use, and which props/children each one turns into.
export const STEP_BLOCKS = { Command: 'command', Verify: 'verify', Fields: 'fields', Manual: 'manual' } as const;
export type StepBlockName = keyof typeof STEP_BLOCKS;

/** Children that become structured parts of their parent step. */
export const CHILD_BLOCKS: Record<string, { parent: StepBlockName; into: string }> = {
  Set: { parent: 'Fields', into: 'entries' },
  Capture: { parent: 'Command', into: 'captures' },
  Check: { parent: 'Verify', into: 'checks' },
  Probe: { parent: 'Verify', into: 'probes' },
};

/** Prose components: rendered by the site, ignored by the runner. */
export const PROSE_BLOCKS = new Set(['Value', 'Aside', 'OnPath']);

export const TOP_BLOCKS = ['Field', ...Object.keys(STEP_BLOCKS), 'OnPath', 'Aside'];

/** Shell languages accepted for a command fence. */
export const SHELL_LANGS = new Set(['sh', 'bash', 'shell']);

/** A fence outside a step must be sample output: ```output, or any language with `output` in its meta. */
export function isOutputFence(lang: string | null | undefined, meta: string | null | undefined): boolean {
  return lang === 'output' || /(^|\s)output(\s|$)/.test(meta ?? '');
}

/** `<Check exitCode={0} />` etc. -> the discriminated check object. */
export const CHECK_KEYS: Record<string, { type: string; as: string }> = {
  exitCode: { type: 'exitCode', as: 'equals' },
  contains: { type: 'contains', as: 'text' },
  notContains: { type: 'notContains', as: 'text' },
  regex: { type: 'regex', as: 'pattern' },
};
