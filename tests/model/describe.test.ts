// Every prop of the block schemas carries its own doc sentence (the authoring docs are generated
// from these), and no description swallowed the comment text around it.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { FieldSchema } from '../../playbooks/model/field.ts';
import { CaptureSchema, CommandStepSchema, FieldEntrySchema, FieldsStepSchema, ManualStepSchema, ProbeSchema, VerifyStepSchema } from '../../playbooks/model/step.ts';
import { GuideMetaSchema, PathInfoSchema } from '../../playbooks/model/guide.ts';

type AnySchema = z.ZodType & { description?: string; shape?: Record<string, AnySchema>; in?: AnySchema };

function shapeOf(schema: AnySchema): Record<string, AnySchema> {
  let s: AnySchema = schema;
  while (!s.shape && s.in) s = s.in; // transforms are pipes: the object is the input side
  if (!s.shape) throw new Error('not an object schema');
  return s.shape;
}

const SCHEMAS: Record<string, AnySchema> = {
  Field: FieldSchema as unknown as AnySchema,
  Fields: FieldsStepSchema as unknown as AnySchema,
  Set: FieldEntrySchema as unknown as AnySchema,
  Command: CommandStepSchema as unknown as AnySchema,
  Capture: CaptureSchema as unknown as AnySchema,
  Verify: VerifyStepSchema as unknown as AnySchema,
  Probe: ProbeSchema as unknown as AnySchema,
  Manual: ManualStepSchema as unknown as AnySchema,
  meta: GuideMetaSchema as unknown as AnySchema,
  path: PathInfoSchema as unknown as AnySchema,
};

describe('schema descriptions', () => {
  for (const [block, schema] of Object.entries(SCHEMAS)) {
    it(`<${block}>: each prop has its own one-sentence description`, () => {
      const bad: string[] = [];
      for (const [prop, s] of Object.entries(shapeOf(schema))) {
        if (prop === 'kind') continue; // set by the block name, not written by authors
        const d = s.description;
        if (!d) bad.push(`${prop}: no description`);
        else if (/\*\/|\/\*\*|=>|\bconst\b|strictObject\(/.test(d)) bad.push(`${prop}: leaked source text: ${d}`);
      }
      expect(bad).toEqual([]);
    });
  }

  it('the step id describes the id only', () => {
    expect(shapeOf(CommandStepSchema as unknown as AnySchema).id!.description).toBe(
      "Stable id, unique in the guide: `--only`, `--from`, reports and the page's Run buttons use it.",
    );
  });
});
