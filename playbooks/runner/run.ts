// runPlaybook(): the run of one guide path as a state machine. Each step goes
// pending -> running -> passed | failed | skipped and every change is an event; the CLI
// renderer, the reports and the terminal server only subscribe.
import type { Guide } from '../model/guide.ts';
import type { Field } from '../model/field.ts';
import { checkFieldValue, valueTextProblem } from '../model/field.ts';
import { shownValueProblem } from '../model/field-check.ts';
import type { PathId } from '../model/props.ts';
import { isCleanupStep, type CommandStep, type FieldsStep, type ManualStep, type Step, type VerifyStep } from '../model/step.ts';
import { displayCommand, displayValue, executableCommand, resolveValue, stepsForPath, type PlannedStep } from '../plan/plan.ts';
import { resolveValues } from '../plan/values.ts';
import { describeProbe } from '../plan/describe.ts';
import { createMasker, type Masker } from '../mask/masker.ts';
import { ownValue, valueRecord } from '../model/own.ts';
import { evaluateCondition, parseCondition } from '../model/when.ts';
import type { ResolvedFieldsStep, ResolvedProbe } from '../contracts.ts';
import { boundedDelay, realClock } from './clock.ts';
import { execInPty, type ExecResult } from './exec.ts';
import { loadNodePtySpawn } from './pty.ts';
import { cleanOutput, evaluateCheck, shortOutput, tail } from './output.ts';
import { execBounded, REGEX_DEADLINE_MS } from './regex-match.ts';
import type { Choice, RunError, RunEvent, RunHandle, RunListener, RunOptions, RunResult, SpawnPty, StepInfo, StepRecord, Verdict } from './types.ts';
import { withOwnCommand } from './own-command.ts';
import { formatDuration } from '../format-duration.ts';

interface StepOutcome {
  verdict: Verdict;
  reason?: string;
  /** The technical side of a failure (the condition, the attempts), for reports and a second line. */
  detail?: string;
  exitCode?: number;
  attempts?: number;
}

class RunAbort extends Error {
  constructor() {
    super('interrupted');
  }
}

