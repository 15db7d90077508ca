// Field values: check what was given, fill defaults, and say what is missing. Browser-safe.
import { checkFieldValue, type Field } from '../model/field.ts';
import type { Guide } from '../model/guide.ts';
import type { PathId } from '../model/props.ts';
import { templatesOf } from '../model/guide.ts';
import { findRefs } from '../template/refs.ts';
import { evaluateCondition, parseCondition } from '../model/when.ts';
import { ownValue, valueRecord } from '../model/own.ts';

export interface ValueProblem {
  field: string;
  label: string;
  message: string;
}

export interface ResolvedValues {
  /** Valid values by field id (defaults filled in). */
  values: Record<string, string>;
  /** Values given but invalid. */
  invalid: ValueProblem[];
  /** Required fields used on this path with no value. */
  missing: Field[];
}

/** The fields a path asks for: field.path matches and some step on the path uses it (or it is required by a `when`). */
export function fieldsForPath(guide: Guide, path: PathId): Field[] {
  return guide.fields.filter((f) => f.path === 'both' || f.path === path);
}

export function resolveValues(guide: Guide, path: PathId, given: Readonly<Record<string, string | undefined>>): ResolvedValues {
  const values = valueRecord<string>();
  const invalid: ValueProblem[] = [];
  const missing: Field[] = [];
  for (const f of fieldsForPath(guide, path)) {
    const raw = ownValue(given, f.id);
    if (raw !== undefined && raw !== '') {
      const r = checkFieldValue(f, raw);
      if (r.ok) values[f.id] = r.value;
      else invalid.push({ field: f.id, label: f.label, message: r.message });
    } else if (f.default !== undefined) {
      values[f.id] = checkFieldValue(f, f.default).ok ? (checkFieldValue(f, f.default) as { value: string }).value : f.default;
    }
  }
  const used = usedFields(guide, path, Object.assign(valueRecord<string>(), values));
  for (const f of fieldsForPath(guide, path)) if (f.required && values[f.id] === undefined && used.has(f.id) && !invalid.some((p) => p.field === f.id)) missing.push(f);
  return { values, invalid, missing };
}

/** Field ids that the steps which will run on this path read (templates, conditions, provides). */
export function usedFields(guide: Guide, path: PathId, values: Readonly<Record<string, string | undefined>>): Set<string> {
  const used = new Set<string>();
  guide.steps.forEach((step, i) => {
    if (!step.paths.includes(path)) return;
    const cond = step.when !== undefined ? parseCondition(step.when) : undefined;
    if (cond) {
      used.add(cond.field);
      if (!evaluateCondition(cond, values)) return;
    }
    for (const site of templatesOf(step, i)) {
      // A probe's credentials are not used when its credentialsWhen does not hold (an anonymous pull).
      if (step.kind === 'verify' && site.path[2] === 'probes' && (site.path[4] === 'username' || site.path[4] === 'password')) {
        const w = step.probes[site.path[3] as number]?.credentialsWhen;
        const c = w !== undefined ? parseCondition(w) : undefined;
        if (c) {
          used.add(c.field);
          if (!evaluateCondition(c, values)) continue;
        }
      }
      for (const r of findRefs(site.template)) used.add(r.name);
    }
    if (step.kind === 'manual') for (const f of step.provides) used.add(f);
  });
  return used;
}
