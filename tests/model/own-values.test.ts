// Values are looked up as own properties only: a field named like a property every object has
// (`constructor`, `toString`) is never "found" on Object.prototype. The schema refuses such names
// (tests/fixtures/broken/field-id-prototype-name.mdx); these guides bypass it, as a guide built by
// code through the public API can, to show the lookups themselves are safe.
import { describe, expect, it } from 'vitest';
import { loadGuideSource } from '../../playbooks/extract/load.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import { evaluateCondition } from '../../playbooks/model/when.ts';
import { resolveValues } from '../../playbooks/plan/values.ts';
import { describePlan } from '../../playbooks/plan/describe.ts';
import { executableCommand } from '../../playbooks/plan/plan.ts';
import { runPlaybook } from '../../playbooks/runner/run.ts';
import { effectiveValues, lookupFor, type PageModel } from '../../src/client/page-model.ts';
import { loadValues } from '../../src/client/storage.ts';

const SOURCE = `---
id: ctor
title: Ctor
product: Test
summary: A guide whose field is renamed to a built-in property name below.
---

<Field id="ctorField" label="Constructor" />

<Command id="hello" title="Say hello" when="ctorField">
  \`\`\`sh
  echo {{ctorField}}
  \`\`\`
</Command>
`;

function guideWithField(name: string): Guide {
  const g = loadGuideSource(SOURCE, 'ctor.mdx').guide!;
  const env = `CGR_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
  return JSON.parse(JSON.stringify(g).replaceAll('CGR_CTOR_FIELD', env).replaceAll('ctorField', name)) as Guide;
}

describe('value lookups are own-property only', () => {
  for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`a field named "${name}" with no value is missing, not Object.prototype's function`, async () => {
      const g = guideWithField(name);
      const r = resolveValues(g, 'developer', {});
      expect(r.invalid).toEqual([]);
      expect(r.values[name]).toBeUndefined();
      expect(r.missing.map((f) => f.id)).toEqual([name]);
      expect(evaluateCondition({ field: name, op: 'truthy' }, {})).toBe(false);
      expect(evaluateCondition({ field: name, op: 'eq', value: '' }, {})).toBe(true);
      const plan = describePlan(g, 'developer', {});
      expect(plan.fields[0]).toMatchObject({ id: name, hasValue: false });
      expect(plan.steps[0]?.skipped).toBeDefined();
      expect(executableCommand(g, `echo {{${name}}}`, {}).missing).toEqual([name]);

      const given = resolveValues(g, 'developer', { [name]: 'v1' });
      expect(given.values[name]).toBe('v1');

      const handle = runPlaybook(g, { ci: true, values: {}, path: 'developer' });
      const result = await handle.done;
      expect(result.error).toMatchObject({ code: 'missing-values', missing: [{ id: name }] });
    });
  }

  it('the page model reads values and stored values the same way', () => {
    const model: PageModel = {
      guideId: 'ctor',
      fields: [{ id: 'constructor', label: 'C', type: 'text', secret: false, envVar: 'CGR_CONSTRUCTOR', required: true, path: 'both' }],
      captures: [],
    };
    expect(effectiveValues(model, 'developer', {})).toEqual({ values: {}, invalid: {} });
    expect(lookupFor(model, {})('constructor')?.value).toBeUndefined();
    expect(loadValues({ getItem: () => '{}', setItem: () => {} }, model)).toEqual({});
  });
});
