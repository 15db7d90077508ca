// Where the guides live and how to load them by id.
import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadGuideFile, type LoadResult } from './extract/load.ts';
import type { Guide } from './model/guide.ts';
import { PlaybookError } from './errors.ts';
import { packageRoot } from './package-root.ts';

export { packageRoot };

/** Folder of the guides: $CGR_PLAYBOOK_CONTENT, else the package's content/. */
export function contentDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CGR_PLAYBOOK_CONTENT ?? join(packageRoot(), 'content');
}

export async function listGuideFiles(dir = contentDir()): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => n.endsWith('.mdx')).sort().map((n) => join(dir, n));
}

export interface LoadedGuides {
  guides: Guide[];
  failed: LoadResult[];
}

export async function loadAllGuides(dir = contentDir(), cwd = process.cwd()): Promise<LoadedGuides> {
  const results = await Promise.all((await listGuideFiles(dir)).map((f) => loadGuideFile(f, cwd)));
  const guides = results.flatMap((r) => (r.guide ? [r.guide] : []));
  guides.sort((a, b) => a.meta.order - b.meta.order || a.meta.id.localeCompare(b.meta.id));
  return { guides, failed: results.filter((r) => !r.guide) };
}

/** Loads one guide by id (or by file path); a broken or unknown guide is a PlaybookError. */
export async function getGuide(idOrFile: string, dir = contentDir(), cwd = process.cwd()): Promise<Guide> {
  if (idOrFile.endsWith('.mdx')) {
    const r = await loadGuideFile(resolve(cwd, idOrFile), cwd);
    if (!r.guide) throw brokenGuide(idOrFile, r);
    return r.guide;
  }
  const file = join(dir, `${idOrFile}.mdx`);
  if (!/^[a-z][a-z0-9-]*$/.test(idOrFile) || !existsSync(file)) {
    const ids = (await listGuideFiles(dir)).map((f) => f.slice(dir.length + 1, -4));
    throw new PlaybookError('unknown-guide', `unknown guide "${idOrFile}"; valid guides: ${ids.join(', ')}`, { hint: 'run `cgr-playbook list`' });
  }
  const r = await loadGuideFile(file, cwd);
  if (!r.guide) throw brokenGuide(idOrFile, r);
  return r.guide;
}

function brokenGuide(id: string, r: LoadResult): PlaybookError {
  const first = r.diagnostics[0];
  return new PlaybookError('broken-guide', `guide "${id}" has ${r.diagnostics.length} error(s)${first ? `, first: ${first.file}:${first.line}:${first.column}: ${first.message}` : ''}`, {
    hint: `run \`cgr-playbook validate ${first?.file ?? ''}\` for all of them`,
  });
}
