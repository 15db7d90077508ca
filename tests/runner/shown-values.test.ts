// The values as the reader sees them (commands shown, success statements) are masked with every
// secret known at that moment: a secret captured by one step is masked in what later steps show,
// also inside a value given before it was known.
import { describe, expect, it } from 'vitest';
import { loadGuideSource } from '../../playbooks/extract/load.ts';
import { runPlaybook } from '../../playbooks/runner/run.ts';
import type { RunEvent } from '../../playbooks/runner/types.ts';
import { collect } from './helpers.ts';

const GUIDE = `---
id: shown-values
title: Shown values
product: Bash
summary: Fixture.
---

<Field id="note" label="Note" type="text" />

<Command id="mint" title="Mint a token out of the note">
  \`\`\`sh
  printf 'token=%s\\n' "$(printf '%s' {{note}} | sed 's/^id-//')"
  \`\`\`
  <Capture name="tok" regex="token=(\\S+)" secret />
</Command>

<Verify id="show" title="Show the note again">
  \`\`\`sh
  echo {{note}} >/dev/null
  \`\`\`
  <Check regex="^never$" success="{{note}} is accepted" />
</Verify>
`;

describe('values shown during a run', () => {
  it('a secret captured by a step is masked inside a value given before it, in the commands and success statements of later steps', async () => {
    const { guide, diagnostics } = loadGuideSource(GUIDE, 'shown-values.mdx');
    expect(diagnostics).toEqual([]);
    const handle = runPlaybook(guide!, { path: 'developer', ci: true, values: { note: 'id-T0ken-Xyz-4242' } });
    const events = collect(handle);
    const result = await handle.done;
    const starts = events.filter((e): e is Extract<RunEvent, { type: 'step-start' }> => e.type === 'step-start');
    expect(starts.map((e) => [e.step.id, e.command])).toEqual([
      ['mint', "printf 'token=%s\\n' \"$(printf '%s' id-T0ken-Xyz-4242 | sed 's/^id-//')\""],
      ['show', "echo 'id-********' >/dev/null"],
    ]);
    expect(result.steps[1]!.verdict).toBe('failed');
    expect(result.steps[1]!.reason).toMatch(/^expected: id-\*{8} is accepted; got: /);
    expect(JSON.stringify(result.steps[1])).not.toContain('T0ken-Xyz-4242');
  });

  it('the run result holds no secret a later step captured: the records of earlier steps are masked again at the end', async () => {
    const { guide } = loadGuideSource(GUIDE, 'shown-values.mdx');
    const handle = runPlaybook(guide!, { path: 'developer', ci: true, values: { note: 'id-T0ken-Xyz-4242' } });
    const events = collect(handle);
    const result = await handle.done;
    // The first step was shown (live) before its output made the token a secret; what stays after the run is masked.
    expect(result.steps[0]!.command).toBe("printf 'token=%s\\n' \"$(printf '%s' id-******** | sed 's/^id-//')\"");
    expect(JSON.stringify(result)).not.toContain('T0ken-Xyz-4242');
    const end = events.find((e) => e.type === 'run-end');
    expect(JSON.stringify(end)).not.toContain('T0ken-Xyz-4242');
  });
});
