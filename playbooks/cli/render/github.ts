// `run` inside GitHub Actions (GITHUB_ACTIONS=true): each step's log in a collapsible group, a
// failed step as an error annotation on the guide's file and the step's line, and the run as a
// Markdown table appended to $GITHUB_STEP_SUMMARY. While a step's commands run, workflow commands
// are stopped (`::stop-commands::`), so a line of their output that starts with `::` cannot
// issue one (annotate, mask, set outputs) in the job.
import { randomBytes } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import type { RunEvent, RunListener, RunResult } from '../../runner/types.ts';
import { annotation, groupEnd, groupStart } from '../../report/github.ts';
import { markdownSummary } from '../../report/summary.ts';
import type { ReportSource } from '../../report/run-report.ts';

export interface GitHubOutput {
  /** Wraps the progress renderer's listener. */
  wrap(inner: RunListener): RunListener;
  /** Appends the run's summary to $GITHUB_STEP_SUMMARY (when set); returns an error text or undefined. */
  writeSummary(result: RunResult, mask: (s: string) => string): Promise<string | undefined>;
}

export function createGitHubOutput(o: { write(s: string): void; atLineStart(): boolean; env: NodeJS.ProcessEnv; source: ReportSource; guideId: string }): GitHubOutput {
  const stopToken = `cgr-${randomBytes(12).toString('hex')}`;
  let open: string | undefined;
  const newline = () => {
    if (!o.atLineStart()) o.write('\n');
  };
  const close = () => {
    if (open === undefined) return;
    newline();
    o.write(`::${stopToken}::\n`);
    o.write(groupEnd());
    open = undefined;
  };
  const at = (stepId: string) => {
    const line = o.source.positions?.[stepId]?.line;
    return o.source.file !== undefined ? { file: o.source.file, ...(line !== undefined ? { line } : {}) } : {};
  };
  return {
    wrap(inner) {
      return (e: RunEvent) => {
        switch (e.type) {
          case 'step-start':
            close();
            newline();
            o.write(groupStart(`[${e.step.number}/${e.total}] ${e.step.title} (${e.step.id})`));
            o.write(`::stop-commands::${stopToken}\n`);
            open = e.step.id;
            inner(e);
            return;
          case 'step-end':
            if (open === e.step.id) close();
            inner(e);
            if (e.verdict === 'failed') {
              newline();
              o.write(annotation('error', e.reason ?? 'failed', { ...at(e.step.id), title: `${o.guideId}: step ${e.step.id} failed` }));
            }
            return;
          case 'run-end':
            close();
            inner(e);
            if (e.result.error) {
              newline();
              o.write(annotation('error', [e.result.error.message, e.result.error.hint ? `hint: ${e.result.error.hint}` : ''].filter(Boolean).join('\n'), { ...(o.source.file !== undefined ? { file: o.source.file, line: 1 } : {}), title: `${o.guideId}: not run` }));
            } else if (e.result.status === 'interrupted') {
              newline();
              o.write(annotation('error', 'the run was interrupted; the reports are partial', { ...(o.source.file !== undefined ? { file: o.source.file } : {}), title: `${o.guideId}: interrupted` }));
            }
            return;
          default:
            inner(e);
        }
      };
    },
    async writeSummary(result, mask) {
      const file = o.env.GITHUB_STEP_SUMMARY;
      if (!file) return undefined;
      try {
        await appendFile(file, mask(markdownSummary(result, o.source)));
        return undefined;
      } catch (e) {
        return `cannot append to $GITHUB_STEP_SUMMARY (${file}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      }
    },
  };
}
