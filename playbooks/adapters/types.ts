// What each product adapter offers: apply a `fields` step, and check it ("already done?").
import type { ApplyResult, CheckResult, ResolvedFieldsStep } from '../contracts.ts';

export interface AdapterOptions {
  /** Injectable fetch (tests); default the global one. */
  fetch?: typeof fetch;
  /** Time limit of one API request (default 15 s). */
  timeoutMs?: number;
  /** Wait used before retrying a 429 (tests record it instead of waiting); default a real timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ProductAdapter {
  /** The `apply` name a guide's fields step uses, e.g. "nexus.docker-proxy". */
  name: string;
  product: string;
  /** Creates or updates; rerun with the same values → changed=false. Throws AdapterError with a diagnosis. */
  apply(step: ResolvedFieldsStep, signal: AbortSignal): Promise<ApplyResult>;
  /** Reads back and checks the guide's rules; never throws for product/network failures (they become `diagnosis`). */
  check(step: ResolvedFieldsStep, signal: AbortSignal): Promise<CheckResult>;
}

export type Problem = NonNullable<CheckResult['problems']>[number];

export function summarizeProblems(what: string, problems: Problem[]): string {
  return `${what}: ${problems.map((p) => `${p.field} is ${p.actual}, expected ${p.expected}`).join('; ')}`;
}
