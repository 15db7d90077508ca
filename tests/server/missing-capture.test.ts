// A step run from the page that reads a value an earlier step captures is refused until that step
// ran; the refusal names the step that captures it with the reader's values (of two alternatives,
// the one whose condition holds).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { getGuide } from '../../playbooks/guides.ts';
import { missingCapture } from '../../playbooks/server/session.ts';
import { selectSteps } from '../../playbooks/server/step-run.ts';

const content = join(import.meta.dirname, '..', '..', 'content');

describe('missingCapture', () => {
  it('names the capturing step whose condition holds: chainctl, or the test lab when "useLab" is on', async () => {
    const guide = await getGuide('distribution', content);
    const selected = selectSteps(guide, 'run', 'start-cache-auth');
    expect(missingCapture(guide, selected, 'production', { useLab: 'false' }, {})).toMatchObject({ name: expect.stringMatching(/^(identityId|pullToken)$/), by: { id: 'create-pull-token' } });
    expect(missingCapture(guide, selected, 'production', { useLab: 'true' }, {})).toMatchObject({ by: { id: 'lab-pull-token' } });
    // Captured earlier in the session: nothing missing.
    expect(missingCapture(guide, selected, 'production', { useLab: 'true' }, { identityId: 'x', pullToken: 'y' })).toBeUndefined();
    // Captured earlier in the same run: nothing missing.
    expect(missingCapture(guide, selectSteps(guide, 'run-from', 'lab-pull-token'), 'production', { useLab: 'true' }, {})).toBeUndefined();
  });
});
