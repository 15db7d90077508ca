// The package's public entry (package.json "exports" -> dist/playbooks/index.js) exposes the API.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, FIXTURES } from './helpers.ts';

describe('public API', () => {
  it('package.json exports point at the built index, which runs a guide', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const entry = join(ROOT, pkg.exports['.'].default);
    expect(entry.endsWith('dist/playbooks/index.js')).toBe(true);
    const api = await import(pathToFileURL(entry).href);
    for (const name of ['runPlaybook', 'getGuide', 'loadGuide', 'createMasker', 'setDefaultServices', 'junitReportText', 'describePlan', 'PlaybookError']) {
      expect(typeof api[name], name).toBe('function');
    }
    const guide = await api.loadGuide(join(FIXTURES, 'fail.mdx'));
    const result = await api.runPlaybook(guide, { path: 'developer', ci: true, only: 'first' }).done;
    expect(result.steps.map((s: { verdict: string }) => s.verdict)).toEqual(['passed', 'skipped', 'skipped']);
  });
});
