// The reference of guide blocks and their props, generated from the zod schemas of the playbook
// model (playbooks/model), so the authoring page cannot drift from what `validate` accepts.
import { z } from 'zod';
import { FieldSchema } from '../../playbooks/model/field.ts';
import { CaptureSchema, CheckSchema, CommandStepSchema, FieldEntrySchema, FieldsStepSchema, ManualStepSchema, ProbeSchema, VerifyStepSchema } from '../../playbooks/model/step.ts';
import { GuideMetaSchema } from '../../playbooks/model/guide.ts';
import { CHECK_KEYS, CHILD_BLOCKS, STEP_BLOCKS } from '../../playbooks/extract/blocks.ts';
import { describeCheck } from '../../playbooks/plan/describe.ts';
import type { Check } from '../../playbooks/model/step.ts';

export interface PropDoc {
  name: string;
  type: string;
  required: boolean;
  default?: string;
  description: string;
  /** Where the value comes from when it is not written as a prop. */
  from?: string;
}

export interface BlockDoc {
  name: string;
  /** `<Name ...>` usage, e.g. "top level" or "inside <Fields>". */
  where: string;
  summary: string;
  props: PropDoc[];
}

type Json = { [k: string]: unknown };

/** Props filled from a block's body rather than written as attributes. */
const FROM_BODY: Record<string, string> = {
  run: 'the block’s ```sh fence',
  entries: '<Set> children',
  captures: '<Capture> children',
  checks: '<Check> children',
  probes: '<Probe> children',
  description: 'the prose in the block',
};

export function typeText(s: Json | undefined): string {
  if (!s) return 'any';
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const any = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (any) {
    const types = any.map((a) => a.type);
    if (types.includes('boolean')) return 'boolean';
    if (types.includes('integer')) {
      const str = any.find((a) => a.type === 'string');
      if (str?.format === 'duration') return 'duration ("30s", "2m", "500ms" or milliseconds)';
      return 'number';
    }
    return [...new Set(any.map((a) => typeText(a)))].join(' | ');
  }
  if (Array.isArray(s.type)) return 'string';
  if (s.type === 'array') {
    const items = s.items as Json | undefined;
    return items?.type === 'string' ? 'list of strings' : 'list';
  }
  if (s.type === 'integer') return 'number';
  return typeof s.type === 'string' ? s.type : 'any';
}

type Def = { type: string; in?: { _zod: { def: Def } }; innerType?: { _zod: { def: Def } }; shape?: Record<string, { _zod: { def: Def } }>; defaultValue?: unknown };

/** Defaults straight from the zod schema: JSON Schema drops them where a prop transforms its input. */
function zodDefaults(schema: z.ZodType): Record<string, unknown> {
  let def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  while (def.type === 'pipe' && def.in) def = def.in._zod.def;
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(def.shape ?? {})) {
    let d: Def | undefined = prop._zod.def;
    while (d && d.type !== 'default') d = d.innerType?._zod.def ?? (d.type === 'pipe' ? d.in?._zod.def : undefined);
    if (d?.type === 'default') out[name] = d.defaultValue;
  }
  return out;
}

function ms(n: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (n >= size && n % size === 0) return `"${n / size}${unit}"`;
  return `${n} (ms)`;
}

export function propsOf(schema: z.ZodType, opts: { omit?: string[] } = {}): PropDoc[] {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  const defaults = zodDefaults(schema);
  const defaultText = (name: string, p: Json): string | undefined => {
    const v = p.default !== undefined ? p.default : defaults[name];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && typeText(p).startsWith('duration')) return ms(v);
    // Objects and lists one line, with spaces after `,` and `:` so a narrow column can wrap them.
    return typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v, null, 1).replace(/\n\s*/g, ' ') : JSON.stringify(v);
  };
  const props = (js.properties ?? {}) as Record<string, Json>;
  const required = new Set((js.required as string[] | undefined) ?? []);
  return Object.entries(props)
    .filter(([name]) => !(opts.omit ?? []).includes(name))
    .map(([name, p]) => ({
      name,
      type: typeText(p),
      required: required.has(name) && defaultText(name, p) === undefined,
      ...(defaultText(name, p) !== undefined ? { default: defaultText(name, p)! } : {}),
      description: typeof p.description === 'string' ? p.description : '',
      ...(FROM_BODY[name] ? { from: FROM_BODY[name] } : {}),
    }));
}

