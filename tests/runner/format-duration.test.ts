// One duration format for everything a run shows: the CLI's progress and summary, the reasons
// ("timed out after 500ms") and the GitHub job summary's Time column.
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../playbooks/format-duration.ts';
import { markdownSummary } from '../../playbooks/report/summary.ts';
import type { RunResult } from '../../playbooks/runner/types.ts';

describe('formatDuration', () => {
  it('milliseconds under a second, tenths under ten seconds, whole seconds under a minute, then minutes and seconds', () => {
    expect([0, 12, 850, 1000, 1234, 9940, 12_345, 59_400, 60_000, 125_000, 3_600_000].map(formatDuration)).toEqual([
      '0ms', '12ms', '850ms', '1.0s', '1.2s', '9.9s', '12s', '59s', '1m00s', '2m05s', '60m00s',
    ]);
  });

  it('rounding never shows a value the next unit should show (1000ms, 10.0s, 60s, 1m60s)', () => {
    expect([999.6, 9960, 59_600, 119_600, 179_999].map(formatDuration)).toEqual(['1.0s', '10s', '1m00s', '2m00s', '3m00s']);
  });

  it('the job summary shows durations as the CLI does', () => {
    const result: RunResult = {
      guide: { id: 'g', title: 'G' },
      path: 'developer',
      status: 'passed',
      exitCode: 0,
      steps: [
        { id: 'a', number: 1, kind: 'command', title: 'A', verdict: 'passed', durationMs: 850 },
        { id: 'b', number: 2, kind: 'command', title: 'B', verdict: 'passed', durationMs: 125_000 },
      ],
      startedAt: 0,
      durationMs: 125_850,
      dryRun: false,
      ci: true,
    };
    const md = markdownSummary(result);
    expect(md).toContain('2 passed, 0 failed, 0 skipped in 2m06s');
    expect(md).toContain('| ✅ passed | 850ms |');
    expect(md).toContain('| ✅ passed | 2m05s |');
  });
});
