// `when` conditions: which pairs can never hold at once (steps on them are alternatives that may
// capture the same value).
import { describe, expect, it } from 'vitest';
import { exclusiveConditions, parseCondition } from '../../playbooks/model/when.ts';

const ex = (a: string, b: string) => exclusiveConditions(parseCondition(a)!, parseCondition(b)!);

describe('exclusiveConditions', () => {
  it('pairs that cannot both hold, in either order', () => {
    for (const [a, b] of [['useLab', '!useLab'], ['scheme == http', 'scheme != http'], ['scheme == http', 'scheme == https'], ['!useLab', 'useLab == true'], ['useLab', 'useLab == false']]) {
      expect(ex(a!, b!), `${a} / ${b}`).toBe(true);
      expect(ex(b!, a!), `${b} / ${a}`).toBe(true);
    }
  });

  it('pairs that can both hold: the same condition, overlapping ones, different fields', () => {
    for (const [a, b] of [['useLab', 'useLab'], ['scheme != http', 'scheme != https'], ['useLab', 'useLab == true'], ['useLab', '!fast'], ['scheme == http', 'other == https']]) {
      expect(ex(a!, b!), `${a} / ${b}`).toBe(false);
    }
  });
});
