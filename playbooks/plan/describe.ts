// A plan described for people and tools: every step of a path with its text resolved. Browser-safe.
import type { Guide } from '../model/guide.ts';
import type { PathId } from '../model/props.ts';
import { isCleanupStep, type Check, type Probe } from '../model/step.ts';
import { onPath, type DocBlock, type Inline } from '../model/doc.ts';
import { fieldsForPath } from './values.ts';
import { displayCommand, displayValue, stepsForPath } from './plan.ts';
import { ownValue } from '../model/own.ts';

export interface DescribedField {
  id: string;
  label: string;
  /** Where to find the value. */
  help?: string;
  type: string;
  secret: boolean;
  required: boolean;
  envVar: string;
  /** `advanced`: a test-setup setting (`group="advanced"`), listed apart from the reader's own values. */
  group: 'main' | 'advanced';
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
  /** The technical conditions, one line each ("output matches /^200$/"). */
  checks: string[];
  /** What success looks like, in the reader's words: one statement per check and probe. */
  done: string[];
  /** Cleanup step: runs even after a failure or an interruption. */
  always?: true;
  /** Resolved text of the step, for tools: the command, or the entries as `label: value` lines. */
  text: string;
}

export interface DescribedPlan {
  guide: { id: string; title: string; product: string; summary: string };
  path: PathId;
  /** The path's title ("Production images"). */
  pathTitle: string;
  fields: DescribedField[];
  steps: DescribedStep[];
  /**
   * The whole guide for this path in reading order: prose blocks (field values filled in where
   * known and not secret), and `field` / `step` blocks naming entries of `fields` / `steps`.
   */
  body: DocBlock[];
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
  return text.replace(/<([a-z][A-Za-z0-9]*)>/g, (mark, id: string) => shownFieldValue(guide, id, values) ?? mark);
}

/** The value of field `id` as prose may show it: known, not empty, and the field not secret. */
function shownFieldValue(guide: Guide, id: string, values: Readonly<Record<string, string | undefined>>): string | undefined {
  const f = guide.fields.find((x) => x.id === id);
  const v = ownValue(values, id);
  return f && !f.secret && v !== undefined && v !== '' ? v : undefined;
}

export function describePlan(guide: Guide, path: PathId, values: Readonly<Record<string, string | undefined>>): DescribedPlan {
  const fields = fieldsForPath(guide, path).map((f) => ({
    id: f.id,
    label: f.label,
    ...(f.help !== undefined ? { help: f.help } : {}),
    type: f.type,
    secret: f.secret,
    required: f.required,
    envVar: f.envVar,
    group: f.group,
    ...(!f.secret && ownValue(values, f.id) !== undefined ? { value: ownValue(values, f.id) } : {}),
    hasValue: ownValue(values, f.id) !== undefined,
  }));
  const steps = stepsForPath(guide, path, values).map(({ step, number, skipReason }): DescribedStep => {
    const always = isCleanupStep(step) ? { always: true as const } : {};
    const base = { id: step.id, number, kind: step.kind, title: step.title, description: fillValueMarks(guide, step.description, values), entries: [] as DescribedStep['entries'], checks: [] as string[], done: [] as string[], ...always, ...(skipReason ? { skipped: skipReason } : {}) };
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
        const done = [...step.checks.map((c) => c.success), ...step.probes.map((p) => p.success)].map((t) => displayValue(guide, t, values));
        return { ...base, ...(command !== undefined ? { command } : {}), checks, done, text: [command, ...checks].filter(Boolean).join('\n') };
      }
      case 'manual':
        return { ...base, text: base.description };
    }
  });
  const fieldIds = new Set(fields.map((f) => f.id));
  const stepIds = new Set(steps.map((s) => s.id));
  const fill = (text: Inline[]): Inline[] => text.map((i) => fillInline(guide, i, values));
  const body = (blocks: readonly DocBlock[]): DocBlock[] =>
    blocks.flatMap((b): DocBlock[] => {
      if (!onPath(b, path)) return [];
      switch (b.kind) {
        case 'heading':
        case 'paragraph':
          return [{ ...b, text: fill(b.text) }];
        case 'list':
          return [{ ...b, items: b.items.map(body) }];
        case 'quote':
        case 'aside':
          return [{ ...b, blocks: body(b.blocks) }];
        case 'table':
          return [{ ...b, rows: b.rows.map((r) => r.map(fill)) }];
        case 'field':
          return fieldIds.has(b.id) ? [b] : [];
        case 'step':
          return stepIds.has(b.id) ? [{ ...b, blocks: body(b.blocks) }] : [];
        case 'code':
          return [b];
      }
    });
  return {
    guide: { id: guide.meta.id, title: guide.meta.title, product: guide.meta.product, summary: guide.meta.summary },
    path,
    pathTitle: guide.meta.paths.find((p) => p.id === path)?.title ?? path,
    fields,
    steps,
    body: dropEmptySections(body(guide.doc)),
  };
}

/** A `<Value>` gets its value where it is known and not secret. */
function fillInline(guide: Guide, i: Inline, values: Readonly<Record<string, string | undefined>>): Inline {
  if (i.t === 'value') {
    const v = shownFieldValue(guide, i.id, values);
    return v !== undefined ? { ...i, value: v } : i;
  }
  if ('children' in i) return { ...i, children: i.children.map((c) => fillInline(guide, c, values)) };
  return i;
}

/** A heading whose whole section holds nothing on this path (its steps are on the other path) is left out. */
function dropEmptySections(blocks: DocBlock[]): DocBlock[] {
  return blocks.filter((b, i) => {
    if (b.kind !== 'heading') return true;
    const next = blocks.slice(i + 1).find((n) => n.kind !== 'heading' || n.depth <= b.depth);
    return next !== undefined && next.kind !== 'heading';
  });
}