function checkProps(): PropDoc[] {
  const js = z.toJSONSchema(CheckSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const options = (js.oneOf ?? js.anyOf) as Json[];
  const examples: Record<string, Check> = {
    exitCode: { type: 'exitCode', equals: 0, success: 'The command succeeds' },
    contains: { type: 'contains', text: 'Login Succeeded', success: 'docker logs in' },
    notContains: { type: 'notContains', text: 'error', success: 'No errors' },
    regex: { type: 'regex', pattern: '^(200|401)$', success: 'The registry answers 200, or 401 asking for a login' },
  };
  const conditions = Object.entries(CHECK_KEYS).map(([prop, spec]) => {
    const option = options.find((o) => ((o.properties as Record<string, Json>).type as Json).const === spec.type);
    const schema = (option?.properties as Record<string, Json> | undefined)?.[spec.as];
    return { name: prop, type: typeText(schema), required: false, description: `Passes when the ${describeCheck(examples[prop]!)} (example). Give exactly one condition per <Check>.` };
  });
  const success = ((options[0]?.properties as Record<string, Json> | undefined)?.success ?? {}) as Json;
  return [...conditions, { name: 'success', type: 'string', required: false, description: typeof success.description === 'string' ? success.description : '' }];
}

const STEP_SCHEMAS = { Command: CommandStepSchema, Verify: VerifyStepSchema, Fields: FieldsStepSchema, Manual: ManualStepSchema } as const;

const SUMMARY: Record<string, string> = {
  Field: 'A value the reader supplies. Becomes an input of the “Your values” panel, a prompt of `cgr-playbook run`, and the variable CGR_<ID> in commands.',
  Command: 'A shell command to run. The page shows it with the reader’s values filled in and a copy button; the runner executes it in a terminal.',
  Verify: 'A check that an earlier step worked: its own command, the recorded output of an earlier step, or registry probes. The page shows what success looks like.',
  Fields: 'Values to enter in a screen of the product. The page lists each label with the value to type and a copy button; an adapter may apply them through the REST API.',
  Manual: 'Something only the reader can do (sign in, click through a web app). Reads as an instruction; the runner asks for confirmation.',
  Set: 'One line of a <Fields> block: the label as the product shows it and the value to enter.',
  Capture: 'A value taken from a command’s output (regular expression) for later steps, used as {{name}}.',
  Check: 'One condition on a <Verify> output.',
  Probe: 'A registry probe run by the engine: pull an image and check every digest.',
};

export function blockReference(): { meta: PropDoc[]; blocks: BlockDoc[]; prose: BlockDoc[] } {
  const blocks: BlockDoc[] = [
    { name: 'Field', where: 'top level, usually under “Your values”', summary: SUMMARY.Field!, props: propsOf(FieldSchema) },
    ...Object.keys(STEP_BLOCKS).map((name) => ({
      name,
      where: 'top level or inside <OnPath>',
      summary: SUMMARY[name]!,
      props: propsOf(STEP_SCHEMAS[name as keyof typeof STEP_SCHEMAS], { omit: ['kind'] }),
    })),
    ...Object.entries(CHILD_BLOCKS).map(([name, spec]) => ({
      name,
      where: `inside <${spec.parent}>`,
      summary: SUMMARY[name]!,
      props: name === 'Set' ? propsOf(FieldEntrySchema) : name === 'Capture' ? propsOf(CaptureSchema) : name === 'Probe' ? propsOf(ProbeSchema).map((p) => (p.name === 'success' ? { ...p, required: true } : p)) : checkProps(),
    })),
  ];
  const prose: BlockDoc[] = [
    { name: 'Value', where: 'anywhere in prose', summary: 'Shows the reader’s value of a field inline, updated as they type.', props: [{ name: 'id', type: 'string', required: true, description: 'The field id.' }] },
    { name: 'OnPath', where: 'top level', summary: 'Content (prose and steps) for one path only; steps inside take that path.', props: [{ name: 'path', type: '"developer" | "production"', required: true, description: 'The path the content belongs to.' }] },
    { name: 'Aside', where: 'anywhere', summary: 'A note set apart from the text.', props: [{ name: 'type', type: '"note" | "tip" | "caution" | "danger"', required: false, default: 'note', description: 'How it is styled.' }, { name: 'title', type: 'string', required: false, description: 'Heading of the aside.' }] },
  ];
  return { meta: propsOf(GuideMetaSchema), blocks, prose };
}
