// How every duration a run shows reads: the CLI's progress and summary, reasons such as
// "timed out after 500ms", the GitHub job summary's Time column. Compact, as in a terminal line:
// 850ms, 1.2s, 12s, 2m05s. Each unit is chosen after rounding, so 999.6 ms is 1.0s, not 1000ms,
// and 119.6 s is 2m00s, not 1m60s.

/** 850ms, 1.2s, 12s, 2m05s. */
export function formatDuration(ms: number): string {
  const whole = Math.round(ms);
  if (whole < 1000) return `${whole}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
