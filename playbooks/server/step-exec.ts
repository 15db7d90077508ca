// Runs a guide's command and verify steps for the terminal server: the command comes from the guide
// loaded on the server, values reach it as environment variables, verdicts come from the step's
// exit code and checks. Shaped like the runner's runPlaybook() handle (subscribe/done/cancel) so
// the server only subscribes to events.
import type { Guide } from '../model/guide.ts';
import type { PathId } from '../model/props.ts';
import type { Check, Step } from '../model/step.ts';
import { executableCommand, stepsForPath } from '../plan/plan.ts';
import { describeCheck } from '../plan/describe.ts';

/** A process running one step's script in a pty; output goes to the terminal view as it comes. */
export interface StepProcess {
  onData(listener: (data: string) => void): void;
  /** Resolves with the exit code (128 + signal when killed). */
  readonly exited: Promise<number>;
  /** Stops the whole process group: HUP, then TERM, then KILL; resolves when it is gone. */
  stop(): Promise<void>;
}
export type SpawnStep = (script: string, env: Record<string, string>) => StepProcess;

export type StepEvent =
  | { type: 'step-start'; stepId: string; title: string }
  | { type: 'step-end'; stepId: string; status: 'passed' | 'failed' | 'skipped'; summary: string };

export interface RunStepsOptions {
  path: PathId;
  /** Validated values, captures of earlier runs included. */
  values: Record<string, string>;
  only?: string;
  from?: string;
  spawn: SpawnStep;
  /** Output recorded by earlier runs (for verify steps with step=); updated in place. */
  outputs: Map<string, { output: string; exitCode: number }>;
  /** Captured values; updated in place. */
  captures: Record<string, string>;
  sleep?: (ms: number) => Promise<void>;
}

export interface RunResult {
  ok: boolean;
  cancelled: boolean;
  summary: string;
}

export interface RunHandle {
  subscribe(listener: (e: StepEvent) => void): () => void;
  readonly done: Promise<RunResult>;
  cancel(): void;
}

const MAX_RECORDED = 1 << 20;

export function checkOutput(checks: Check[], output: string, exitCode: number): string[] {
  const failures: string[] = [];
  for (const c of checks) {
    const ok =
      c.type === 'exitCode' ? exitCode === c.equals : c.type === 'contains' ? output.includes(c.text) : c.type === 'notContains' ? !output.includes(c.text) : new RegExp(c.pattern, 'm').test(output);
    if (!ok) failures.push(c.type === 'exitCode' ? `${describeCheck(c)} (was ${exitCode})` : describeCheck(c));
  }
  return failures;
}

export function runSteps(guide: Guide, opts: RunStepsOptions): RunHandle {
  const listeners = new Set<(e: StepEvent) => void>();
  const emit = (e: StepEvent) => listeners.forEach((l) => l(e));
  let cancelled = false;
  let current: StepProcess | undefined;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const runScript = async (template: string, timeoutMs: number): Promise<{ output: string; exitCode: number; error?: string }> => {
    const script = executableCommand(guide, template, { ...opts.values, ...opts.captures });
    if (script.missing.length) return { output: '', exitCode: -1, error: `missing value for ${script.missing.join(', ')}` };
    const proc = opts.spawn(script.script, script.env);
    current = proc;
    let output = '';
    proc.onData((d) => {
      if (output.length < MAX_RECORDED) output += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void proc.stop();
    }, timeoutMs);
    const exitCode = await proc.exited;
    clearTimeout(timer);
    current = undefined;
    return { output, exitCode, ...(timedOut ? { error: `timed out after ${Math.round(timeoutMs / 1000)} s` } : {}) };
  };

  const runOne = async (step: Step): Promise<{ status: 'passed' | 'failed' | 'skipped'; summary: string }> => {
    switch (step.kind) {
      case 'fields':
        return { status: 'skipped', summary: 'enter these settings in the product (or apply them with `cgr-playbook run`)' };
      case 'manual':
        return { status: 'skipped', summary: 'a manual step: do it, then go on' };
      case 'command': {
        const r = await runScript(step.run, step.timeout);
        opts.outputs.set(step.id, { output: r.output, exitCode: r.exitCode });
        if (r.error) return { status: 'failed', summary: r.error };
        if (r.exitCode !== step.expectExit) return { status: 'failed', summary: `exit code ${r.exitCode}, expected ${step.expectExit}` };
        for (const c of step.captures) {
          const m = new RegExp(c.regex, 'm').exec(r.output);
          if (!m?.[c.group]) return { status: 'failed', summary: `could not capture ${c.name} from the output` };
          opts.captures[c.name] = m[c.group]!;
        }
        return { status: 'passed', summary: `exit code ${r.exitCode}` };
      }
      case 'verify': {
        if (step.probes.length) return { status: 'failed', summary: 'registry probes run only in `cgr-playbook run` for now' };
        if (step.step !== undefined) {
          const rec = opts.outputs.get(step.step);
          if (!rec) return { status: 'failed', summary: `run step "${step.step}" first: this check reads its output` };
          const f = checkOutput(step.checks, rec.output, rec.exitCode);
          return f.length ? { status: 'failed', summary: `failed: ${f.join('; ')}` } : { status: 'passed', summary: `${step.checks.length} check(s) passed` };
        }
        let last = '';
        for (let attempt = 0; attempt <= step.retries && !cancelled; attempt++) {
          if (attempt > 0) await sleep(step.interval);
          if (cancelled) break;
          const r = await runScript(step.run!, step.timeout);
          if (r.error) last = r.error;
          else {
            const f = checkOutput(step.checks, r.output, r.exitCode);
            if (!f.length) return { status: 'passed', summary: `${step.checks.length} check(s) passed${attempt ? ` on attempt ${attempt + 1}` : ''}` };
            last = `failed: ${f.join('; ')}`;
          }
        }
        return { status: 'failed', summary: cancelled ? 'cancelled' : last };
      }
    }
  };

  const done = (async (): Promise<RunResult> => {
    await Promise.resolve();
    const planned = stepsForPath(guide, opts.path, { ...opts.values, ...opts.captures });
    const start = planned.findIndex((p) => p.step.id === (opts.only ?? opts.from));
    if (start < 0) return { ok: false, cancelled: false, summary: `step "${opts.only ?? opts.from}" is not on the ${opts.path} path of ${guide.meta.id}` };
    const selected = opts.only !== undefined ? [planned[start]!] : planned.slice(start);
    let passed = 0;
    for (const p of selected) {
      if (cancelled) break;
      emit({ type: 'step-start', stepId: p.step.id, title: p.step.title });
      if (p.skipReason) {
        emit({ type: 'step-end', stepId: p.step.id, status: 'skipped', summary: p.skipReason });
        continue;
      }
      const r = await runOne(p.step);
      const status = cancelled && r.status !== 'passed' ? 'failed' : r.status;
      emit({ type: 'step-end', stepId: p.step.id, status, summary: cancelled && r.status !== 'passed' ? 'cancelled' : r.summary });
      if (status === 'failed') return { ok: false, cancelled, summary: cancelled ? 'cancelled' : `step "${p.step.id}" failed: ${r.summary}` };
      if (status === 'passed') passed++;
    }
    return { ok: !cancelled, cancelled, summary: cancelled ? 'cancelled' : `${passed} step(s) passed` };
  })();

  return {
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    done,
    cancel() {
      cancelled = true;
      void current?.stop();
    },
  };
}
