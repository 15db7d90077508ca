// Field values for `run`: environment variables (CGR_<FIELD_ID>), then a --values file (YAML or
// JSON), then --set (never for secrets). Later sources win.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Guide } from '../model/guide.ts';
import { PlaybookError } from '../errors.ts';
import { parseSets } from './set-values.ts';
import { ownValue, valueRecord } from '../model/own.ts';

export interface ValueSources {
  env: NodeJS.ProcessEnv;
  valuesFile?: string;
  sets: readonly string[];
  cwd: string;
}

export function valuesFromEnv(guide: Guide, env: NodeJS.ProcessEnv): Record<string, string> {
  const out = valueRecord<string>();
  for (const f of guide.fields) {
    const v = ownValue(env, f.envVar);
    if (v !== undefined && v !== '') out[f.id] = v;
  }
  return out;
}

export async function valuesFromFile(guide: Guide, file: string, cwd: string): Promise<Record<string, string>> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new PlaybookError('values-file', `cannot read the values file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'pass a YAML or JSON file of field ids and values' });
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    // The parser's message may quote the file's text; a secret could be in it, so keep only the position.
    const where = /line (\d+)/i.exec((e as Error).message)?.[0] ?? /position \d+/.exec((e as Error).message)?.[0];
    throw new PlaybookError('values-file', `the values file ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}${where ? ` (${where})` : ''}`, { hint: 'write one `fieldId: value` per line' });
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new PlaybookError('values-file', `the values file ${file} must hold a mapping of field ids to values`, { hint: 'e.g. nexusUrl: https://nexus.example.com' });
  const ids = guide.fields.map((f) => f.id);
  const out = valueRecord<string>();
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (!ids.includes(k)) throw new PlaybookError('unknown-field', `unknown field "${k}" in ${file}; valid fields of ${guide.meta.id}: ${ids.join(', ')}`);
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new PlaybookError('values-file', `field "${k}" in ${file} must be a string, number or boolean`);
    out[k] = String(v);
  }
  return out;
}

export async function collectValues(guide: Guide, s: ValueSources): Promise<Record<string, string>> {
  return Object.assign(valueRecord<string>(), valuesFromEnv(guide, s.env), s.valuesFile !== undefined ? await valuesFromFile(guide, s.valuesFile, s.cwd) : {}, parseSets(guide, s.sets));
}
