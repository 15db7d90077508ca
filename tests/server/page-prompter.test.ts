// The page's prompter: a question goes to the page as `confirm`, the matching `answer` settles it,
// Stop (abort) withdraws it, a reattached page is asked again, and values are never asked.
import { describe, expect, it } from 'vitest';
import { PagePrompter } from '../../playbooks/server/page-prompter.ts';
import type { ServerMessage } from '../../playbooks/server/protocol.ts';
import type { Field } from '../../playbooks/model/field.ts';

function setup() {
  const sent: ServerMessage[] = [];
  const p = new PagePrompter('nexus', (m) => sent.push(m));
  return { sent, p };
}

describe('PagePrompter', () => {
  it('asks the page about the current step and settles with its answer; other ids are ignored', async () => {
    const { sent, p } = setup();
    p.stepId = 'create-proxy';
    const answer = p.confirm('Entered these? Continue', { signal: new AbortController().signal });
    expect(sent).toEqual([{ type: 'confirm', guideId: 'nexus', stepId: 'create-proxy', id: 1, message: 'Entered these? Continue' }]);
    p.answer(7, false);
    p.resend();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
    p.answer(1, true);
    expect(await answer).toBe(true);
    expect(sent[2]).toEqual({ type: 'confirm-end', id: 1 });
    // Nothing is open any more: a resend sends nothing, a late answer changes nothing.
    p.resend();
    p.answer(1, false);
    expect(sent).toHaveLength(3);
    const second = p.confirm('Done?', { signal: new AbortController().signal });
    expect(sent[3]).toMatchObject({ type: 'confirm', id: 2 });
    p.answer(2, false);
    expect(await second).toBe(false);
  });

  it('a stop withdraws the question', async () => {
    const { sent, p } = setup();
    const ac = new AbortController();
    const answer = p.confirm('Done?', { signal: ac.signal });
    ac.abort();
    await expect(answer).rejects.toThrow('cancelled');
    expect(sent.at(-1)).toEqual({ type: 'confirm-end', id: 1 });
    p.answer(1, true);
    await expect(p.confirm('Done?', { signal: ac.signal })).rejects.toThrow('cancelled');
  });

  it('never asks for a value: the error names the field to fill in on the page', async () => {
    const { sent, p } = setup();
    await expect(p.askField({ id: 'apiKey', label: 'API key' } as Field)).rejects.toThrow('API key has no value: fill it in on the page, then run again');
    expect(sent).toEqual([]);
  });
});
