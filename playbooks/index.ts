// The public API of cgr-playbook (package "exports"): load guides, plan them, run them, report.
// The CLI (playbooks/cli) and the terminal server are thin layers over these.
export { runPlaybook, formatDuration } from './runner/run.ts';
export type {
  RunOptions,
  RunHandle,
  RunResult,
  RunEvent,
  RunListener,
  RunError,
  StepRecord,
  StepInfo,
  StepState,
  Verdict,
  SpawnPty,
  SpawnOptions,
  PtyProcess,
  PtyExit,
  Prompter,
  Choice,
  Clock,
  Keyboard,
  Disposable,
} from './runner/types.ts';
export { realClock } from './runner/clock.ts';
export { loadNodePtySpawn, groupAlive, groupMembers } from './runner/pty.ts';
export { setDefaultServices, getDefaultServices, loadDefaultServices, type RunnerServices } from './runner/services.ts';
export { cleanOutput, stripAnsi } from './runner/output.ts';

export { getGuide, getGuide as loadGuide, loadAllGuides, listGuideFiles, contentDir, packageRoot } from './guides.ts';
export { loadGuideFile, loadGuideSource, type LoadResult } from './extract/load.ts';

export * from './model/index.ts';
export { stepsForPath, displayCommand, displayValue, executableCommand, resolveValue, type PlannedStep } from './plan/plan.ts';
export { resolveValues, fieldsForPath, usedFields, type ResolvedValues, type ValueProblem } from './plan/values.ts';
export { describePlan, type DescribedPlan, type DescribedStep, type DescribedField } from './plan/describe.ts';

export { createMasker, secretForms, MASK, type Masker, type StreamMasker } from './mask/masker.ts';
export { jsonReport, jsonReportText, junitReportText, reportText, countSteps, type JsonRunReport, type RunCounts, type ReportKind } from './report/run-report.ts';

export type { ProbeRunner, ResolvedProbe, ProbeResult, FieldsApplier, ResolvedFieldsStep, ApplyResult, CheckResult, Diagnosis } from './contracts.ts';
export { PlaybookError } from './errors.ts';
export { VERSION } from './version.ts';
