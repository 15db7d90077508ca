// Fields: the values a reader supplies (URLs, names, tokens). Browser-safe: no Node imports.
import { z } from 'zod';

export const FIELD_TYPES = ['text', 'url', 'host', 'port', 'enum', 'boolean', 'secret'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

const booleanProp = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const stringish = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

export const fieldIdSchema = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]*$/, { message: 'expected a camelCase id such as "nexusUrl"' });

export const FieldSchema = z
  .strictObject({
    /** Stable id used in templates as `{{id}}` and, upper-snake-cased with a CGR_ prefix, as the environment variable (`nexusUrl` -> `CGR_NEXUS_URL`). */
    id: fieldIdSchema.describe("Stable id used in templates as `{{id}}` and, upper-snake-cased with a CGR_ prefix, as the environment variable (`nexusUrl` -> `CGR_NEXUS_URL`)."),
    /** Short label shown beside the input and in prompts. */
    label: z.string().min(1).describe("Short label shown beside the input and in prompts."),
    /** One or two sentences on where to find the value. */
    help: z.string().optional().describe("One or two sentences on where to find the value."),
    /** Value type; decides the input control and the validation. `secret` values are never stored, logged or shown. */
    type: z.enum(FIELD_TYPES).default('text').describe("Value type; decides the input control and the validation. `secret` values are never stored, logged or shown."),
    /** Value used when the reader supplies none. Must pass the field's own validation. */
    default: stringish.optional().describe("Value used when the reader supplies none. Must pass the field's own validation."),
    /** A sample value shown as the input's placeholder and used by `show` when nothing is set. */
    example: stringish.optional().describe("A sample value shown as the input's placeholder and used by `show` when nothing is set."),
    /** Whether a value is needed (steps that use the field cannot run without one). */
    required: booleanProp.default(true).describe("Whether a value is needed (steps that use the field cannot run without one)."),
    /** Extra validation: a regular expression the whole value must match. */
    pattern: z.string().optional().describe("Extra validation: a regular expression the whole value must match."),
    /** What `pattern` expects, in words (shown when a value does not match). */
    patternHint: z.string().optional().describe("What `pattern` expects, in words (shown when a value does not match)."),
    /** Choices for `enum` fields. */
    options: z.array(z.string().min(1)).optional().describe("Choices for `enum` fields."),
    /** Paths on which the field is asked for; default: every path. */
    path: z.enum(['developer', 'production', 'both']).default('both').describe("Paths on which the field is asked for; default: every path."),
  })
  .superRefine((f, ctx) => {
    if (f.type === 'enum' && (!f.options || f.options.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'an enum field needs options', params: { hint: 'add options={["a", "b"]}' } });
    }
    if (f.type !== 'enum' && f.options) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `options only apply to enum fields, this one is ${f.type}`, params: { hint: 'set type="enum" or remove options' } });
    }
    if (f.pattern !== undefined) {
      const err = regexError(f.pattern);
      if (err) ctx.addIssue({ code: 'custom', path: ['pattern'], message: `invalid regular expression: ${err}`, params: { hint: 'escape special characters with a backslash' } });
    }
    if (f.type === 'secret' && f.default !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'a secret field cannot have a default', params: { hint: 'remove default; secrets come from the environment, a file or the prompt' } });
    }
  })
  .transform((f) => ({ ...f, secret: f.type === 'secret', envVar: envVarFor(f.id) }));

export type FieldInput = z.input<typeof FieldSchema>;
export type Field = z.output<typeof FieldSchema>;

export function envVarFor(id: string): string {
  return 'CGR_' + id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export function regexError(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

export type FieldCheck = { ok: true; value: string } | { ok: false; message: string };

const HOST_LABEL = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)';
const HOST_RE = new RegExp(`^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:]+\\])(?::(\\d{1,5}))?$`);

/** Validates and normalises one value for a field. Messages say what was expected. */
export function checkFieldValue(field: Pick<Field, 'type' | 'pattern' | 'patternHint' | 'options' | 'label'>, raw: string): FieldCheck {
  const value = field.type === 'secret' ? raw : raw.trim();
  const expected = (what: string): FieldCheck => ({ ok: false, message: `expected ${what}, got ${field.type === 'secret' ? 'a value that does not match' : JSON.stringify(value)}` });
  if (value === '') return { ok: false, message: 'a value is required' };
  if (/[\u0000-\u001f\u007f]/.test(value) && field.type !== 'secret' && field.type !== 'text') return expected('no control characters');
  switch (field.type) {
    case 'url': {
      let u: URL;
      try {
        u = new URL(value);
      } catch {
        return expected('a URL such as https://nexus.example.com');
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return expected('an http:// or https:// URL');
      if (u.username || u.password) return expected('a URL without credentials in it (credentials go in their own fields)');
      break;
    }
    case 'host': {
      const m = HOST_RE.exec(value);
      if (!m) return expected('a host name with an optional port, such as registry.example.com:5051 (no scheme, no path)');
      if (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 65535)) return expected('a port between 1 and 65535');
      break;
    }
    case 'port': {
      if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) return expected('a port number between 1 and 65535');
      break;
    }
    case 'enum': {
      if (!field.options?.includes(value)) return expected(`one of ${field.options?.join(', ')}`);
      break;
    }
    case 'boolean': {
      const v = value.toLowerCase();
      if (['true', 'yes', 'y', '1', 'on'].includes(v)) return { ok: true, value: 'true' };
      if (['false', 'no', 'n', '0', 'off'].includes(v)) return { ok: true, value: 'false' };
      return expected('true or false');
    }
    case 'text':
    case 'secret':
      break;
  }
  if (field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`).test(value)) {
    return expected(field.patternHint ?? `a value matching /${field.pattern}/`);
  }
  return { ok: true, value };
}
