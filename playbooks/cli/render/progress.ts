// Progress display of a run: subscribes to the runner's events. On a TTY: a spinner line with the
// step number and elapsed time under the live output; otherwise plain lines, no control codes.
import type { RunEvent, RunListener, RunResult, StepInfo, Verdict } from '../../runner/types.ts';
import { formatDuration } from '../../format-duration.ts';
import type { Style } from './style.ts';
import { createAnsiStripper } from '../../runner/output.ts';
import { createOutputGate, terminalSafe } from './terminal-safe.ts';

export interface ProgressOptions {
  write(text: string): void;
  tty: boolean;
  style: Style;
  /** For tests: a fixed clock. */
  now?: () => number;
  /** Running as a Buildkite job: commands' output cannot start a log group either (terminal-safe.ts). */
  buildkite?: boolean;
  /** GitHub Actions' workflow commands are stopped for the run (github.ts): output lines starting
   * `::` are left as they are; otherwise their second `:` is written as \x3a. */
  githubStopped?: boolean;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressRenderer {
  listener: RunListener;
  /** Stops the spinner (call once the run has ended). */
  dispose(): void;
}

export function verdictMark(v: Verdict, style: Style): string {
  return v === 'passed' ? style.green('✔ passed') : v === 'failed' ? style.red('✘ failed') : style.yellow('↷ skipped');
}

export function createProgressRenderer(o: ProgressOptions): ProgressRenderer {
  const now = o.now ?? (() => Date.now());
  const { style } = o;
  let atLineStart = true;
  let spinnerShown = false;
  let frame = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: { step: StepInfo; total: number; started: number } | undefined;
  let prompting = false;
  /** The first failure, until the cleanup steps after it are announced. */
  let stoppedBy: { id: string; interrupted: boolean } | undefined;
  let cleanupAnnounced = false;
  /** Not a terminal: commands' output as plain text (escape sequences removed, also one cut by a read). */
  const plain = createAnsiStripper();
  /** Commands' output, read by read, through the terminal gate's CI-command part: no other CI's log
   * command can form in it, also across two reads. */
  const gate = createOutputGate({ buildkite: o.buildkite ?? false, githubStopped: o.githubStopped ?? false });

  const clearSpinner = () => {
    if (spinnerShown) {
      o.write('\r\u001b[K');
      spinnerShown = false;
    }
  };
  const drawSpinner = () => {
    if (!o.tty || !running || !atLineStart || prompting) return;
    const r = running;
    o.write(`\r\u001b[K${style.cyan(SPINNER[frame++ % SPINNER.length]!)} ${style.dim(`[${r.step.number}/${r.total}] ${r.step.title} · ${formatDuration(now() - r.started)}`)}`);
    spinnerShown = true;
  };
  const line = (text: string) => {
    clearSpinner();
    if (!atLineStart) o.write('\n');
    o.write(text + '\n');
    atLineStart = true;
    gate.lineStarts();
  };
  const output = (data: string) => {
    clearSpinner();
    const text = gate.write(o.tty ? data : plain(data).replace(/\r+\n/g, '\n'));
    if (!text) return;
    o.write(text);
    atLineStart = /\n$/.test(text);
  };

  const listener = (e: RunEvent) => {
    switch (e.type) {
      case 'run-start': {
        const mode = [e.ci ? 'CI mode' : '', e.dryRun ? 'dry run: nothing is executed' : ''].filter(Boolean).join(', ');
        line(style.bold(terminalSafe(e.guide.title)));
        line(style.dim(`path: ${e.path} · ${e.steps.length} steps${mode ? ` · ${mode}` : ''}`));
        break;
      }
      case 'step-start':
        if (e.step.always && stoppedBy && !cleanupAnnounced) {
          cleanupAnnounced = true;
          line('');
          line(style.yellow(stoppedBy.interrupted ? 'Interrupted; cleaning up (interrupt again to stop the cleanup):' : `Cleaning up after step ${stoppedBy.id} failed:`));
        }
        line('');
        line(`${style.bold(`[${e.step.number}/${e.total}]`)} ${terminalSafe(e.step.title)} ${style.dim(`(${e.step.id})`)}${e.step.always ? style.dim(' · cleanup') : ''}`);
        if (e.command !== undefined) line(terminalSafe(e.command).split('\n').map((l, i) => style.dim(i === 0 ? `$ ${l}` : `  ${l}`)).join('\n'));
        running = { step: e.step, total: e.total, started: now() };
        if (o.tty && !timer) {
          timer = setInterval(drawSpinner, 80);
          timer.unref?.();
        }
        drawSpinner();
        break;
      case 'step-output':
        output(e.data);
        drawSpinner();
        break;
      case 'step-attempt':
        line(style.yellow(`  attempt ${e.attempt}/${e.of} (last: ${terminalSafe(e.reason)})`));
        break;
      case 'step-end': {
        const wasRunning = running?.step.id === e.step.id;
        running = undefined;
        if (!wasRunning) {
          // Skipped without running: one line.
          line(`${style.dim(`[${e.step.number}/${e.total}]`)} ${terminalSafe(e.step.title)} ${style.dim(`(${e.step.id})`)} ${verdictMark(e.verdict, style)}${e.reason ? style.dim(` — ${terminalSafe(e.reason)}`) : ''}`);
        } else {
          line(`${verdictMark(e.verdict, style)} ${style.dim(formatDuration(e.durationMs))}${e.reason ? ` — ${terminalSafe(e.reason)}` : ''}`);
          if (e.verdict === 'failed' && e.record.detail) line(style.dim(`  ${terminalSafe(e.record.detail)}`));
        }
        if (e.verdict === 'failed' && !stoppedBy) stoppedBy = { id: e.step.id, interrupted: e.reason === 'interrupted' };
        break;
      }
      case 'prompt':
        clearSpinner();
        prompting = true;
        if (!atLineStart) {
          o.write('\n');
          atLineStart = true;
        }
        break;
      case 'prompt-end':
        prompting = false;
        break;
      case 'run-end':
        if (timer) clearInterval(timer);
        timer = undefined;
        clearSpinner();
        if (e.result.status !== 'error') for (const l of summaryLines(e.result, style)) line(l);
        break;
    }
  };
  return {
    listener,
    dispose() {
      if (timer) clearInterval(timer);
      timer = undefined;
      clearSpinner();
    },
  };
}

export function summaryLines(result: RunResult, style: Style): string[] {
  const n = (v: Verdict) => result.steps.filter((s) => s.verdict === v).length;
  const head =
    result.status === 'interrupted'
      ? style.red('Interrupted')
      : result.status === 'failed'
        ? style.red('Failed')
        : style.green(result.dryRun ? 'Dry run' : 'Passed');
  const lines = ['', `${style.bold(head)}: ${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} skipped in ${formatDuration(result.durationMs)}`];
  for (const s of result.steps) {
    if (s.verdict === 'failed') lines.push(style.red(`  ✘ ${s.id}${s.always ? ' (cleanup)' : ''}: ${terminalSafe(s.reason ?? 'failed')}`));
  }
  const skipped = result.steps.filter((s) => s.verdict === 'skipped' && !/^not run: |^not selected|^before --from|^dry run$/.test(s.reason ?? ''));
  for (const s of skipped) lines.push(style.yellow(`  ↷ ${s.id}: ${terminalSafe(s.reason ?? 'skipped')}`));
  return lines;
}
