// A guide's plan for one path and a set of values: which steps run and what they read as. Browser-safe.
import type { Guide } from '../model/guide.ts';
import type { PathId } from '../model/props.ts';
import type { Step } from '../model/step.ts';
import { evaluateCondition, parseCondition, conditionToString } from '../model/when.ts';
import { displayPlain, displayShell, executableShell, segmentShell, type RefValue, type ShellScript } from '../template/shell.ts';
import { envVarFor } from '../model/field-check.ts';
import { ownValue } from '../model/own.ts';

export interface PlannedStep {
  step: Step;
  /** 1-based number on this path (skipped steps keep their number). */
  number: number;
  /** Why the step does not apply, when its `when` is false. */
  skipReason?: string;
}

export function stepsForPath(guide: Guide, path: PathId, values: Readonly<Record<string, string | undefined>>): PlannedStep[] {
  let n = 0;
  return guide.steps
    .filter((s) => s.paths.includes(path))
    .map((step) => {
      n++;
      const cond = step.when !== undefined ? parseCondition(step.when) : undefined;
      if (cond && !evaluateCondition(cond, values)) return { step, number: n, skipReason: `condition not met: ${conditionToString(cond)}` };
      return { step, number: n };
    });
}

/** Looks up references: fields first, then captures (with their secrecy). */
export function refLookup(guide: Guide, values: Readonly<Record<string, string | undefined>>): (name: string) => RefValue | undefined {
  const secretCaptures = new Set(guide.steps.flatMap((s) => (s.kind === 'command' ? s.captures.filter((c) => c.secret).map((c) => c.name) : [])));
  const fields = new Map(guide.fields.map((f) => [f.id, f]));
  return (name) => {
    const f = fields.get(name);
    if (f) return { value: ownValue(values, name), secret: f.secret, envVar: f.envVar };
    return { value: ownValue(values, name), secret: secretCaptures.has(name), envVar: envVarFor(name) };
  };
}

export function displayCommand(guide: Guide, template: string, values: Readonly<Record<string, string | undefined>>, placeholder?: (name: string) => string): string {
  return displayShell(segmentShell(template, refLookup(guide, values)), placeholder);
}

export function executableCommand(guide: Guide, template: string, values: Readonly<Record<string, string | undefined>>): ShellScript {
  return executableShell(segmentShell(template, refLookup(guide, values)));
}

export function displayValue(guide: Guide, template: string, values: Readonly<Record<string, string | undefined>>, opts?: { mask?: string; placeholder?: (name: string) => string }): string {
  return displayPlain(template, refLookup(guide, values), opts);
}

/** The same for a value that is used, not shown (a probe's password): secrets come through. */
export function resolveValue(guide: Guide, template: string, values: Readonly<Record<string, string | undefined>>): { value: string; missing: string[] } {
  const missing: string[] = [];
  const lookup = refLookup(guide, values);
  const value = displayPlain(template, (n) => {
    const v = lookup(n);
    if (v?.value === undefined) missing.push(n);
    return v ? { ...v, secret: false } : v;
  });
  return { value, missing };
}
