// The runner's public types: options, injected parts (spawn, prompter, clock, keyboard) and the
// events a run emits. Types only.
import type { Field } from '../model/field.ts';
import type { Guide } from '../model/guide.ts';
import type { PathId } from '../model/props.ts';
import type { StepKind } from '../model/step.ts';
import type { FieldsApplier, ProbeRunner } from '../contracts.ts';

export type Verdict = 'passed' | 'failed' | 'skipped';
export type StepState = 'pending' | 'running' | Verdict;

/** Something that holds a resource until disposed. */
export interface Disposable {
  dispose(): void;
}

export interface SpawnOptions {
  /** Complete environment of the command. */
  env: Record<string, string>;
  cwd?: string;
  cols?: number;
  rows?: number;
  /** `null`: the command's stdin is /dev/null (CI: no keyboard); `pty`: it reads the terminal. */
  stdin: 'pty' | 'null';
}

export interface PtyExit {
  exitCode: number;
  /** Signal number that ended the process, when one did. */
  signal?: number;
}

/** A command running in a pseudo-terminal, in a process group (and session) of its own. */
export interface PtyProcess extends Disposable {
  /** Pid of the shell; also the id of its process group. */
  readonly pid: number;
  onData(listener: (data: string) => void): Disposable;
  onExit(listener: (exit: PtyExit) => void): Disposable;
  write(data: string): void;
  resize?(cols: number, rows: number): void;
  /** Sends a signal to the command's whole process group. */
  killGroup(signal: 'SIGHUP' | 'SIGTERM' | 'SIGKILL' | 'SIGINT'): void;
}

/** Starts `bash -c <script>` in a new pty (and so a new session and process group). */
export type SpawnPty = (script: string, options: SpawnOptions) => PtyProcess;

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The operator's keyboard, passed through to interactive commands. */
export interface Keyboard {
  /** Sends every keystroke to `onData` until disposed. */
  attach(onData: (data: string) => void): Disposable;
}

export interface Choice<T extends string> {
  value: T;
  label: string;
}

/** Asks the operator. Every method may reject when the run is cancelled. */
export interface Prompter {
  /** One field's value; `error` is the message of the previous, rejected answer. Secrets are read hidden. */
  askField(field: Field, opts: { initial?: string; error?: string; signal: AbortSignal }): Promise<string>;
  confirm(message: string, opts: { defaultYes?: boolean; signal: AbortSignal }): Promise<boolean>;
  choose<T extends string>(message: string, choices: Choice<T>[], opts: { signal: AbortSignal }): Promise<T>;
}

export interface RunOptions {
  /** Path to run; asked with the prompter when missing and interactive, else `developer`. */
  path?: PathId;
  /** Raw field values by id (from --set, a values file, the environment). Checked and defaulted here. */
  values?: Record<string, string | undefined>;
  /** Never prompt; interactive commands fail fast; manual and fields steps are skipped unless stood in for. */
  ci?: boolean;
  /** Plan only: every step is reported as skipped ("dry run"); nothing runs. */
  dryRun?: boolean;
  /** Start at this step id (earlier steps are skipped). */
  from?: string;
  /** Run only this step id. */
  only?: string;
  /** Overrides every command's and verify attempt's time limit (ms). */
  timeout?: number;
  /** Apply `fields` steps through the fields applier where it can. */
  apply?: boolean;
  /** Base environment of the commands (default: this process's). Field values are added as CGR_* variables. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Grace between HUP, TERM and KILL when stopping a command's process group (default 1500 ms). */
  killGraceMs?: number;
  /** Longest a <Check regex> or <Capture regex> may take on one output before it is stopped and the step fails (default 2000 ms). */
  regexDeadlineMs?: number;
  /** Keep at most this many characters of each step's output for reports (default 4000). */
  outputTail?: number;
  /** Injected parts; defaults: node-pty, no prompter (as in CI), the real clock, no keyboard. */
  spawn?: SpawnPty;
  prompter?: Prompter;
  clock?: Clock;
  keyboard?: Keyboard;
  probeRunner?: ProbeRunner;
  fieldsApplier?: FieldsApplier;
  /** Values captured by earlier runs (a page session runs one step at a time), by capture name; a name that is a field's id is ignored, secret ones are masked. */
  captured?: Record<string, { value: string; secret: boolean }>;
  /** Called with each value a step captures (keep it in memory only: a secret capture is a secret). */
  onCapture?: (name: string, value: string, secret: boolean) => void;
  /** Terminal size of the commands' pty. */
  cols?: number;
  rows?: number;
}

export interface StepInfo {
  id: string;
  /** 1-based number on the path. */
  number: number;
  kind: StepKind;
  title: string;
  /** A cleanup step (`always`): it runs even after a failure or an interruption. */
  always?: true;
}

export interface StepRecord extends StepInfo {
  verdict: Verdict;
  /** Why it failed or was skipped; a failed check reads "expected: <success>; got: <what came back>". */
  reason?: string;
  /** The technical side of a failure: the condition that failed (a regex, a probe), the attempts. */
  detail?: string;
  durationMs: number;
  /** Command as shown (secrets as "$CGR_..."). */
  command?: string;
  exitCode?: number;
  attempts?: number;
  /** Last part of the step's output, masked and without terminal control codes. */
  outputTail?: string;
}

export interface RunError {
  code: string;
  message: string;
  hint?: string;
  /** For `missing-values`: every field that needs a value. */
  missing?: Array<{ id: string; label: string; envVar: string; secret: boolean }>;
  invalid?: Array<{ id: string; label: string; message: string }>;
}

export interface RunResult {
  guide: { id: string; title: string };
  path: PathId;
  status: 'passed' | 'failed' | 'interrupted' | 'error';
  /** 0 all passed (or skipped), 1 a step failed, 2 configuration error, 130 interrupted. */
  exitCode: 0 | 1 | 2 | 130;
  steps: StepRecord[];
  startedAt: number;
  durationMs: number;
  dryRun: boolean;
  ci: boolean;
  /** Id of the first step that failed: the run's cause even when a cleanup step failed after it. */
  firstFailure?: string;
  error?: RunError;
}

export type RunEvent =
  | { type: 'run-start'; guide: { id: string; title: string }; path: PathId; steps: StepInfo[]; ci: boolean; dryRun: boolean; at: number }
  | { type: 'step-start'; step: StepInfo; total: number; command?: string; at: number }
  | { type: 'step-attempt'; step: StepInfo; attempt: number; of: number; reason: string }
  /** Masked output of the running command (or a fields step's entries, a probe's summary). */
  | { type: 'step-output'; step: StepInfo; data: string }
  | { type: 'step-end'; step: StepInfo; total: number; verdict: Verdict; reason?: string; durationMs: number; record: StepRecord }
  | { type: 'prompt'; kind: 'field' | 'confirm' | 'choose'; message: string; stepId?: string }
  | { type: 'prompt-end'; kind: 'field' | 'confirm' | 'choose' }
  | { type: 'run-end'; result: RunResult };

export type RunListener = (event: RunEvent) => void;

export interface RunHandle {
  /** Receives every event from now on (and a replay of those already emitted). Returns the unsubscribe. */
  subscribe(listener: RunListener): () => void;
  done: Promise<RunResult>;
  /** Stops the run: the running command's process group gets HUP, TERM, KILL; the result is `interrupted`. */
  cancel(): void;
}

export type { Guide };
