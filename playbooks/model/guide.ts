// A guide: metadata, the fields a reader supplies, and the steps of its two paths. Browser-safe.
import { z } from 'zod';
import { FieldSchema, checkFieldValue, envVarFor, type Field } from './field.ts';
import { StepSchema, type Step } from './step.ts';
import { PATH_IDS, oneLine, pathsOf, type PathId } from './props.ts';
import type { DocBlock } from './doc.ts';
import { exclusiveConditions, parseCondition } from './when.ts';
import { findMalformedRefs, findRefs } from '../template/refs.ts';
import { scanShell } from '../template/shell.ts';

export const GUIDE_IDS_HINT = 'nexus, artifactory, cloudsmith, distribution';

export const PathInfoSchema = z.strictObject({
  /** `developer` (public images) or `production` (private images behind a pull token). */
  id: z.enum(PATH_IDS).describe("`developer` (public images) or `production` (private images behind a pull token)."),
  /** Title shown on the path switch. */
  title: oneLine(z.string().min(1)).describe("Title shown on the path switch."),
  /** One line on who takes this path. */
  summary: oneLine(z.string()).optional().describe("One line on who takes this path."),
});

const DEFAULT_PATHS = [
  { id: 'developer' as const, title: 'Developer images', summary: 'Public images from cgr.dev/chainguard, no credentials.' },
  { id: 'production' as const, title: 'Production images', summary: "Your organization's private images, with a pull token." },
];

export const GuideMetaSchema = z.strictObject({
  /** Guide id: the name used on the command line (`cgr-playbook run nexus`) and in the page URL. */
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'expected a lowercase id such as "nexus"' }).describe("Guide id: the name used on the command line (`cgr-playbook run nexus`) and in the page URL."),
  /** Page title. */
  title: oneLine(z.string().min(1)).describe("Page title."),
  /** The product being configured, e.g. "Sonatype Nexus Repository 3". */
  product: oneLine(z.string().min(1)).describe("The product being configured, e.g. \"Sonatype Nexus Repository 3\"."),
  /** One or two sentences for the home page and search results. */
  summary: oneLine(z.string().min(1)).describe("One or two sentences for the home page and search results."),
  /** Order on the home page and in the sidebar. */
  order: z.number().int().default(100).describe("Order on the home page and in the sidebar."),
  /** Path titles; both paths exist in every guide. */
  paths: z.array(PathInfoSchema).default(DEFAULT_PATHS).describe("Path titles; both paths exist in every guide."),
});

/** `url`: the whole template ends up in a URL (a probe's image reference or upstream), so no secret may appear in it. */
export type TemplateSite = { step: Step; path: (string | number)[]; template: string; shell: boolean; url?: boolean };

/** Two steps that can never both run: on different paths, or on conditions that cannot both hold. */
function alternatives(a: Step, b: Step): boolean {
  if (!a.paths.some((p) => b.paths.includes(p))) return true;
  const ca = a.when !== undefined ? parseCondition(a.when) : undefined;
  const cb = b.when !== undefined ? parseCondition(b.when) : undefined;
  return ca !== undefined && cb !== undefined && exclusiveConditions(ca, cb);
}

export function templatesOf(step: Step, index: number): TemplateSite[] {
  const at = (...p: (string | number)[]) => ['steps', index, ...p];
  const out: TemplateSite[] = [];
  switch (step.kind) {
    case 'fields':
      if (step.screen !== undefined) out.push({ step, path: at('screen'), template: step.screen, shell: false });
      step.entries.forEach((e, i) => out.push({ step, path: at('entries', i, 'value'), template: e.value, shell: false }));
      break;
    case 'command':
      out.push({ step, path: at('run'), template: step.run, shell: true });
      break;
    case 'verify':
      if (step.run !== undefined) out.push({ step, path: at('run'), template: step.run, shell: true });
      // contains / notContains texts may name values (`<Check contains="{{cgOrg}}/" />`); the runner resolves them.
      step.checks.forEach((c, i) => {
        if (c.type === 'contains' || c.type === 'notContains') out.push({ step, path: at('checks', i, 'text'), template: c.text, shell: false });
        // The success statement may name values too ("{{image}} comes through the cache").
        if (c.success) out.push({ step, path: at('checks', i, 'success'), template: c.success, shell: false });
      });
      step.probes.forEach((p, i) => {
        out.push({ step, path: at('probes', i, 'image'), template: p.image, shell: false, url: true });
        if (p.success) out.push({ step, path: at('probes', i, 'success'), template: p.success, shell: false });
        if (p.username !== undefined) out.push({ step, path: at('probes', i, 'username'), template: p.username, shell: false });
        if (p.password !== undefined) out.push({ step, path: at('probes', i, 'password'), template: p.password, shell: false });
        if (p.upstream !== undefined) out.push({ step, path: at('probes', i, 'upstream'), template: p.upstream, shell: false, url: true });
        if (p.caFile !== undefined) out.push({ step, path: at('probes', i, 'caFile'), template: p.caFile, shell: false });
      });
      break;
    case 'manual':
      break;
  }
  return out;
}

