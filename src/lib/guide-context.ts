// Build-time context of a guide page: the playbook model, the slice the browser gets, step numbers.
// Server-only (runs during `astro build`); components read it from Astro.locals.
import { join, resolve } from 'node:path';
import { loadGuideFile } from '../../playbooks/extract/load.ts';
import { formatDiagnostic } from '../../playbooks/extract/diagnostics.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import type { Step } from '../../playbooks/model/step.ts';
import { PATH_IDS, type PathId } from '../../playbooks/model/props.ts';
import { stepsForPath } from '../../playbooks/plan/plan.ts';
import { envVarFor } from '../../playbooks/model/field-check.ts';
import { effectiveValues, lookupFor, type PageModel } from '../client/page-model.ts';
import type { RefValue } from '../../playbooks/template/shell.ts';

export interface GuideContext {
  guide: Guide;
  model: PageModel;
  /** step id -> its number on each path it belongs to. */
  numbers: Map<string, Partial<Record<PathId, number>>>;
  /** Lookup used for the server render (no JavaScript): defaults filled in, the rest placeholders. */
  lookup: (name: string) => RefValue | undefined;
  step(id: string): Step;
}

/** The guides folder: $CGR_PLAYBOOK_CONTENT (scripts/dev.mjs and build-site.mjs set it from
 * --content or cgr-playbook.config.*), else content/. Same rule in astro.config.mjs and content.config.ts. */
export function siteContentDir(): string {
  return process.env.CGR_PLAYBOOK_CONTENT ? resolve(process.env.CGR_PLAYBOOK_CONTENT) : join(process.cwd(), 'content');
}

/** Loads <guides folder>/<file> through the engine; a broken guide fails the build with
 * file:line:col, and in `npm run dev` Astro's error overlay shows it with the guide's source
 * around the first problem (`loc`) and a hint. */
export async function loadGuideContext(file: string): Promise<GuideContext> {
  const r = await loadGuideFile(join(siteContentDir(), file));
  if (!r.guide) {
    const first = r.diagnostics[0];
    const err = new Error(`guide ${file} is broken:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`) as Error & { loc?: { file: string; line: number; column: number }; hint?: string };
    if (first) err.loc = { file: resolve(process.cwd(), first.file), line: first.line, column: first.column };
    err.hint = 'Fix the guide where it says; `npx cgr-playbook validate` lists every problem. The page reloads when you save.';
    throw err;
  }
  const guide = r.guide;
  const model = pageModel(guide);
  const numbers = new Map<string, Partial<Record<PathId, number>>>();
  for (const p of PATH_IDS) for (const { step, number } of stepsForPath(guide, p, {})) numbers.set(step.id, { ...numbers.get(step.id), [p]: number });
  const lookup = lookupFor(model, effectiveValues(model, 'developer', {}).values);
  return {
    guide,
    model,
    numbers,
    lookup,
    step(id) {
      const s = guide.steps.find((x) => x.id === id);
      if (!s) throw new Error(`guide ${guide.meta.id}: no step with id "${id}"`);
      return s;
    },
  };
}

export function pageModel(guide: Guide): PageModel {
  return {
    guideId: guide.meta.id,
    fields: guide.fields.map((f) => ({
      id: f.id,
      label: f.label,
      type: f.type,
      secret: f.secret,
      envVar: f.envVar,
      required: f.required,
      path: f.path,
      ...(f.default !== undefined ? { default: f.default } : {}),
      ...(f.example !== undefined ? { example: f.example } : {}),
      ...(f.pattern !== undefined ? { pattern: f.pattern } : {}),
      ...(f.patternHint !== undefined ? { patternHint: f.patternHint } : {}),
      ...(f.options !== undefined ? { options: f.options } : {}),
      ...(f.multiline ? { multiline: true } : {}),
    })),
    captures: guide.steps.flatMap((s) => (s.kind === 'command' ? s.captures.map((c) => ({ name: c.name, secret: c.secret, envVar: envVarFor(c.name), step: s.id, stepTitle: s.title })) : [])),
  };
}

/** The paths a step or block belongs to, as the page's data-paths attribute. */
export const pathsAttr = (paths: readonly PathId[]): string => paths.join(' ');
