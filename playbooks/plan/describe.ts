// A plan described for people and tools: every step of a path with its text resolved. Browser-safe.
import type { Guide } from '../model/guide.ts';
import type { PathId } from '../model/props.ts';
import type { Check, Probe } from '../model/step.ts';
import { fieldsForPath } from './values.ts';
import { displayCommand, displayValue, stepsForPath } from './plan.ts';
import { ownValue } from '../model/own.ts';

export interface DescribedField {
  id: string;
  label: string;
  type: string;
  secret: boolean;
  required: boolean;
  envVar: string;
  /** Non-secret values only. */
  value?: string;
  hasValue: boolean;
}

export interface DescribedStep {
  id: string;
  number: number;
  kind: 'fields' | 'command' | 'verify' | 'manual';
  title: string;
  skipped?: string;
  description: string;
  /** Resolved command text (secrets as "$CGR_..." references). */
  command?: string;
  screen?: string;
  entries: { label: string; value: string; note?: string }[];
  checks: string[];
  /** Resolved text of the step, for tools: the command, or the entries as `label: value` lines. */
  text: string;
}

export interface DescribedPlan {
  guide: { id: string; title: string; product: string };
  path: PathId;
  fields: DescribedField[];
  steps: DescribedStep[];
}

/** One line per check; `resolve` fills in the `{{refs}}` of contains/notContains texts (left as written without it). */
export function describeCheck(c: Check, resolve: (template: string) => string = (t) => t): string {
  switch (c.type) {
    case 'exitCode':
      return `exit code is ${c.equals}`;
    case 'contains':
      return `output contains ${JSON.stringify(resolve(c.text))}`;
    case 'notContains':
      return `output does not contain ${JSON.stringify(resolve(c.text))}`;
    case 'regex':
      return `output matches /${c.pattern}/`;
  }
}

export function describeProbe(guide: Guide, p: Probe, values: Readonly<Record<string, string | undefined>>): string {
  const image = displayValue(guide, p.image, values);
  return p.type === 'pull' ? `pull ${image}: manifest and every layer download and match their digests` : `pull ${image} straight from the upstream with the same credentials`;
}

/**
 * Prose shows a field as `<fieldId>` (from `<Value id="fieldId"/>`); put in the value where it is
 * known and not secret, and leave the mark otherwise.
 */
export function fillValueMarks(guide: Guide, text: string, values: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/<([a-z][A-Za-z0-9]*)>/g, (mark, id: string) => {
    const f = guide.fields.find((x) => x.id === id);
    const v = ownValue(values, id);
    return f && !f.secret && v !== undefined && v !== '' ? v : mark;
  });
}

export function describePlan(guide: Guide, path: PathId, values: Readonly<Record<string, string | undefined>>): DescribedPlan {
  const fields = fieldsForPath(guide, path).map((f) => ({
    id: f.id,
    label: f.label,
    type: f.type,
    secret: f.secret,
    required: f.required,
    envVar: f.envVar,
    ...(!f.secret && ownValue(values, f.id) !== undefined ? { value: ownValue(values, f.id) } : {}),
    hasValue: ownValue(values, f.id) !== undefined,
  }));
  const steps = stepsForPath(guide, path, values).map(({ step, number, skipReason }): DescribedStep => {
    const base = { id: step.id, number, kind: step.kind, title: step.title, description: fillValueMarks(guide, step.description, values), entries: [] as DescribedStep['entries'], checks: [] as string[], ...(skipReason ? { skipped: skipReason } : {}) };
    switch (step.kind) {
      case 'fields': {
        const entries = step.entries.map((e) => ({ label: e.label, value: displayValue(guide, e.value, values), ...(e.note ? { note: e.note } : {}) }));
        return { ...base, entries, ...(step.screen ? { screen: displayValue(guide, step.screen, values) } : {}), text: entries.map((e) => `${e.label}: ${e.value}`).join('\n') };
      }
      case 'command': {
        const command = displayCommand(guide, step.run, values);
        return { ...base, command, text: command };
      }
      case 'verify': {
        const command = step.run !== undefined ? displayCommand(guide, step.run, values) : undefined;
        const checks = [...(step.step ? [`output of step ${step.step}:`] : []), ...step.checks.map((c) => describeCheck(c, (t) => displayValue(guide, t, values))), ...step.probes.map((p) => describeProbe(guide, p, values))];
        return { ...base, ...(command !== undefined ? { command } : {}), checks, text: [command, ...checks].filter(Boolean).join('\n') };
      }
      case 'manual':
        return { ...base, text: base.description };
    }
  });
  return { guide: { id: guide.meta.id, title: guide.meta.title, product: guide.meta.product }, path, fields, steps };
}
