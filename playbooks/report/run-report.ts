// Reports of a run: JSON (the RunResult with counts) and JUnit XML (one test case per step).
// Both are built from records the runner already masked; `mask` is applied again, as a second
// line of defence, to every string of the data before it is encoded (never to the encoded text:
// a secret that is also JSON or XML syntax, such as `true` or `1`, would break the file, and one
// the encoder escapes would no longer be found).
import type { RunResult, StepRecord } from '../runner/types.ts';
import { junitXml, type JUnitCase } from './junit.ts';

/** Where the guide's steps are written: JUnit cases get `file` and `line` from it. */
export interface ReportSource {
  file?: string;
  positions?: Readonly<Record<string, { line: number; column: number }>>;
}

export interface RunCounts {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
}

export interface JsonRunReport {
  /** Format id; bumped when fields change meaning. */
  format: 'cgr-playbook-run/1';
  guide: { id: string; title: string };
  path: string;
  status: RunResult['status'];
  exitCode: number;
  /** True when the run was interrupted and the report holds only what ran until then. */
  partial: boolean;
  ci: boolean;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  counts: RunCounts;
  /** Id of the first failed step: the run's cause, even when a cleanup step failed after it. */
  firstFailure?: string;
  error?: RunResult['error'];
  steps: StepRecord[];
}

/** A copy of `value` with `mask` applied to every string in it (object keys are the report's own names). */
export function maskStrings<T>(value: T, mask: (s: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskStrings(v, mask)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskStrings(v, mask);
    return out as T;
  }
  return value;
}

export function countSteps(steps: readonly StepRecord[]): RunCounts {
  const n = (v: StepRecord['verdict']) => steps.filter((s) => s.verdict === v).length;
  return { total: steps.length, passed: n('passed'), failed: n('failed'), skipped: n('skipped') };
}

export function jsonReport(result: RunResult): JsonRunReport {
  return {
    format: 'cgr-playbook-run/1',
    guide: result.guide,
    path: result.path,
    status: result.status,
    exitCode: result.exitCode,
    partial: result.status === 'interrupted',
    ci: result.ci,
    dryRun: result.dryRun,
    startedAt: new Date(result.startedAt).toISOString(),
    durationMs: result.durationMs,
    counts: countSteps(result.steps),
    ...(result.firstFailure !== undefined ? { firstFailure: result.firstFailure } : {}),
    ...(result.error ? { error: result.error } : {}),
    steps: result.steps,
  };
}

export function jsonReportText(result: RunResult, mask: (s: string) => string = (s) => s): string {
  return JSON.stringify(maskStrings(jsonReport(result), mask), null, 2) + '\n';
}

function stepCase(result: RunResult, s: StepRecord, source: ReportSource): JUnitCase {
  const line = source.positions?.[s.id]?.line;
  const c: JUnitCase = {
    name: `${String(s.number).padStart(2, '0')} ${s.id}: ${s.title}${s.always ? ' (cleanup)' : ''}`,
    classname: `cgr-playbook.${result.guide.id}.${result.path}`,
    time: s.durationMs / 1000,
    ...(source.file !== undefined ? { file: source.file, ...(line !== undefined ? { line } : {}) } : {}),
  };
  if (s.verdict === 'failed') {
    const body = [s.reason ?? 'failed', s.detail ?? '', s.command ? `$ ${s.command}` : '', s.outputTail ? `--- output (last part) ---\n${s.outputTail}` : ''].filter(Boolean).join('\n');
    c.failure = { message: s.reason ?? 'failed', body };
  }
  if (s.verdict === 'skipped') c.skipped = s.reason ?? 'skipped';
  if (s.outputTail) c.output = s.outputTail;
  return c;
}

export function junitReportText(result: RunResult, mask: (s: string) => string = (s) => s, source: ReportSource = {}): string {
  const cases = result.steps.map((s) => stepCase(result, s, source));
  if (result.error) {
    const detail = [result.error.message, result.error.hint ? `hint: ${result.error.hint}` : ''].filter(Boolean).join('\n');
    cases.unshift({ name: '00 configuration', classname: `cgr-playbook.${result.guide.id}.${result.path}`, time: 0, ...(source.file !== undefined ? { file: source.file, line: 1 } : {}), failure: { message: result.error.message, body: detail } });
  }
  const suite = { name: `${result.guide.id} (${result.path})${result.status === 'interrupted' ? ' — interrupted, partial' : ''}`, cases, time: result.durationMs / 1000 };
  return junitXml([maskStrings(suite, mask)]);
}

export type ReportKind = 'junit' | 'json';

export function reportText(kind: ReportKind, result: RunResult, mask?: (s: string) => string, source?: ReportSource): string {
  return kind === 'junit' ? junitReportText(result, mask, source) : jsonReportText(result, mask);
}
