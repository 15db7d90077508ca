// A failed step in the reader's words: what success looks like (the guide's success= statement),
// what came back (the telling output line, the runner's "got"), and the values the step used.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { getGuide } from '../../playbooks/guides.ts';
import { explainFailure, gotOf } from '../../playbooks/server/explain.ts';

const content = join(import.meta.dirname, '..', '..', 'content');

describe('explainFailure', () => {
  it('says the curl failure as a refused connection, with the statement and the value to check', async () => {
    const guide = await getGuide('distribution', content);
    const step = guide.steps.find((s) => s.id === 'upstream-answers')!;
    const ex = explainFailure(
      guide,
      step,
      { reason: 'expected: x; got: 000 (after 3 attempts)', outputTail: "curl: (7) Failed to connect to 127.0.0.1 port 44768 after 0 ms: Couldn't connect to server\n000\n", exitCode: 7 },
      { upstreamUrl: 'http://127.0.0.1:44768' },
    );
    expect(ex.got).toBe('connection refused at 127.0.0.1:44768 (nothing answers there)');
    expect(ex.expected).toHaveLength(1);
    expect(ex.expected[0]).not.toMatch(/\^\(200/);
    expect(ex.check).toEqual([{ field: 'upstreamUrl', label: 'Upstream registry', value: 'http://127.0.0.1:44768' }]);
  });

  it('takes the runner’s "got" when no known line explains more, and names secrets without their value', async () => {
    expect(gotOf({ reason: 'expected: The image comes through; got: pull x: UNAUTHORIZED — the token was refused; fix: make a new one' })).toBe('pull x: UNAUTHORIZED — the token was refused; fix: make a new one');
    expect(gotOf({ reason: 'exit code 3, expected 0', outputTail: 'working\nsomething odd\n', exitCode: 3 })).toBe('the output ended with “something odd” (exit code 3)');
    const guide = await getGuide('nexus', content);
    const step = guide.steps.find((s) => s.id === 'docker-login')!;
    const ex = explainFailure(guide, step, { reason: 'exit code 1, expected 0', outputTail: '', exitCode: 1 }, { nexusPassword: 'pw-not-shown-1234', nexusHost: 'cache:5051' });
    expect(JSON.stringify(ex)).not.toContain('pw-not-shown-1234');
    expect(ex.check.find((c) => c.field === 'nexusPassword')).toEqual({ field: 'nexusPassword', label: expect.any(String) });
    expect(ex.expected).toEqual(['The command succeeds']);
  });
});
