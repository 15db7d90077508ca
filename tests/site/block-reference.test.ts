// The authoring page's block reference is generated from the zod schemas: every prop of every
// block is documented, with a description, and the generator follows the schemas when they change.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { blockReference, propsOf, typeText } from '../../src/lib/block-reference.ts';
import { CHILD_BLOCKS, STEP_BLOCKS } from '../../playbooks/extract/blocks.ts';
import { CommandStepSchema } from '../../playbooks/model/step.ts';

describe('block reference (docs from code)', () => {
  const ref = blockReference();

  it('covers every block the extractor knows', () => {
    expect(ref.blocks.map((b) => b.name).sort()).toEqual(['Field', ...Object.keys(STEP_BLOCKS), ...Object.keys(CHILD_BLOCKS)].sort());
    expect(ref.prose.map((b) => b.name).sort()).toEqual(['Aside', 'OnPath', 'Value']);
  });

  it('documents every prop with a clean description', () => {
    for (const b of [...ref.blocks, ...ref.prose]) {
      expect(b.props.length, b.name).toBeGreaterThan(0);
      for (const p of b.props) {
        expect(p.description, `${b.name}.${p.name}`).not.toBe('');
        expect(p.description, `${b.name}.${p.name}`).not.toMatch(/\*\/|\/\*\*/);
        expect(p.type, `${b.name}.${p.name}`).not.toBe('any');
      }
    }
    expect(ref.meta.map((p) => p.name)).toEqual(['id', 'title', 'product', 'summary', 'order', 'paths']);
  });

  it('reads types, defaults and requiredness from the schema', () => {
    const command = ref.blocks.find((b) => b.name === 'Command')!;
    const timeout = command.props.find((p) => p.name === 'timeout')!;
    expect(timeout).toMatchObject({ type: 'duration ("30s", "2m", "500ms" or milliseconds)', required: false, default: '"2m"' });
    expect(command.props.find((p) => p.name === 'id')).toMatchObject({ type: 'string', required: true });
    expect(command.props.find((p) => p.name === 'run')).toMatchObject({ from: 'the block’s ```sh fence' });
    expect(command.props.some((p) => p.name === 'kind')).toBe(false);
    const field = ref.blocks.find((b) => b.name === 'Field')!;
    expect(field.props.find((p) => p.name === 'type')!.type).toBe('"text" | "url" | "host" | "port" | "enum" | "boolean" | "secret"');
  });

  it('documents the cleanup prop (always) on Command and Verify only, and success on Check and Probe', () => {
    for (const name of ['Command', 'Verify']) {
      expect(ref.blocks.find((b) => b.name === name)!.props.find((p) => p.name === 'always'), name).toMatchObject({ type: 'boolean', required: false, default: 'false' });
    }
    for (const name of ['Fields', 'Manual', 'Field']) expect(ref.blocks.find((b) => b.name === name)!.props.some((p) => p.name === 'always'), name).toBe(false);
    const check = ref.blocks.find((b) => b.name === 'Check')!.props.find((p) => p.name === 'success')!;
    expect(check).toMatchObject({ type: 'string', required: false });
    expect(check.description).toContain('The command succeeds');
    expect(ref.blocks.find((b) => b.name === 'Probe')!.props.find((p) => p.name === 'success')).toMatchObject({ type: 'string', required: true });
  });

  it('follows the schema: a new prop shows up without touching the generator', () => {
    const extended = CommandStepSchema.extend({ retryOn: z.string().optional().describe('A new prop.') });
    expect(propsOf(extended).find((p) => p.name === 'retryOn')).toEqual({ name: 'retryOn', type: 'string', required: false, description: 'A new prop.' });
    expect(typeText({ anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }] })).toBe('boolean');
  });
});
