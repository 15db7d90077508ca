// `when` conditions on field values: `field`, `!field`, `field == value`, `field != value`.
// Browser-safe (the page evaluates them too).
export type Condition =
  | { field: string; op: 'truthy' | 'falsy' }
  | { field: string; op: 'eq' | 'ne'; value: string };

const ID = '[A-Za-z][A-Za-z0-9_]*';
const RE_TRUTHY = new RegExp(`^\\s*(!?)\\s*(${ID})\\s*$`);
const RE_COMPARE = new RegExp(`^\\s*(${ID})\\s*(==|!=)\\s*(.*?)\\s*$`);

export function parseCondition(text: string): Condition | undefined {
  const t = RE_TRUTHY.exec(text);
  if (t) return { field: t[2]!, op: t[1] ? 'falsy' : 'truthy' };
  const c = RE_COMPARE.exec(text);
  if (c) {
    let value = c[3]!;
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    return { field: c[1]!, op: c[2] === '==' ? 'eq' : 'ne', value };
  }
  return undefined;
}

export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== 'false' && value !== '0' && value !== 'no';
}

export function evaluateCondition(cond: Condition, values: Readonly<Record<string, string | undefined>>): boolean {
  // Own properties only: a field named like a built-in (`constructor`) is never found on the prototype.
  const v = Object.hasOwn(values, cond.field) ? values[cond.field] : undefined;
  switch (cond.op) {
    case 'truthy':
      return isTruthy(v);
    case 'falsy':
      return !isTruthy(v);
    case 'eq':
      return (v ?? '') === cond.value;
    case 'ne':
      return (v ?? '') !== cond.value;
  }
}

export function conditionToString(cond: Condition): string {
  switch (cond.op) {
    case 'truthy':
      return cond.field;
    case 'falsy':
      return `!${cond.field}`;
    default:
      return `${cond.field} ${cond.op === 'eq' ? '==' : '!='} ${cond.value}`;
  }
}

/**
 * Whether two conditions can never hold at once (`x` / `!x`, `x == a` / `x != a`, `x == a` /
 * `x == b`, `!x` / `x == <a truthy value>`): steps on such conditions are alternatives, so only
 * one of them runs. Conditions on different fields may always both hold.
 */
export function exclusiveConditions(a: Condition, b: Condition): boolean {
  if (a.field !== b.field) return false;
  const holds = (c: Condition, v: string) => evaluateCondition(c, { [c.field]: v });
  const one = (x: Condition, y: Condition): boolean => {
    if (x.op === 'truthy' && y.op === 'falsy') return true;
    if (x.op === 'eq' && y.op === 'ne') return x.value === y.value;
    if (x.op === 'eq' && y.op === 'eq') return x.value !== y.value;
    // `x == a` against `x` or `!x`: exclusive when a makes the other false.
    if (x.op === 'eq' && (y.op === 'truthy' || y.op === 'falsy')) return !holds(y, x.value);
    return false;
  };
  return one(a, b) || one(b, a);
}
