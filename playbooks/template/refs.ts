// `{{name}}` references inside templates. Browser-safe.
export interface TemplateRef {
  name: string;
  /** Offsets of the whole `{{ name }}` in the template. */
  start: number;
  end: number;
}

export const REF_PATTERN = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

export function findRefs(template: string): TemplateRef[] {
  const refs: TemplateRef[] = [];
  for (const m of template.matchAll(REF_PATTERN)) refs.push({ name: m[1]!, start: m.index, end: m.index + m[0].length });
  return refs;
}

/** Offsets of `{{` that do not open a well-formed reference (typos such as `{{ nexus url }}` or a missing `}}`). */
export function findMalformedRefs(template: string): number[] {
  const good = new Set(findRefs(template).map((r) => r.start));
  const bad: number[] = [];
  for (let i = template.indexOf('{{'); i !== -1; i = template.indexOf('{{', i + 2)) if (!good.has(i)) bad.push(i);
  return bad;
}
