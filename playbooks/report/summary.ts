// A run as Markdown: the job summary of a GitHub Actions run ($GITHUB_STEP_SUMMARY), one table row
// per step with its verdict, time and reason, the guide's file:line per step.
import type { RunResult } from '../runner/types.ts';
import { formatDuration } from '../format-duration.ts';
import { mdCell, mdCodeCell, mdCodeSpan } from './github.ts';
import { countSteps, type ReportSource } from './run-report.ts';

const MARK = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭️ skipped' } as const;

export function markdownSummary(result: RunResult, source: ReportSource = {}): string {
  const c = countSteps(result.steps);
  const head =
    result.status === 'passed' ? (result.dryRun ? '✅ Dry run' : '✅ Passed') : result.status === 'interrupted' ? '⛔ Interrupted (partial)' : result.status === 'error' ? '❌ Not run' : '❌ Failed';
  const lines = [
    `### ${head}: ${mdCell(result.guide.title)} (${result.path})`,
    '',
    `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped in ${formatDuration(result.durationMs)}${source.file ? ` · ${mdCodeSpan(source.file)}` : ''}`,
    '',
  ];
  if (result.error) lines.push(`**${mdCell(result.error.message)}**${result.error.hint ? ` — ${mdCell(result.error.hint)}` : ''}`, '');
  if (result.steps.length) {
    lines.push('| # | Step | Result | Time | Detail |', '|---:|---|---|---:|---|');
    for (const s of result.steps) {
      const line = source.positions?.[s.id]?.line;
      const where = source.file && line !== undefined ? ` <sub>${mdCell(`${source.file}:${line}`)}</sub>` : '';
      lines.push(`| ${s.number} | ${mdCell(s.title)} (${mdCodeCell(s.id)})${where} | ${MARK[s.verdict]} | ${s.verdict === 'skipped' && s.durationMs === 0 ? '' : formatDuration(s.durationMs)} | ${mdCell(s.reason ?? '')} |`);
    }
    lines.push('');
  }
  return lines.join('\n') + '\n';
}
