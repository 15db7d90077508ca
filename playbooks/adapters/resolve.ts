// Builds the ResolvedFieldsStep an adapter takes from a guide step, a path and the values
// (field values and captures by name). Secrets come through in clear: keep the result in memory.
import type { ResolvedFieldsStep } from '../contracts.ts';
import type { Guide } from '../model/guide.ts';
import type { PathId } from '../model/props.ts';
import type { FieldsStep } from '../model/step.ts';
import { resolveValue } from '../plan/plan.ts';
import { PlaybookError } from '../errors.ts';

export function resolveFieldsStep(guide: Guide, step: FieldsStep | string, path: PathId, values: Readonly<Record<string, string | undefined>>): ResolvedFieldsStep {
  const s = typeof step === 'string' ? guide.steps.find((x) => x.id === step) : step;
  if (!s || s.kind !== 'fields') throw new PlaybookError('not-a-fields-step', `guide ${guide.meta.id} has no fields step "${String(typeof step === 'string' ? step : step.id)}"`);
  const entries = s.entries.map((e) => {
    const r = resolveValue(guide, e.value, values);
    if (r.missing.length) throw new PlaybookError('missing-value', `step "${s.id}": ${e.label} needs ${r.missing.join(', ')}`, { hint: 'give those fields a value, or run the step that captures them first' });
    return { label: e.label, value: r.value, ...(e.api !== undefined ? { api: e.api } : {}) };
  });
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) clean[k] = v;
  return { step: s, path, entries, values: clean };
}
