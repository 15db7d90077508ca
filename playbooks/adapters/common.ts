// Small helpers every adapter uses: its transport settings, reading a guide value the adapter needs,
// and turning a failure into a CheckResult (checks report, they do not throw).
import type { CheckResult, ResolvedFieldsStep } from '../contracts.ts';
import { AdapterError, DEFAULT_RATE_LIMIT, type ApiTarget } from './http.ts';
import type { AdapterOptions } from './types.ts';

/** The transport settings every adapter's ApiTarget takes from its options: time limit, fetch, and the wait before a 429 retry. */
export function transport(opts: AdapterOptions): Pick<ApiTarget, 'timeoutMs' | 'fetch' | 'rateLimit'> {
  return {
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.sleep ? { rateLimit: { ...DEFAULT_RATE_LIMIT, sleep: opts.sleep } } : {}),
  };
}

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
