// `run` inside GitHub Actions (GITHUB_ACTIONS=true): each step's log in a collapsible group, a
// failed step as an error annotation on the guide's file and the step's line, and the run as a
// Markdown table appended to $GITHUB_STEP_SUMMARY. From the first event to `end()`, workflow
// commands are stopped (`::stop-commands::<random token>`) and resumed only around the commands
// written here (groups, annotations): no other text of the run (a step's output, a guide title, a
// failure reason quoting a value or a registry's answer) can issue one (annotate, mask, stop
// commands, set outputs) in the job, whatever lines it holds.
import { randomBytes } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import type { RunEvent, RunListener, RunResult } from '../../runner/types.ts';
import { annotation, groupEnd, groupStart } from '../../report/github.ts';
import { markdownSummary } from '../../report/summary.ts';
import { maskStrings, type ReportSource } from '../../report/run-report.ts';

export interface GitHubOutput {
  /** Wraps the progress renderer's listener. */
  wrap(inner: RunListener): RunListener;
  /** Resumes workflow commands; call once, after the last text of the run is written (also on error). */
  end(): void;
  /** Appends the run's summary to $GITHUB_STEP_SUMMARY (when set); returns an error text or undefined. */
  writeSummary(result: RunResult, mask: (s: string) => string): Promise<string | undefined>;
}

export function createGitHubOutput(o: { write(s: string): void; atLineStart(): boolean; env: NodeJS.ProcessEnv; source: ReportSource; guideId: string }): GitHubOutput {
  /** The token that resumes commands while they are stopped; a fresh one for every stop. */
  let stopToken: string | undefined;
  let open: string | undefined;
  const newline = () => {
    if (!o.atLineStart()) o.write('\n');
  };
  const stop = () => {
    if (stopToken !== undefined) return;
    newline();
    stopToken = `cgr-${randomBytes(12).toString('hex')}`;
    o.write(`::stop-commands::${stopToken}\n`);
  };
  const resume = () => {
    if (stopToken === undefined) return;
    newline();
    o.write(`::${stopToken}::\n`);
    stopToken = undefined;
  };
  /** Our own workflow commands: the only text written while commands run. */
  const own = (...commands: string[]) => {
    resume();
    for (const c of commands) o.write(c);
    stop();
  };
  const close = () => {
    if (open === undefined) return;
    open = undefined;
    own(groupEnd());
  };
  const at = (stepId: string) => {
    const line = o.source.positions?.[stepId]?.line;
    return o.source.file !== undefined ? { file: o.source.file, ...(line !== undefined ? { line } : {}) } : {};
  };
  return {
    wrap(inner) {
      return (e: RunEvent) => {
        stop();
        switch (e.type) {
          case 'step-start':
            close();
            own(groupStart(`[${e.step.number}/${e.total}] ${e.step.title} (${e.step.id})`));
            open = e.step.id;
            inner(e);
            return;
          case 'step-end':
            if (open === e.step.id) close();
            inner(e);
            if (e.verdict === 'failed') own(annotation('error', e.reason ?? 'failed', { ...at(e.step.id), title: `${o.guideId}: step ${e.step.id} failed` }));
            return;
          case 'run-end':
            close();
            inner(e);
            if (e.result.error) {
              own(annotation('error', [e.result.error.message, e.result.error.hint ? `hint: ${e.result.error.hint}` : ''].filter(Boolean).join('\n'), { ...(o.source.file !== undefined ? { file: o.source.file, line: 1 } : {}), title: `${o.guideId}: not run` }));
            } else if (e.result.status === 'interrupted') {
              own(annotation('error', 'the run was interrupted; the reports are partial', { ...(o.source.file !== undefined ? { file: o.source.file } : {}), title: `${o.guideId}: interrupted` }));
            }
            return;
          default:
            inner(e);
        }
      };
    },
    end() {
      close();
      resume();
    },
    async writeSummary(result, mask) {
      const file = o.env.GITHUB_STEP_SUMMARY;
      if (!file) return undefined;
      try {
        // Masked before Markdown escapes anything: an escaped secret (`a\\|b`) would not be found.
        await appendFile(file, markdownSummary(maskStrings(result, mask), maskStrings(o.source, mask)));
        return undefined;
      } catch (e) {
        return `cannot append to $GITHUB_STEP_SUMMARY (${file}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      }
    },
  };
}
