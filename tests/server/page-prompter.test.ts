// The page's prompter: a question goes to the page as `confirm` or `ask-value`, the matching
// `answer` or `value` settles it, Stop (abort) withdraws it, a reattached page is asked again.
import { describe, expect, it } from 'vitest';
import { PagePrompter } from '../../playbooks/server/page-prompter.ts';
import type { ServerMessage } from '../../playbooks/server/protocol.ts';
import type { Field } from '../../playbooks/model/field.ts';

function setup() {
  const sent: ServerMessage[] = [];
  const secrets: string[] = [];
  const p = new PagePrompter('nexus', (m) => sent.push(m), (s) => secrets.push(s));
  return { sent, secrets, p };
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
    expect(sent[2]).toEqual({ type: 'question-end', id: 1 });
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
    expect(sent.at(-1)).toEqual({ type: 'question-end', id: 1 });
    p.answer(1, true);
    await expect(p.confirm('Done?', { signal: ac.signal })).rejects.toThrow('cancelled');
  });

  it('asks the page for a value, passes a refusal on, and hands secrets to the masker', async () => {
    const { sent, secrets, p } = setup();
    p.stepId = 'api-key';
    const field = { id: 'cloudsmithApiKey', label: 'API key', secret: true } as Field;
    const first = p.askField(field, { signal: new AbortController().signal });
    expect(sent).toEqual([{ type: 'ask-value', guideId: 'nexus', id: 1, fieldId: 'cloudsmithApiKey', label: 'API key', secret: true, stepId: 'api-key' }]);
    // A yes/no answer is not a value: the question stays open.
    p.answer(1, true);
    expect(sent).toHaveLength(1);
    p.provide(1, 'ck-secret-1');
    expect(await first).toBe('ck-secret-1');
    expect(secrets).toEqual(['ck-secret-1']);
    const again = p.askField(field, { error: 'expected 20 characters', signal: new AbortController().signal });
    expect(sent.at(-1)).toMatchObject({ type: 'ask-value', id: 2, error: 'expected 20 characters' });
    p.provide(2, 'ck-secret-2');
    expect(await again).toBe('ck-secret-2');
    // A value is no answer to a yes/no question either.
    const yesNo = p.confirm('Done?', { signal: new AbortController().signal });
    p.provide(3, 'yes');
    p.answer(3, true);
    expect(await yesNo).toBe(true);
    // A visible field's value is not a secret.
    const plain = p.askField({ id: 'ticket', label: 'Ticket', secret: false } as Field, { signal: new AbortController().signal });
    p.provide(4, 'T-1');
    expect(await plain).toBe('T-1');
    expect(secrets).toEqual(['ck-secret-1', 'ck-secret-2']);
  });
});
