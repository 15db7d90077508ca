// Run reports from real runs: JUnit parses as XML with the right counts; JSON carries the verdicts.
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlaybook } from '../../playbooks/runner/run.ts';
import { jsonReport, junitReportText } from '../../playbooks/report/run-report.ts';
import { fixture } from './helpers.ts';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'testcase' || name === 'testsuite' });

describe('run reports', () => {
  it('JUnit: one case per step with verdict, duration, reason and masked output', async () => {
    const guide = await fixture('fail');
    const result = await runPlaybook(guide, { path: 'developer', ci: true }).done;
    const xml = junitReportText(result);
    const doc = parser.parse(xml);
    const suite = doc.testsuites.testsuite[0];
    expect(doc.testsuites['@tests']).toBe('3');
    expect(doc.testsuites['@failures']).toBe('1');
    expect(doc.testsuites['@skipped']).toBe('1');
    expect(suite['@name']).toBe('runner-fail (developer)');
    const cases = suite.testcase;
    expect(cases.map((c: Record<string, string>) => c['@name'])).toEqual(['01 first: Print a line', '02 breaks: Exit with 3', '03 never: Never reached']);
    expect(cases[1].failure['@message']).toBe('exit code 3, expected 0');
    expect(cases[1].failure['#text']).toContain('about to fail');
    expect(cases[2].skipped['@message']).toBe('not run: step breaks failed');
    expect(Number(cases[0]['@time'])).toBeGreaterThan(0);
    expect(cases[0]['system-out']).toBe('first step ran');
  });

  it('JUnit never carries a secret, and a configuration error is a failing case', async () => {
    const guide = await fixture('mask');
    const secret = 'another-Secret-9876';
    const result = await runPlaybook(guide, { path: 'developer', ci: true, values: { apiToken: secret } }).done;
    const xml = junitReportText(result);
    expect(xml).not.toContain(secret);
    expect(xml).not.toContain(Buffer.from(secret).toString('base64'));
    expect(xml).toContain('whole ********');
    const missing = await runPlaybook(guide, { path: 'developer', ci: true }).done;
    const doc = parser.parse(junitReportText(missing));
    expect(doc.testsuites['@failures']).toBe('1');
    expect(doc.testsuites.testsuite[0].testcase[0].failure['@message']).toBe('missing value for apiToken');
  });

  it('JSON: counts, status and steps', async () => {
    const guide = await fixture('fail');
    const result = await runPlaybook(guide, { path: 'developer', ci: true }).done;
    const r = jsonReport(result);
    expect(r.counts).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(r.status).toBe('failed');
    expect(r.partial).toBe(false);
    expect(r.steps[1]).toMatchObject({ id: 'breaks', verdict: 'failed', exitCode: 3 });
  });

  it('cleanup steps: named as cleanup in JUnit, the first failure is the suite\'s cause, a check failure keeps its condition', async () => {
    const guide = await fixture('cleanup');
    const dir = mkdtempSync(join(tmpdir(), 'cgr-report-'));
    try {
      const result = await runPlaybook(guide, { path: 'developer', ci: true, values: { workDir: dir, mode: 'pass' }, only: 'tidied' }).done;
      const doc = parser.parse(junitReportText(result));
      const cases = doc.testsuites.testsuite[0].testcase;
      const tidied = cases.find((c: Record<string, string>) => c['@name']?.startsWith('06 '));
      expect(tidied['@name']).toBe('06 tidied: The state file says tidied (cleanup)');
      expect(tidied.failure['@message']).toMatch(/^expected: The state file records the cleanup; got: cat: /);
      expect(tidied.failure['#text']).toContain('output does not match /^tidied tok42$/');
      const json = jsonReport(result);
      expect(json.firstFailure).toBe('tidied');
      expect(json.steps[5]).toMatchObject({ id: 'tidied', always: true, detail: 'output does not match /^tidied tok42$/' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