export const GuideSchema = z
  .strictObject({
    meta: GuideMetaSchema,
    fields: z.array(FieldSchema).default([]),
    steps: z.array(StepSchema).min(1, { message: 'a guide needs at least one step' }),
    /** The prose in reading order, with where each field and step sits (extracted, not written as a prop). */
    doc: z.array(z.custom<DocBlock>()).default([]),
  })
  .superRefine((parsed, ctx) => {
    // zod skips the transform of a step or field that has a problem of its own (a bad regex, say)
    // but still runs this check: fill in the derived props so the cross-field checks run on it too.
    const g = {
      ...parsed,
      fields: parsed.fields.map((f) => (f.envVar === undefined ? { ...f, secret: f.type === 'secret', envVar: envVarFor(f.id) } : f)),
      steps: parsed.steps.map((s) => (Array.isArray(s.paths) ? s : { ...s, paths: pathsOf(s.path ?? 'both') })),
    };
    const issue = (path: (string | number)[], message: string, hint: string) => ctx.addIssue({ code: 'custom', path, message, params: { hint } });

    const fields = new Map<string, Field>();
    g.fields.forEach((f, i) => {
      if (fields.has(f.id)) issue(['fields', i, 'id'], `duplicate field id "${f.id}"`, 'give each <Field> its own id');
      fields.set(f.id, f);
      // An enum without options is reported once above; checking values against no options adds noise.
      if (f.type === 'enum' && !f.options?.length) return;
      if (f.default !== undefined) {
        const r = checkFieldValue(f, f.default);
        if (!r.ok) issue(['fields', i, 'default'], `default fails the field's own validation: ${r.message}`, 'fix the default or the field type/pattern');
      }
      if (f.example !== undefined && !f.secret) {
        const r = checkFieldValue(f, f.example);
        if (!r.ok) issue(['fields', i, 'example'], `example fails the field's own validation: ${r.message}`, 'fix the example or the field type/pattern');
      }
    });

    const stepIds = new Map<string, number>();
    // name -> { step index, paths, secret } of captures seen so far
    const captures = new Map<string, { index: number; paths: PathId[] }>();
    const secretNames = new Set(g.fields.filter((f) => f.secret).map((f) => f.id));

    g.steps.forEach((step, i) => {
      if (stepIds.has(step.id)) issue(['steps', i, 'id'], `duplicate step id "${step.id}" (first used by step ${stepIds.get(step.id)! + 1})`, 'step ids must be unique within a guide');
      else stepIds.set(step.id, i);

      /** A condition (`when`, `credentialsWhen`) names a declared field. */
      const conditionField = (path: (string | number)[], condition: string | undefined) => {
        const cond = condition !== undefined ? parseCondition(condition) : undefined;
        if (cond && !fields.has(cond.field)) issue(path, `${path.at(-1)} refers to unknown field "${cond.field}"`, `declare <Field id="${cond.field}" .../> or use one of: ${[...fields.keys()].join(', ') || '(no fields)'}`);
      };
      conditionField(['steps', i, 'when'], step.when);
      if (step.kind === 'verify') step.probes.forEach((p, k) => conditionField(['steps', i, 'probes', k, 'credentialsWhen'], p.credentialsWhen));

      for (const site of templatesOf(step, i)) {
        for (const off of findMalformedRefs(site.template)) {
          issue(site.path, `malformed reference at "${site.template.slice(off, off + 20)}"`, 'write references as {{fieldId}} with a camelCase id');
        }
        const refs = findRefs(site.template);
        const places = site.shell ? scanShell(site.template, refs) : [];
        const contexts = places.map((p) => p.context);
        refs.forEach((ref, k) => {
          const field = fields.get(ref.name);
          const cap = captures.get(ref.name);
          if (field) {
            if (field.path !== 'both' && step.paths.some((p) => p !== field.path)) {
              issue(site.path, `{{${ref.name}}} is only asked for on the ${field.path} path, but step "${step.id}" also runs on ${step.paths.filter((p) => p !== field.path).join(', ')}`, `add path="${field.path}" to the step or path="both" to the field`);
            }
          } else if (cap) {
            const outside = step.paths.filter((p) => !cap.paths.includes(p));
            if (outside.length) issue(site.path, `{{${ref.name}}} is captured by step "${g.steps[cap.index]!.id}", which does not run on the ${outside.join(', ')} path`, 'limit this step to the same path as the capturing step');
          } else {
            const later = g.steps.slice(i + 1).find((s) => s.kind === 'command' && s.captures.some((c) => c.name === ref.name));
            issue(
              site.path,
              later ? `{{${ref.name}}} is captured by step "${later.id}", which comes later` : `unresolved reference {{${ref.name}}}`,
              later ? 'move the capturing step before this one' : `declare <Field id="${ref.name}" .../> or capture it in an earlier command; known: ${[...fields.keys(), ...captures.keys()].join(', ') || '(none)'}`,
            );
          }
          const ctxName = contexts[k];
          if (ctxName === 'arithmetic') {
            issue(site.path, `{{${ref.name}}} is inside $(( )), where the shell evaluates the value as an arithmetic expression (bash runs $(...) found in it)`, 'do the arithmetic outside the command and pass the result as a plain word');
          }
          if (ctxName === 'single' || ctxName === 'heredoc-quoted') {
            issue(site.path, `{{${ref.name}}} is inside ${ctxName === 'single' ? 'single quotes' : "a quoted heredoc (<<'EOF')"}, where the shell does not expand it`, ctxName === 'single' ? 'use double quotes around it, or none' : 'use an unquoted heredoc delimiter (<<EOF)');
          }
          if (places[k]?.stdin && secretNames.has(ref.name)) {
            issue(site.path, `secret {{${ref.name}}} is in a heredoc or here-string, text a program reads on its standard input (such as a config for curl -K -): a quote or line break in the value would change that text`, `pass it as an argument instead, e.g. printf 'Authorization: Bearer %s\\n' {{${ref.name}}} | curl -H @- URL`);
          }
          if (secretNames.has(ref.name) && site.path.at(-1) === 'caFile') {
            issue(site.path, `secret {{${ref.name}}} is in a probe's caFile, a file path that is shown and logged`, 'caFile names a file of public CA certificates: build it from values that are not secret, such as the registry address');
          }
          if (secretNames.has(ref.name)) {
            const before = site.template.slice(0, ref.start);
            // The run of text since the last whitespace: a scheme in it puts the secret in a URL
            // (credentials, path or query string alike: `https://h/?key={{secret}}`).
            const word = before.slice(before.search(/\S*$/));
            if (site.url) {
              issue(site.path, `secret {{${ref.name}}} is interpolated into an image reference, which becomes part of a URL`, 'image references name the registry and the image only; give credentials with username= and password=');
            } else if (/[a-z][a-z0-9+.-]*:\/\//i.test(word)) {
              issue(site.path, `secret {{${ref.name}}} is interpolated into a URL`, 'URLs are shown on the page and end up in logs and histories; pass the secret as a header, a password prompt or --password-stdin');
            }
          }
        });
      }

      if (step.kind === 'verify' && step.step !== undefined) {
        const target = stepIds.get(step.step);
        if (target === undefined || target >= i) {
          issue(['steps', i, 'step'], g.steps.some((s) => s.id === step.step) ? `verify refers to step "${step.step}", which comes later` : `verify refers to unknown step "${step.step}"`, 'step= names an earlier command step of the same path');
        } else {
          const t = g.steps[target]!;
          if (t.kind !== 'command') issue(['steps', i, 'step'], `verify refers to step "${step.step}", a ${t.kind} step with no output`, 'point step= at a command step');
          const outside = step.paths.filter((p) => !t.paths.includes(p));
          if (outside.length) issue(['steps', i, 'step'], `verify runs on ${outside.join(', ')} but step "${step.step}" does not`, 'give both steps the same path');
        }
      }
      if (step.kind === 'manual') {
        step.provides.forEach((name, k) => {
          if (!fields.has(name)) issue(['steps', i, 'provides', k], `provides unknown field "${name}"`, `declare <Field id="${name}" .../>`);
        });
        if (step.ci === 'provided' && step.provides.length === 0) issue(['steps', i, 'ci'], 'ci="provided" needs provides={[...]}', 'list the fields whose values stand in for this action in CI');
      }
      if (step.kind === 'command') {
        step.captures.forEach((c, k) => {
          if (fields.has(c.name)) issue(['steps', i, 'captures', k, 'name'], `capture "${c.name}" has the same name as a field`, 'rename the capture');
          else if (captures.has(c.name)) {
            // Alternatives (steps that can never both run) may capture the same value: whichever runs provides it.
            const first = captures.get(c.name)!;
            const other = g.steps[first.index]!;
            if (alternatives(other, step)) captures.set(c.name, { index: first.index, paths: [...new Set([...first.paths, ...step.paths])] });
            else issue(['steps', i, 'captures', k, 'name'], `capture "${c.name}" is already captured by step "${other.id}", and both steps can run`, `rename one of them, or make the two steps alternatives: conditions that cannot both hold (when="useLab" and when="!useLab") or different paths`);
          } else captures.set(c.name, { index: i, paths: step.paths });
          if (c.secret) secretNames.add(c.name);
        });
      }
    });

    for (const p of PATH_IDS) {
      if (!g.steps.some((s) => s.paths.includes(p))) issue(['steps'], `no step on the ${p} path`, `add steps with path="${p}" or path="both"`);
    }
  });

export type GuideInput = z.input<typeof GuideSchema>;
export type Guide = z.output<typeof GuideSchema> & {
  file?: string;
  /** Where steps, checks and captures are written (line, column in `file`), keyed `<stepId>`,
   * `<stepId>/checks/<n>`, `<stepId>/captures/<n>`; set by the loader, used in run-time diagnoses. */
  positions?: Readonly<Record<string, { line: number; column: number }>>;
};
export type GuideMeta = z.output<typeof GuideMetaSchema>;
