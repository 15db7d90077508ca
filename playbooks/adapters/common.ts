// Small helpers every adapter uses: reading a guide value the adapter needs, and turning a failure
// into a CheckResult (checks report, they do not throw).
import type { CheckResult, ResolvedFieldsStep } from '../contracts.ts';
import { AdapterError } from './http.ts';

/** A guide value by field id; missing or empty is an AdapterError naming the field. */
export function requireValue(step: ResolvedFieldsStep, id: string): string {
  const v = step.values[id];
  if (v === undefined || v === '') {
    throw new AdapterError({ code: 'MISSING_VALUE', cause: `step "${step.step.id}" needs a value for field ${id} to use the product's API`, fix: `give ${id} a value (--set ${id}=..., a values file, or the prompt; secrets through their environment variable)` });
  }
  return v;
}

export function checkFailure(e: unknown): CheckResult {
  if (e instanceof AdapterError) return { ok: false, summary: e.diagnosis.cause, diagnosis: e.diagnosis };
  throw e;
}
