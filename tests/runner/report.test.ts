// Run reports from real runs: JUnit parses as XML with the right counts; JSON carries the verdicts.
import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlaybook } from '../../playbooks/runner/run.ts';
import { jsonReport, junitReportText, reportText } from '../../playbooks/report/run-report.ts';
import { createMasker } from '../../playbooks/mask/masker.ts';
import { createGitHubOutput } from '../../playbooks/cli/render/github.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
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

  it('a secret is masked in each text before it is encoded: one that is also JSON or XML syntax ("true", "1", "amp") leaves the reports well-formed, one Markdown escapes ("a|b\\c") never reaches the job summary', async () => {
    const guide = await fixture('fail');
    const result = await runPlaybook(guide, { path: 'developer', ci: true }).done;
    for (const secret of ['true', '1', '0', 'amp', 'quot', 'testcase', 'steps']) {
      const mask = createMasker([secret]).mask;
      const json = reportText('json', result, mask);
      expect(() => JSON.parse(json), secret).not.toThrow();
      expect(JSON.parse(json).steps).toHaveLength(3);
      expect(XMLValidator.validate(reportText('junit', result, mask)), secret).toBe(true);
    }
    // A text the runner did not mask (the second line of defence): masked before Markdown escapes it.
    const secret = 'to|ken\\x<y>';
    const leaky = { ...result, steps: result.steps.map((s, i) => (i === 1 ? { ...s, reason: `got ${secret}` } : s)) };
    const dir = mkdtempSync(join(tmpdir(), 'cgr-summary-'));
    try {
      const summary = join(dir, 'summary.md');
      writeFileSync(summary, '');
      const gh = createGitHubOutput({ write: () => {}, atLineStart: () => true, env: { GITHUB_STEP_SUMMARY: summary }, source: {}, guideId: 'runner-fail' });
      expect(await gh.writeSummary(leaky, createMasker([secret]).mask)).toBeUndefined();
      const md = readFileSync(summary, 'utf8');
      expect(md).toContain('| got \\*\\*\\*\\*\\*\\*\\*\\* |'); // the mask, its stars escaped
      expect(md).not.toContain('ken');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a job summary row stays one row whatever a reason holds (a lone carriage return is a Markdown line end too)', async () => {
    const guide = await fixture('fail');
    const result = await runPlaybook(guide, { path: 'developer', ci: true }).done;
    const odd = { ...result, steps: result.steps.map((s, i) => (i === 1 ? { ...s, reason: 'a\r| injected | row |\u2028b\u0085c' } : s)) };
    const dir = mkdtempSync(join(tmpdir(), 'cgr-summary-'));
    try {
      const summary = join(dir, 'summary.md');
      writeFileSync(summary, '');
      await createGitHubOutput({ write: () => {}, atLineStart: () => true, env: { GITHUB_STEP_SUMMARY: summary }, source: {}, guideId: 'runner-fail' }).writeSummary(odd, (t) => t);
      const lines = readFileSync(summary, 'utf8').split(/\r\n|\r|\n|\u2028|\u0085/);
      expect(lines.filter((l) => l.startsWith('|'))).toHaveLength(5); // head, rule, three steps
      const rows = lines.filter((l) => l.startsWith('| 2 |'));
      expect(rows[0]).toMatch(/\| a \\\| injected \\\| row \\\| b c \|$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a job summary shows text from output and guides as text: no links, images, emphasis or code spans it did not write', async () => {
    const guide = await fixture('fail');
    const result = await runPlaybook(guide, { path: 'developer', ci: true }).done;
    const hostile = 'see [the fix](https://evil.example/) ![x](https://evil.example/t.png) **now** _x_ ~~y~~ `z`';
    const odd = { ...result, guide: { ...result.guide, title: hostile }, steps: result.steps.map((s, i) => (i === 1 ? { ...s, title: hostile, reason: hostile } : s)) };
    const dir = mkdtempSync(join(tmpdir(), 'cgr-summary-'));
    try {
      const summary = join(dir, 'summary.md');
      writeFileSync(summary, '');
      await createGitHubOutput({ write: () => {}, atLineStart: () => true, env: { GITHUB_STEP_SUMMARY: summary }, source: { file: 'g`u|i[d]e.mdx', positions: { breaks: { line: 3, column: 1 } } }, guideId: 'runner-fail' }).writeSummary(odd, (t) => t);
      type N = { type: string; value?: string; url?: string; children?: N[] };
      const all = (n: N): N[] => [n, ...(n.children ?? []).flatMap(all)];
      const nodes = all(fromMarkdown(readFileSync(summary, 'utf8'), { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] }) as N);
      // An address written out stays a link to itself (GFM links it); nothing shows other text for it.
      const hidden = nodes.filter((n) => n.type === 'link' && n.children?.map((c) => c.value).join('') !== n.url);
      expect([...hidden, ...nodes.filter((n) => ['image', 'strong', 'emphasis', 'delete'].includes(n.type))].map((n) => n.type)).toEqual([]);
      // Code spans: only the ones the summary writes (step ids and the guide's file), whole.
      expect(nodes.filter((n) => n.type === 'inlineCode').map((n) => n.value)).toEqual(['g`u|i[d]e.mdx', 'first', 'breaks', 'never']);
      const flat = (n: N): string => (n.type === 'text' || n.type === 'inlineCode' ? n.value! : n.type === 'link' ? n.url! : (n.children ?? []).map(flat).join(''));
      const text = flat(nodes[0]!);
      expect(text).toContain('see [the fix](https://evil.example/) ![x](https://evil.example/t.png) **now** _x_ ~~y~~ `z`');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
