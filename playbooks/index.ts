// The public API of cgr-playbook (package "exports"): load guides, plan them, run them, report.
// The CLI (playbooks/cli) and the terminal server are thin layers over these.
export { runPlaybook } from './runner/run.ts';
export { formatDuration } from './format-duration.ts';
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

export { createFieldsApplier, productAdapters, resolveFieldsStep, AdapterError, ADAPTER_NAMES, type AdapterOptions, type ProductAdapter, type Problem } from './adapters/index.ts';
export { runDoctor, formatDoctorReport, CHAINGUARD_HOSTS, type DoctorOptions, type DoctorReport, type DoctorCheck } from './doctor/index.ts';
export type { ProbeRunner, ResolvedProbe, ProbeResult, FieldsApplier, ResolvedFieldsStep, ApplyResult, CheckResult, Diagnosis } from './contracts.ts';
export { PlaybookError } from './errors.ts';
export { VERSION } from './version.ts';

// Registry verification and the local lab (stand-in for cgr.dev).
export { createProbeRunner, upstreamTarget, DEFAULT_UPSTREAM, type ProbeRunnerOptions } from './probes/index.ts';
export { RegistryClient, RegistryError, pullImage, parseReference, formatReference, parseChallenges, type RegistryClientOptions, type PullResult, type ImageReference } from './oci/index.ts';
export { labUp, labStatus, labDown, issueToken, defaultStateDir, startDistribution, type LabState, type LabStatus, type LabUpOptions, type IssuedToken, type StartDistributionOptions, type RunningDistribution, type ProxyOptions } from './lab/index.ts';
