// Runs steps for the page through the runner (runPlaybook) and turns its events into terminal
// output and step status messages. The guide given to the runner is cut down to the steps asked
// for, so that running one step needs only the values that step uses.
import type { Guide } from '../model/guide.ts';
import type { PathId } from '../model/props.ts';
import { runPlaybook } from '../runner/run.ts';
import type { Prompter, RunHandle, RunResult, SpawnPty } from '../runner/types.ts';
import type { RunnerServices } from '../runner/services.ts';
import { explainFailure, type FailureExplanation } from './explain.ts';

export type StepRunMode = 'run' | 'run-from' | 'apply';

export interface StepRunRequest {
  guide: Guide;
  path: PathId;
  values: Record<string, string>;
  mode: StepRunMode;
  stepId: string;
  /** Values earlier runs of this session captured (in memory only), so a later step or Apply can use them. */
  captured?: Record<string, { value: string; secret: boolean }>;
  onCapture?: (name: string, value: string, secret: boolean) => void;
}

/** The steps the runner gets: the one step (a verify that checks an earlier step's output brings that step along), or every step from it on. */
export function selectSteps(guide: Guide, mode: StepRunMode, stepId: string): Guide['steps'] {
  const i = guide.steps.findIndex((s) => s.id === stepId);
  if (i < 0) return [];
  if (mode === 'run-from') return guide.steps.slice(i);
  const step = guide.steps[i]!;
  if (step.kind === 'verify' && step.step !== undefined) {
    const source = guide.steps.find((s) => s.id === step.step);
    if (source) return [source, step];
  }
  return [step];
}

export interface StepRunSinks {
  /** Masked output and the step banners, for the terminal. */
  output(text: string): void;
  status(stepId: string, status: 'running' | 'passed' | 'failed' | 'skipped', summary?: string, explain?: FailureExplanation): void;
  /** The runner is about to ask the prompter something about this step. */
  asking?(stepId: string | undefined): void;
}

export function startStepRun(
  req: StepRunRequest,
  opts: { spawn: SpawnPty; env: Record<string, string>; cwd: string; cols: number; rows: number; services?: RunnerServices; prompter?: Prompter },
  sinks: StepRunSinks,
): RunHandle {
  const services = opts.services ?? {};
  const guide: Guide = { ...req.guide, steps: selectSteps(req.guide, req.mode, req.stepId) };
  const handle = runPlaybook(guide, {
    path: req.path,
    values: req.values,
    spawn: opts.spawn,
    env: opts.env,
    cwd: opts.cwd,
    cols: opts.cols,
    rows: opts.rows,
    killGraceMs: 500,
    // `apply` checks the step through its adapter ("already done?") and applies it when it is not.
    apply: req.mode === 'apply',
    ...(req.captured ? { captured: req.captured } : {}),
    ...(req.onCapture ? { onCapture: req.onCapture } : {}),
    // The page answers the "did you do it?" of fields and manual steps; its values come from its form.
    ...(opts.prompter ? { prompter: opts.prompter } : {}),
    ...(services.probeRunner ? { probeRunner: services.probeRunner } : {}),
    ...(services.fieldsApplier ? { fieldsApplier: services.fieldsApplier } : {}),
  });
  const started = new Set<string>();
  /** The first failure (or the stop), until the cleanup steps after it are announced, as the CLI's progress display does. */
  let stoppedBy: { id: string; interrupted: boolean } | undefined;
  let cleanupAnnounced = false;
  handle.subscribe((e) => {
    switch (e.type) {
      case 'step-start':
        started.add(e.step.id);
        if (e.step.always && stoppedBy && !cleanupAnnounced) {
          cleanupAnnounced = true;
          sinks.output(`\r\n\x1b[33m${stoppedBy.interrupted ? 'Interrupted; cleaning up (Stop again to stop the cleanup):' : `Cleaning up after step ${stoppedBy.id} failed:`}\x1b[0m\r\n`);
        }
        sinks.output(`\r\n\x1b[1;36m▶ ${e.step.title}\x1b[0m${e.step.always ? '\x1b[2m · cleanup\x1b[0m' : ''}\r\n${e.command ? `\x1b[2m$ ${e.command.replace(/\r?\n/g, '\r\n  ')}\x1b[0m\r\n` : ''}`);
        sinks.status(e.step.id, 'running');
        break;
      case 'step-output':
        sinks.output(e.data);
        break;
      case 'prompt':
        sinks.asking?.(e.stepId);
        break;
      case 'step-end': {
        // Steps left out because the run was stopped get no verdict ("stopped" says it all); those
        // left out because an earlier one failed count as skipped in the run's summary, so they get
        // a skipped badge with the reason (no terminal line).
        if (!started.has(e.step.id) && e.reason === 'not run: interrupted') break;
        const mark = e.verdict === 'passed' ? '\x1b[32m✔ passed' : e.verdict === 'failed' ? '\x1b[31m✘ failed' : '\x1b[33m– skipped';
        if (started.has(e.step.id) || e.verdict !== 'skipped') sinks.output(`\r\n${mark}\x1b[0m${e.reason ? `: ${e.reason}` : ''}\r\n`);
        const step = req.guide.steps.find((s) => s.id === e.step.id);
        const explain = e.verdict === 'failed' && step && e.reason !== 'interrupted' ? explainFailure(req.guide, step, e.record, req.values) : undefined;
        sinks.status(e.step.id, e.verdict, e.reason, explain);
        if (e.verdict === 'failed' && !stoppedBy) stoppedBy = { id: e.step.id, interrupted: e.reason === 'interrupted' };
        break;
      }
      default:
        break;
    }
  });
  return handle;
}

export function summarize(r: RunResult): string {
  if (r.error) return r.error.message;
  const n = (v: string) => r.steps.filter((s) => s.verdict === v).length;
  return r.status === 'interrupted' ? 'stopped' : `${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} skipped`;
}
