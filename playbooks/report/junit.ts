// Minimal JUnit XML writer shared by `validate --format junit` and run reports.
export interface JUnitCase {
  name: string;
  classname: string;
  /** Seconds. */
  time?: number;
  failure?: { message: string; body?: string };
  skipped?: string;
  output?: string;
  /** Source file and line the case is about (the guide, the step's line): test reporters
   * (GitLab, GitHub's JUnit actions) link the case to it. */
  file?: string;
  line?: number;
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
  time?: number;
}

export function xmlEscape(s: string): string {
  // Also drop characters XML 1.0 cannot carry (terminal control codes).
  return s
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function junitXml(suites: JUnitSuite[]): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const count = (s: JUnitSuite, pred: (c: JUnitCase) => boolean) => s.cases.filter(pred).length;
  const all = suites.flatMap((s) => s.cases);
  out.push(`<testsuites tests="${all.length}" failures="${all.filter((c) => c.failure).length}" skipped="${all.filter((c) => c.skipped !== undefined).length}">`);
  for (const s of suites) {
    const time = s.time ?? s.cases.reduce((t, c) => t + (c.time ?? 0), 0);
    out.push(`  <testsuite name="${xmlEscape(s.name)}" tests="${s.cases.length}" failures="${count(s, (c) => !!c.failure)}" errors="0" skipped="${count(s, (c) => c.skipped !== undefined)}" time="${time.toFixed(3)}">`);
    for (const c of s.cases) {
      const where = `${c.file !== undefined ? ` file="${xmlEscape(c.file)}"` : ''}${c.line !== undefined ? ` line="${c.line}"` : ''}`;
      const open = `    <testcase name="${xmlEscape(c.name)}" classname="${xmlEscape(c.classname)}"${where} time="${(c.time ?? 0).toFixed(3)}"`;
      const inner: string[] = [];
      if (c.failure) inner.push(`      <failure message="${xmlEscape(c.failure.message)}">${xmlEscape(c.failure.body ?? c.failure.message)}</failure>`);
      if (c.skipped !== undefined) inner.push(`      <skipped message="${xmlEscape(c.skipped)}"/>`);
      if (c.output) inner.push(`      <system-out>${xmlEscape(c.output)}</system-out>`);
      out.push(inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
