// The slice of a guide the browser needs (embedded in the page as JSON), and how references resolve.
// Browser-safe: imports only zod-free engine modules.
import { checkFieldValue } from '../../playbooks/model/field-check.ts';
import { ownValue, valueRecord } from '../../playbooks/model/own.ts';
import type { FieldType } from '../../playbooks/model/field-types.ts';
import type { RefValue } from '../../playbooks/template/shell.ts';

export type PathId = 'developer' | 'production';

export interface PageField {
  id: string;
  label: string;
  type: FieldType;
  secret: boolean;
  envVar: string;
  required: boolean;
  path: 'developer' | 'production' | 'both';
  default?: string | undefined;
  example?: string | undefined;
  pattern?: string | undefined;
  patternHint?: string | undefined;
  options?: string[] | undefined;
}

export interface PageCapture {
  name: string;
  secret: boolean;
  envVar: string;
  /** Id and title of the command step that captures it. */
  step: string;
  stepTitle: string;
}

export interface PageModel {
  guideId: string;
  fields: PageField[];
  captures: PageCapture[];
}

export const onPath = (f: Pick<PageField, 'path'>, path: PathId): boolean => f.path === 'both' || f.path === path;

export interface EffectiveValues {
  /** Valid values (or defaults) of the fields asked for on the path. */
  values: Record<string, string>;
  /** field id -> message, for values given but invalid. */
  invalid: Record<string, string>;
}

/** What the page shows for the given raw input: each value checked by the model's own field check. */
export function effectiveValues(model: PageModel, path: PathId, raw: Readonly<Record<string, string | undefined>>): EffectiveValues {
  const values = valueRecord<string>();
  const invalid = valueRecord<string>();
  for (const f of model.fields) {
    if (!onPath(f, path)) continue;
    const given = ownValue(raw, f.id);
    if (given !== undefined && given !== '') {
      const r = checkFieldValue(f, given);
      if (r.ok) values[f.id] = r.value;
      else invalid[f.id] = r.message;
    } else if (f.default !== undefined) {
      const r = checkFieldValue(f, f.default);
      values[f.id] = r.ok ? r.value : f.default;
    }
  }
  return { values, invalid };
}

/** Reference lookup for the template module: fields, then captured values. */
export function lookupFor(model: PageModel, values: Readonly<Record<string, string | undefined>>): (name: string) => RefValue | undefined {
  const fields = new Map(model.fields.map((f) => [f.id, f]));
  const captures = new Map(model.captures.map((c) => [c.name, c]));
  return (name) => {
    const f = fields.get(name);
    if (f) return { value: ownValue(values, name), secret: f.secret, envVar: f.envVar };
    const c = captures.get(name);
    if (c) return { value: ownValue(values, name), secret: c.secret, envVar: c.envVar };
    return undefined;
  };
}
