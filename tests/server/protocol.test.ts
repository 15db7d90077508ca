// The page's messages carry values as long as a field allows: a multi-line certificate of 20 KB
// (a field's limit is 32 KiB) reaches the runner instead of being refused by the protocol.
import { describe, expect, it } from 'vitest';
import { ClientMessageSchema } from '../../playbooks/server/protocol.ts';
import { MAX_VALUE_BYTES } from '../../playbooks/model/field-check.ts';

const pem = `-----BEGIN CERTIFICATE-----\n${'QUJD'.repeat(16).concat('\n').repeat(300)}-----END CERTIFICATE-----`;

describe('page messages', () => {
  it('a run takes a value as long as a field allows, and refuses a longer one', () => {
    expect(pem.length).toBeGreaterThan(8192);
    const run = (value: string) => ClientMessageSchema.safeParse({ type: 'run', guideId: 'g', stepId: 's', path: 'developer', values: { cert: value } });
    expect(run(pem).success).toBe(true);
    expect(run('a'.repeat(MAX_VALUE_BYTES)).success).toBe(true);
    expect(run('a'.repeat(MAX_VALUE_BYTES + 1)).success).toBe(false);
  });

  it('an answer to a value question takes the same length', () => {
    expect(ClientMessageSchema.safeParse({ type: 'value', id: 1, value: pem }).success).toBe(true);
  });
});
