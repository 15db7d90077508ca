// Fields: the values a reader supplies (URLs, names, tokens). Browser-safe: no Node imports.
import { z } from 'zod';

import { FIELD_TYPES } from './field-types.ts';
import { envVarFor, regexError } from './field-check.ts';
import { regexSlowness, SLOW_REGEX_HINT } from './regex-safety.ts';
import { reservedNameError } from './reserved-names.ts';
import { oneLine } from './props.ts';

export { FIELD_TYPES, type FieldType } from './field-types.ts';
// Moved to field-check.ts (zod-free, for browser code); re-exported so existing imports keep working.
export { envVarFor, regexError, checkFieldValue, valueTextProblem, MAX_VALUE_BYTES, type FieldCheck, type CheckableField } from './field-check.ts';

const booleanProp = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const stringish = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

export const fieldIdSchema = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]*$/, { message: 'expected a camelCase id such as "nexusUrl"' })
  .superRefine((id, ctx) => {
    const err = reservedNameError(id);
    if (err) ctx.addIssue({ code: 'custom', message: err, params: { hint: 'rename the field, e.g. "registryHost"' } });
  });

export const FieldSchema = z
  .strictObject({
    /** Stable id used in templates as `{{id}}` and, upper-snake-cased with a CGR_ prefix, as the environment variable (`nexusUrl` -> `CGR_NEXUS_URL`). Ids starting with `playbook` are reserved (`CGR_PLAYBOOK_*` are the tool's own settings). */
    id: fieldIdSchema.describe("Stable id used in templates as `{{id}}` and, upper-snake-cased with a CGR_ prefix, as the environment variable (`nexusUrl` -> `CGR_NEXUS_URL`). Ids starting with `playbook` are reserved (`CGR_PLAYBOOK_*` are the tool's own settings)."),
    /** Short label shown beside the input and in prompts. */
    label: oneLine(z.string().min(1)).describe("Short label shown beside the input and in prompts."),
    /** One or two sentences on where to find the value. */
    help: oneLine(z.string()).optional().describe("One or two sentences on where to find the value."),
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
    patternHint: oneLine(z.string()).optional().describe("What `pattern` expects, in words (shown when a value does not match)."),
    /** Choices for `enum` fields. */
    options: z.array(oneLine(z.string().min(1))).optional().describe("Choices for `enum` fields."),
    /** Lets a `text` or `secret` value span several lines (a certificate, a key). Every other control character is refused whatever the field. */
    multiline: booleanProp.default(false).describe("Lets a `text` or `secret` value span several lines (a certificate, a key). Every other control character is refused whatever the field."),
    /** Paths on which the field is asked for; default: every path. */
    path: z.enum(['developer', 'production', 'both']).default('both').describe("Paths on which the field is asked for; default: every path."),
    /** `advanced`: a setting readers keep at its default (test-lab addresses, plain HTTP for a local instance); the page shows these in one collapsed "Advanced / testing" group, placed where the first of them is. */
    group: z.enum(['main', 'advanced']).default('main').describe('`advanced`: a setting readers keep at its default (test-lab addresses, plain HTTP for a local instance); the page shows these in one collapsed "Advanced / testing" group, placed where the first of them is.'),
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
      else {
        // The page and the engine both test values against it: it must not be able to hang either.
        const slow = regexSlowness(`^(?:${f.pattern})$`);
        if (slow) ctx.addIssue({ code: 'custom', path: ['pattern'], message: `regular expression can take exponential time: ${slow}`, params: { hint: SLOW_REGEX_HINT } });
      }
    }
    if (f.group === 'advanced' && f.required && f.default === undefined) {
      ctx.addIssue({ code: 'custom', path: ['group'], message: 'an advanced field needs a default: readers leave it alone', params: { hint: 'add default="…", or required={false}, or move the field out of the advanced group' } });
    }
    if (f.multiline && f.type !== 'text' && f.type !== 'secret') {
      ctx.addIssue({ code: 'custom', path: ['multiline'], message: `multiline only applies to text and secret fields, this one is ${f.type}`, params: { hint: 'remove multiline' } });
    }
    if (f.type === 'secret' && f.default !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'a secret field cannot have a default', params: { hint: 'remove default; secrets come from the environment, a file or the prompt' } });
    }
  })
  .transform((f) => ({ ...f, secret: f.type === 'secret', envVar: envVarFor(f.id) }));

export type FieldInput = z.input<typeof FieldSchema>;
export type Field = z.output<typeof FieldSchema>;
