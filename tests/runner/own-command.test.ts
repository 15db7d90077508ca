// A step can call `cgr-playbook` (the Distribution guide's `cgr-playbook lab token`) however the
// run was started: through npx, `node bin/cgr-playbook.js`, `npm start` in a checkout, or the
// library API. The runner puts its own command first on every step's PATH, on the Node it runs on.
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../playbooks/runner/run.ts';
import { join } from 'node:path';
import { packageRoot, packageVersion } from '../../playbooks/package-root.ts';
import { collect, fixture, outputOf } from './helpers.ts';
import { baseEnv } from '../../playbooks/server/pty.ts';

describe('the runner\'s own command in steps', () => {
  it('a step runs `cgr-playbook` when it is nowhere on the PATH the run was given', async () => {
    const guide = await fixture('own-command');
    // A PATH with the system's tools and no cgr-playbook (no npm install -g, no npx bin folder),
    // and no `node` the launcher could fall back on other than the one running this test.
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
    const handle = runPlaybook(guide, { path: 'developer', ci: true, values: {}, env });
    const events = collect(handle);
    const result = await handle.done;
    expect(result.steps.map((s) => [s.id, s.verdict]), outputOf(events)).toEqual([['own-version', 'passed'], ['show-path', 'passed']]);
    expect(outputOf(events, 'own-version')).toContain(packageVersion());
  });

  it('the PATH the run was given still follows, with the package\'s bin folder first and only once', async () => {
    const guide = await fixture('own-command');
    const bin = join(packageRoot(), 'bin');
    const handle = runPlaybook(guide, { path: 'developer', ci: true, values: {}, env: { PATH: `/usr/bin:${bin}:/bin` } });
    const events = collect(handle);
    await handle.done;
    expect(outputOf(events, 'show-path')).toContain(`PATH=${bin}:/usr/bin:/bin`);
  });

  it('the page\'s shell and step runs get it too (cgr-playbook ui)', () => {
    const env = baseEnv({ PATH: '/usr/bin:/bin', CGR_PLAYBOOK_UI_TOKEN: 'x' });
    expect(env['PATH']).toBe(`${join(packageRoot(), 'bin')}:/usr/bin:/bin`);
    expect(env['CGR_PLAYBOOK_NODE']).toBe(process.execPath);
    expect(env['CGR_PLAYBOOK_UI_TOKEN']).toBeUndefined();
  });
});