export function runPlaybook(guide: Guide, options: RunOptions = {}): RunHandle {
  const events: RunEvent[] = [];
  const listeners = new Set<RunListener>();
  // The first cancel() stops the run; cleanup steps (always) then run under a second signal, which
  // a second cancel() aborts.
  const controller = new AbortController();
  const cleanupController = new AbortController();
  const emit = (e: RunEvent) => {
    events.push(e);
    for (const l of [...listeners]) {
      try {
        l(e);
      } catch {
        // a listener's error must not stop the run
      }
    }
  };
  // Start on the next turn so that subscribers attached right after the call see run-start.
  const done = Promise.resolve().then(() => new Run(guide, options, emit, controller.signal, cleanupController.signal).execute());
  return {
    subscribe(listener) {
      for (const e of events) listener(e);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    done,
    cancel() {
      if (!controller.signal.aborted) controller.abort(new RunAbort());
      else if (!cleanupController.signal.aborted) cleanupController.abort(new RunAbort());
    },
  };
}

class Run {
  private readonly clock;
  private readonly ci: boolean;
  private readonly masker: Masker = createMasker();
  /** Field values and captures by name: a record without a prototype, read through ownValue().
   * Written only through setNamed(), which clears `shown`. */
  private readonly values: Record<string, string> = valueRecord<string>();
  /** The values as shown (shownValues()), computed once and again only after a value or a secret was added. */
  private shown: Record<string, string> | undefined;
  private readonly outputs = new Map<string, { output: string; exitCode?: number }>();
  private spawn: SpawnPty | undefined;
  private path: PathId = 'developer';
  private readonly startedAt: number;
  private readonly records: StepRecord[] = [];

  private readonly guide: Guide;
  private readonly opts: RunOptions;
  private readonly emit: (e: RunEvent) => void;
  /** Aborted by the first cancel(): the run is interrupted. */
  private readonly main: AbortSignal;
  /** Aborted by a second cancel(): the cleanup steps that run after an interruption stop too. */
  private readonly cleanupSignal: AbortSignal;
  /** The signal the current step, prompt or wait obeys. */
  private signal: AbortSignal;

  constructor(guide: Guide, opts: RunOptions, emit: (e: RunEvent) => void, signal: AbortSignal, cleanupSignal: AbortSignal) {
    this.guide = guide;
    this.opts = opts;
    this.emit = emit;
    this.signal = signal;
    this.main = signal;
    this.cleanupSignal = cleanupSignal;
    this.clock = opts.clock ?? realClock;
    this.ci = opts.ci ?? false;
    this.spawn = opts.spawn;
    this.startedAt = this.clock.now();
  }

  private get interactive(): boolean {
    return !this.ci && this.opts.prompter !== undefined;
  }

  async execute(): Promise<RunResult> {
    try {
      await this.choosePath();
      const error = await this.resolveAllValues();
      if (error) return this.finish('error', error);
      const planned = stepsForPath(this.guide, this.path, this.values);
      const selError = this.checkSelection(planned);
      if (selError) return this.finish('error', selError);
      await this.runSteps(planned);
      return this.finish(this.main.aborted ? 'interrupted' : this.records.some((r) => r.verdict === 'failed') ? 'failed' : 'passed');
    } catch (e) {
      if (this.main.aborted) return this.finish('interrupted');
      return this.finish('error', { code: 'run-error', message: this.masker.mask(e instanceof Error ? e.message : String(e)) });
    }
  }

  private finish(status: RunResult['status'], error?: RunError): RunResult {
    const exitCode = status === 'passed' ? 0 : status === 'failed' ? 1 : status === 'interrupted' ? 130 : 2;
    const firstFailure = this.records.find((r) => r.verdict === 'failed')?.id;
    // A step's record was written with the secrets known then; one a later step captured is masked now.
    for (const r of this.records) {
      for (const k of ['command', 'reason', 'detail', 'outputTail'] as const) {
        const text = r[k];
        if (text !== undefined) r[k] = this.masker.mask(text);
      }
    }
    const result: RunResult = {
      guide: { id: this.guide.meta.id, title: this.guide.meta.title },
      path: this.path,
      status,
      exitCode,
      steps: this.records,
      startedAt: this.startedAt,
      durationMs: this.clock.now() - this.startedAt,
      dryRun: this.opts.dryRun ?? false,
      ci: this.ci,
      ...(firstFailure !== undefined ? { firstFailure } : {}),
      ...(error ? { error } : {}),
    };
    this.emit({ type: 'run-end', result });
    return result;
  }

  // ---- values -------------------------------------------------------------------------------

  private async prompt<T>(kind: 'field' | 'confirm' | 'choose', message: string, ask: () => Promise<T>, stepId?: string): Promise<T> {
    this.emit({ type: 'prompt', kind, message, ...(stepId ? { stepId } : {}) });
    try {
      return await ask();
    } catch (e) {
      if (this.signal.aborted) throw new RunAbort();
      throw e;
    } finally {
      this.emit({ type: 'prompt-end', kind });
    }
  }

  private async choosePath(): Promise<void> {
    if (this.opts.path) this.path = this.opts.path;
    else if (this.interactive) {
      const choices: Choice<PathId>[] = this.guide.meta.paths.map((p) => ({ value: p.id, label: `${p.title} (${p.id})${p.summary ? ` — ${p.summary}` : ''}` }));
      this.path = await this.prompt('choose', 'Which path?', () => this.opts.prompter!.choose('Which path?', choices, { signal: this.signal }));
    }
  }

  private async askField(field: Field, error?: string, stepId?: string): Promise<string> {
    let message = error;
    for (;;) {
      const answer = await this.prompt('field', field.label, () => this.opts.prompter!.askField(field, { ...(message ? { error: message } : {}), signal: this.signal }), stepId);
      if (answer === '' && field.default !== undefined) return field.default;
      const r = checkFieldValue(field, answer);
      if (r.ok) return r.value;
      message = r.message;
    }
  }

  private setValue(field: Field, value: string): void {
    this.setNamed(field.id, value, field.secret);
  }

  /** A field value or a capture for the steps after it; a secret one is masked from now on. */
  private setNamed(name: string, value: string, secret: boolean): void {
    this.values[name] = value;
    if (secret) this.addSecret(value);
    this.shown = undefined;
  }

  private addSecret(value: string | undefined): void {
    this.masker.add(value);
    this.shown = undefined;
  }

  private async resolveAllValues(): Promise<RunError | undefined> {
    const given = this.opts.values ?? {};
    for (const f of this.guide.fields) if (f.secret) this.addSecret(ownValue(given, f.id));
    const r = resolveValues(this.guide, this.path, given);
    for (const [id, v] of Object.entries(r.values)) {
      const f = this.guide.fields.find((x) => x.id === id)!;
      this.setValue(f, v);
    }
    for (const [name, c] of Object.entries(this.opts.captured ?? {})) {
      if (c === null || typeof c !== 'object' || typeof c.value !== 'string') continue;
      if (this.guide.fields.some((f) => f.id === name)) continue;
      this.setNamed(name, c.value, Boolean(c.secret));
    }
    if (!this.interactive) {
      if (r.invalid.length) {
        return {
          code: 'invalid-values',
          message: `invalid value${r.invalid.length > 1 ? 's' : ''} for ${r.invalid.map((p) => p.field).join(', ')}: ${r.invalid.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
          invalid: r.invalid.map((p) => ({ id: p.field, label: p.label, message: p.message })),
          hint: 'fix the value in --set, the --values file or the environment',
        };
      }
      if (r.missing.length) {
        return {
          code: 'missing-values',
          message: `missing value${r.missing.length > 1 ? 's' : ''} for ${r.missing.map((f) => f.id).join(', ')}`,
          missing: r.missing.map((f) => ({ id: f.id, label: f.label, envVar: f.envVar, secret: f.secret })),
          hint: `give them with --set id=value (not secrets), a --values file, or environment variables (${r.missing.map((f) => f.envVar).join(', ')})`,
        };
      }
      return undefined;
    }
    for (const p of r.invalid) {
      const f = this.guide.fields.find((x) => x.id === p.field)!;
      this.setValue(f, await this.askField(f, p.message));
    }
    for (const f of r.missing) this.setValue(f, await this.askField(f));
    return undefined;
  }

  // ---- steps --------------------------------------------------------------------------------

  private checkSelection(planned: PlannedStep[]): RunError | undefined {
    for (const [flag, id] of [['--from', this.opts.from], ['--only', this.opts.only]] as const) {
      if (id !== undefined && !planned.some((p) => p.step.id === id)) {
        const onOther = this.guide.steps.some((s) => s.id === id);
        return {
          code: 'unknown-step',
          message: onOther ? `step "${id}" (${flag}) is not on the ${this.path} path` : `unknown step "${id}" in ${flag}`,
          hint: `steps of the ${this.path} path: ${planned.map((p) => p.step.id).join(', ')}`,
        };
      }
    }
    return undefined;
  }

  private info(p: PlannedStep): StepInfo {
    return { id: p.step.id, number: p.number, kind: p.step.kind, title: p.step.title, ...(isCleanupStep(p.step) ? { always: true as const } : {}) };
  }

  private displayOf(step: Step): string | undefined {
    if (step.kind === 'command' || (step.kind === 'verify' && step.run !== undefined)) return this.masker.mask(displayCommand(this.guide, step.run!, this.shownValues()));
    return undefined;
  }

  /** The values as text shown to the reader may hold them: each one masked BEFORE it is quoted or
   * placed (a secret inside another value, e.g. a capture, would otherwise be shown in its quoted
   * form, `'pass'\!'word'`, which the masker no longer recognises). Masked once per run and again
   * only when a value or a secret is added (setNamed, addSecret), not for every step and check. */
  private shownValues(): Record<string, string> {
    if (this.shown) return this.shown;
    const out = valueRecord<string>();
    for (const [k, v] of Object.entries(this.values)) out[k] = this.masker.mask(v);
    this.shown = Object.freeze(out);
    return out;
  }

  private async runSteps(planned: PlannedStep[]): Promise<void> {
    const total = planned.length;
    this.emit({ type: 'run-start', guide: { id: this.guide.meta.id, title: this.guide.meta.title }, path: this.path, steps: planned.map((p) => this.info(p)), ci: this.ci, dryRun: this.opts.dryRun ?? false, at: this.startedAt });
    const fromIndex = this.opts.from !== undefined ? planned.findIndex((p) => p.step.id === this.opts.from) : 0;
    let failedAt: string | undefined;
    for (const [i, p] of planned.entries()) {
      const info = this.info(p);
      const skip = (reason: string) => this.end(info, total, { verdict: 'skipped', reason }, 0);
      // Cleanup steps (always) still run after a failure or an interruption, in guide order.
      const cleanup = isCleanupStep(p.step);
      if (this.cleanupSignal.aborted || (this.main.aborted && !cleanup)) skip('not run: interrupted');
      else if (failedAt && !cleanup) skip(`not run: step ${failedAt} failed`);
      else if (this.opts.only !== undefined && p.step.id !== this.opts.only) skip(`not selected (--only ${this.opts.only})`);
      else if (i < fromIndex) skip(`before --from ${this.opts.from}`);
      else if (p.skipReason) skip(p.skipReason);
      else {
        if (this.main.aborted) this.signal = this.cleanupSignal;
        const command = this.displayOf(p.step);
        this.emit({ type: 'step-start', step: info, total, ...(command !== undefined ? { command } : {}), at: this.clock.now() });
        const started = this.clock.now();
        let outcome: StepOutcome;
        this.currentOutput = '';
        if (this.opts.dryRun) outcome = { verdict: 'skipped', reason: 'dry run' };
        else {
          try {
            outcome = await this.runStep(p.step, info);
          } catch (e) {
            outcome = this.signal.aborted || e instanceof RunAbort ? { verdict: 'failed', reason: 'interrupted' } : { verdict: 'failed', reason: this.masker.mask(e instanceof Error ? e.message : String(e)) };
          }
          if (this.signal.aborted && outcome.verdict !== 'failed') outcome = { verdict: 'failed', reason: 'interrupted' };
        }
        this.end(info, total, outcome, this.clock.now() - started, command);
        if (outcome.verdict === 'failed') failedAt ??= p.step.id;
      }
    }
  }

  private currentOutput = '';

  private output(info: StepInfo, data: string): void {
    this.currentOutput = (this.currentOutput + data).slice(-((this.opts.outputTail ?? 4000) * 4));
    this.emit({ type: 'step-output', step: info, data });
  }

  private end(info: StepInfo, total: number, o: StepOutcome, durationMs: number, command?: string): void {
    const outputTail = this.currentOutput ? tail(cleanOutput(this.masker.mask(this.currentOutput)), this.opts.outputTail ?? 4000) : undefined;
    this.currentOutput = '';
    const reason = o.reason !== undefined ? this.masker.mask(o.reason) : undefined;
    const detail = o.detail !== undefined ? this.masker.mask(o.detail) : undefined;
    const record: StepRecord = {
      ...info,
      verdict: o.verdict,
      ...(reason !== undefined ? { reason } : {}),
      ...(detail !== undefined ? { detail } : {}),
      durationMs,
      ...(command !== undefined ? { command } : {}),
      ...(o.exitCode !== undefined ? { exitCode: o.exitCode } : {}),
      ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
      ...(outputTail ? { outputTail } : {}),
    };
    this.records.push(record);
    this.emit({ type: 'step-end', step: info, total, verdict: o.verdict, ...(reason !== undefined ? { reason } : {}), durationMs, record });
  }

  private runStep(step: Step, info: StepInfo): Promise<StepOutcome> {
    switch (step.kind) {
      case 'command':
        return this.runCommand(step, info);
      case 'verify':
        return this.runVerify(step, info);
      case 'fields':
        return this.runFields(step, info);
      case 'manual':
        return this.runManual(step, info);
    }
  }

  /**
   * Values a command or verify step needs but that are not known: the step's outcome when they
   * cannot be had, or undefined once they are filled in (prompted for when interactive). A cleanup
   * step that needs a value an earlier step did not capture has nothing to clean up (the thing was
   * never made): it is skipped, not failed.
   */
  private async supplyMissing(step: Step, missing: string[], info: StepInfo): Promise<StepOutcome | undefined> {
    if (isCleanupStep(step)) {
      for (const name of missing) {
        if (this.guide.fields.some((f) => f.id === name)) continue;
        const by = this.guide.steps.find((s) => s.kind === 'command' && s.captures.some((c) => c.name === name));
        return { verdict: 'skipped', reason: `nothing to clean up: ${by ? `step ${by.id} did not capture ${name}` : `${name} was not captured`}` };
      }
    }
    const problem = await this.fillMissing(missing, info);
    return problem ? { verdict: 'failed', reason: problem } : undefined;
  }

  /** Values a step needs but that are not known: prompted for when interactive. */
  private async fillMissing(missing: string[], info: StepInfo): Promise<string | undefined> {
    const unknown: string[] = [];
    for (const name of missing) {
      const f = this.guide.fields.find((x) => x.id === name);
      if (f && this.interactive) this.setValue(f, await this.askField(f, undefined, info.id));
      else unknown.push(f ? `${name} (set ${f.envVar})` : `${name} (captured by an earlier step that did not run)`);
    }
    return unknown.length ? `no value for ${unknown.join(', ')}` : undefined;
  }

  private async exec(info: StepInfo, script: string, env: Record<string, string>, timeoutMs: number, holdOutput: boolean): Promise<ExecResult> {
    this.spawn ??= await loadNodePtySpawn();
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.opts.env ?? process.env)) if (v !== undefined) base[k] = v;
    return execInPty({
      script,
      env: withOwnCommand({ ...base, ...env }),
      timeoutMs,
      stdin: this.ci ? 'null' : 'pty',
      ...(!this.ci && this.opts.keyboard ? { keyboard: this.opts.keyboard } : {}),
      signal: this.signal,
      masker: this.masker,
      holdOutput,
      onOutput: (d) => this.output(info, d),
      killGroupAfter: this.ci,
      failOnKeyboardRead: this.ci,
      killGraceMs: this.opts.killGraceMs ?? 1500,
      spawn: this.spawn,
      clock: this.clock,
      ...(this.opts.cwd !== undefined ? { cwd: this.opts.cwd } : {}),
      ...(this.opts.cols !== undefined ? { cols: this.opts.cols } : {}),
      ...(this.opts.rows !== undefined ? { rows: this.opts.rows } : {}),
    });
  }

  private execFailure(r: ExecResult, timeoutMs: number): string | undefined {
    if (r.aborted) return 'interrupted';
    if (r.waitedForKeyboard) return 'the command waited for keyboard input (it reads from the terminal) and CI mode has none; give it its input another way (a flag, a file, --password-stdin), or run without --ci';
    if (r.timedOut) {
      return `timed out after ${formatDuration(timeoutMs)}${this.ci ? ' (CI mode has no keyboard: a command that waits for input never gets it; mark it interactive or give it its input another way)' : ''}`;
    }
    return undefined;
  }

  private async runCommand(step: CommandStep, info: StepInfo): Promise<StepOutcome> {
    if (step.interactive && this.ci) {
      return { verdict: 'failed', reason: 'this command reads from the keyboard (interactive) and CI mode has none; run it without --ci, or give its input another way' };
    }
    let sc = executableCommand(this.guide, step.run, this.values);
    if (sc.missing.length) {
      const stop = await this.supplyMissing(step, sc.missing, info);
      if (stop) return stop;
      sc = executableCommand(this.guide, step.run, this.values);
    }
    const timeoutMs = this.opts.timeout ?? step.timeout;
    const holdOutput = step.captures.some((c) => c.secret);
    const r = await this.exec(info, sc.script, sc.env, timeoutMs, holdOutput);
    const clean = cleanOutput(r.output);
    this.outputs.set(step.id, { output: clean, ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}) });
    const outcome = await this.commandOutcome(step, r, clean, timeoutMs);
    if (holdOutput) this.output(info, this.masker.mask(r.output));
    return outcome;
  }

  private async commandOutcome(step: CommandStep, r: ExecResult, clean: string, timeoutMs: number): Promise<StepOutcome> {
    const exitCode = r.exitCode !== undefined ? { exitCode: r.exitCode } : {};
    const stopped = this.execFailure(r, timeoutMs);
    if (stopped) return { verdict: 'failed', reason: stopped, ...exitCode };
    if (r.exitCode !== step.expectExit) return { verdict: 'failed', reason: `exit code ${r.exitCode ?? `none (signal ${r.signal})`}, expected ${step.expectExit}`, ...exitCode };
    for (const [k, c] of step.captures.entries()) {
      const r = await this.matchRegex(step, 'captures', k, c.regex, clean);
      if ('problem' in r) return { verdict: 'failed', reason: r.problem, ...exitCode };
      const value = r.match?.[c.group];
      if (value === undefined) return { verdict: 'failed', reason: `capture ${c.name}: /${c.regex}/ found nothing in the output`, ...exitCode };
      // Later steps get the value in their environment and see it in their commands: the same rules as a field's.
      // A non-secret capture is shown in commands and reaches them as an argument: the rules of a
      // text field's value too (one-line values only for "-": a PEM certificate starts with it).
      const problem = valueTextProblem(value, { multiline: true }) ?? (c.secret ? undefined : shownValueProblem(value, { optionLike: !value.includes('\n') }));
      if (problem) return { verdict: 'failed', reason: `capture ${c.name}: the captured value cannot be passed to later steps: expected ${problem}`, ...exitCode };
      this.setNamed(c.name, value, c.secret);
      this.opts.onCapture?.(c.name, value, c.secret);
    }
    return { verdict: 'passed', ...exitCode };
  }

  /** A guide's regex on a command's output, in a worker with a deadline (a catastrophic pattern must not hang the run). */
  private async matchRegex(step: Step, kind: 'checks' | 'captures', index: number, pattern: string, text: string): Promise<{ match: (string | undefined)[] | null } | { problem: string }> {
    const deadline = boundedDelay(this.opts.regexDeadlineMs ?? REGEX_DEADLINE_MS);
    const r = await execBounded(pattern, 'm', text, deadline);
    if (r.ok) return { match: r.match };
    const at = this.guide.positions?.[`${step.id}/${kind}/${index}`];
    const what = `<${kind === 'checks' ? 'Check' : 'Capture'} regex="${pattern}"> (${kind === 'checks' ? 'check' : 'capture'} ${index + 1} of step ${step.id}${at ? `, ${this.guide.file ?? 'the guide'}:${at.line}:${at.column}` : ''})`;
    if (!r.timedOut) return { problem: `${what} could not run: ${r.error}` };
    return { problem: `${what} was stopped after ${formatDuration(deadline)} on ${text.length} characters of output: the pattern backtracks catastrophically; rewrite it without a repetition inside a repetition, e.g. (a+)+ as a+` };
  }

  private async runVerify(step: VerifyStep, info: StepInfo): Promise<StepOutcome> {
    const attempts = step.step !== undefined && step.probes.length === 0 ? 1 : step.retries + 1;
    let last: StepOutcome = { verdict: 'failed', reason: 'not run' };
    for (let a = 1; a <= attempts; a++) {
      if (a > 1) {
        this.emit({ type: 'step-attempt', step: info, attempt: a, of: attempts, reason: this.masker.mask(last.reason ?? '') });
        await this.clock.sleep(step.interval, this.signal);
      }
      last = await this.verifyAttempt(step, info);
      if (last.verdict === 'passed' || this.signal.aborted || last.reason === 'interrupted') break;
    }
    const tries = Math.min(attempts, this.attemptsMade);
    this.attemptsMade = 0;
    if (last.verdict === 'failed' && tries > 1) last = { ...last, detail: last.detail !== undefined ? `${last.detail} (after ${tries} attempts)` : `after ${tries} attempts` };
    return { ...last, attempts: tries };
  }

  private attemptsMade = 0;

  private async verifyAttempt(step: VerifyStep, info: StepInfo): Promise<StepOutcome> {
    this.attemptsMade++;
    const timeoutMs = this.opts.timeout ?? step.timeout;
    let output = '';
    let exitCode: number | undefined;
    if (step.run !== undefined) {
      let sc = executableCommand(this.guide, step.run, this.values);
      if (sc.missing.length) {
        const stop = await this.supplyMissing(step, sc.missing, info);
        if (stop) return stop;
        sc = executableCommand(this.guide, step.run, this.values);
      }
      const r = await this.exec(info, sc.script, sc.env, timeoutMs, false);
      const stopped = this.execFailure(r, timeoutMs);
      if (stopped) return { verdict: 'failed', reason: stopped };
      output = cleanOutput(r.output);
      exitCode = r.exitCode;
    } else if (step.step !== undefined) {
      const rec = this.outputs.get(step.step);
      if (!rec) return { verdict: 'failed', reason: `step ${step.step} did not run in this run, so there is no output to check (run from it with --from ${step.step})` };
      output = rec.output;
      exitCode = rec.exitCode;
    }
    const problems: string[] = [];
    let expected: { success: string; got: string } | undefined;
    for (const [k, check] of step.checks.entries()) {
      let problem: string | undefined;
      if (check.type === 'regex') {
        // A guide's regex runs in a worker with a deadline (matchRegex), never on this thread.
        const r = await this.matchRegex(step, 'checks', k, check.pattern, output);
        if ('problem' in r) return { verdict: 'failed', reason: r.problem, ...(exitCode !== undefined ? { exitCode } : {}) };
        if (!r.match) problem = `output does not match /${check.pattern}/`;
      } else {
        const resolved = check.type === 'contains' || check.type === 'notContains' ? { ...check, text: resolveValue(this.guide, check.text, this.values).value } : check;
        problem = evaluateCheck(resolved, exitCode, output).message;
      }
      if (problem === undefined) continue;
      problems.push(problem);
      expected ??= { success: this.successText(check.success), got: check.type === 'exitCode' ? `exit code ${exitCode ?? 'none'}` : shortOutput(this.masker.mask(output)) };
    }
    if (expected) return { verdict: 'failed', reason: `expected: ${expected.success}; got: ${expected.got}`, detail: problems.join('; '), ...(exitCode !== undefined ? { exitCode } : {}) };
    for (const probe of step.probes) {
      const what = describeProbe(this.guide, probe, this.values);
      const runner = this.opts.probeRunner;
      if (!runner) return { verdict: 'failed', reason: `no probe runner is available to ${what}` };
      const missing: string[] = [];
      const res = (t: string | undefined) => {
        if (t === undefined) return undefined;
        const r = resolveValue(this.guide, t, this.values);
        missing.push(...r.missing);
        return r.value;
      };
      const { image, username, password, upstream, caFile, success: _success, credentialsWhen, ...rest } = probe;
      const resolved: ResolvedProbe = { ...rest, image: res(image)! };
      // credentialsWhen false: an anonymous pull, so the credentials are neither resolved nor asked for.
      const cond = credentialsWhen !== undefined ? parseCondition(credentialsWhen) : undefined;
      const withCredentials = !cond || evaluateCondition(cond, this.values);
      const u = withCredentials ? res(username) : undefined;
      const pw = withCredentials ? res(password) : undefined;
      const up = res(upstream);
      if (u !== undefined) resolved.username = u;
      if (pw !== undefined) resolved.password = pw;
      if (up !== undefined) resolved.upstream = up;
      const ca = res(caFile);
      if (ca !== undefined) resolved.caFile = ca;
      if (missing.length) {
        const stop = await this.supplyMissing(step, [...new Set(missing)], info);
        if (stop) return stop;
        this.attemptsMade--;
        return this.verifyAttempt(step, info);
      }
      const r = await runner.run(resolved, AbortSignal.any([this.signal, AbortSignal.timeout(boundedDelay(timeoutMs))]));
      this.output(info, this.masker.mask(`${r.ok ? '✔' : '✘'} ${r.summary}\r\n`));
      if (!r.ok) {
        const d = r.diagnosis ? ` — ${r.diagnosis.cause}; fix: ${r.diagnosis.fix}` : '';
        return { verdict: 'failed', reason: `expected: ${this.successText(probe.success)}; got: ${r.summary}${d}`, detail: what };
      }
    }
    return { verdict: 'passed', ...(exitCode !== undefined ? { exitCode } : {}) };
  }

  /** A success statement with its `{{refs}}` filled in (secrets masked). */
  private successText(template: string): string {
    return this.masker.mask(displayValue(this.guide, template, this.shownValues()));
  }

  private async runFields(step: FieldsStep, info: StepInfo): Promise<StepOutcome> {
    const applier = this.opts.fieldsApplier;
    if (this.opts.apply && applier?.canApply(step)) {
      const missing: string[] = [];
      const entries = step.entries.map((e) => {
        const r = resolveValue(this.guide, e.value, this.values);
        missing.push(...r.missing);
        return { label: e.label, value: r.value, ...(e.api !== undefined ? { api: e.api } : {}) };
      });
      if (missing.length) {
        const problem = await this.fillMissing([...new Set(missing)], info);
        if (problem) return { verdict: 'failed', reason: problem };
        return this.runFields(step, info);
      }
      const resolved: ResolvedFieldsStep = { step, path: this.path, entries, values: Object.assign(valueRecord<string>(), this.values) };
      if (applier.check) {
        const c = await applier.check(resolved, this.signal);
        if (c.ok) return { verdict: 'skipped', reason: `already done: ${c.summary}` };
        this.output(info, this.masker.mask(`${c.summary}\r\n`));
      }
      const a = await applier.apply(resolved, this.signal);
      this.output(info, this.masker.mask(`${a.summary}\r\n`));
      return { verdict: 'passed', reason: a.changed ? `applied: ${a.summary}` : `already configured: ${a.summary}` };
    }
    const lines: string[] = [];
    const shown = this.shownValues();
    if (step.screen) lines.push(`In ${displayValue(this.guide, step.screen, shown)}:`);
    const width = Math.max(...step.entries.map((e) => e.label.length));
    for (const e of step.entries) lines.push(`  ${e.label.padEnd(width)}  ${displayValue(this.guide, e.value, shown)}${e.note ? `   (${e.note})` : ''}`);
    this.output(info, lines.join('\r\n') + '\r\n');
    const why = this.opts.apply ? (step.apply ? `no adapter for "${step.apply}" is available` : 'this step has no adapter') : step.apply ? `enter these in the product's UI, or use --apply (adapter "${step.apply}")` : "enter these in the product's UI";
    if (!this.interactive) return { verdict: 'skipped', reason: `${this.ci ? 'CI mode' : 'no prompter'}: ${why}` };
    const yes = await this.prompt('confirm', 'Done?', () => this.opts.prompter!.confirm(`Entered these in ${step.screen ? 'the screen above' : 'the product'}? Continue`, { defaultYes: true, signal: this.signal }), info.id);
    return yes ? { verdict: 'passed', reason: 'confirmed by the operator' } : { verdict: 'skipped', reason: 'the operator skipped it' };
  }

  private async runManual(step: ManualStep, info: StepInfo): Promise<StepOutcome> {
    if (!this.interactive) {
      if (step.ci === 'provided') {
        const missing = step.provides.filter((id) => ownValue(this.values, id) === undefined);
        if (missing.length === 0) return { verdict: 'passed', reason: `provided: ${step.provides.join(', ')}` };
        return { verdict: 'skipped', reason: `manual step; its CI stand-in needs values for ${missing.join(', ')}` };
      }
      return { verdict: 'skipped', reason: `manual step: ${this.ci ? 'CI mode cannot do it' : 'no prompter'}` };
    }
    if (step.description) this.output(info, step.description.replace(/\n/g, '\r\n') + '\r\n');
    const question = step.ask ?? `Done: ${step.title}?`;
    const yes = await this.prompt('confirm', question, () => this.opts.prompter!.confirm(question, { defaultYes: true, signal: this.signal }), info.id);
    if (!yes) return { verdict: 'skipped', reason: 'the operator skipped it' };
    for (const id of step.provides) {
      const f = this.guide.fields.find((x) => x.id === id);
      if (f && ownValue(this.values, id) === undefined) this.setValue(f, await this.askField(f, undefined, info.id));
    }
    return { verdict: 'passed', reason: 'confirmed by the operator' };
  }
}
