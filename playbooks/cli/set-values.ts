// `--set id=value` parsing shared by show and run: unknown fields and secrets are refused.
import type { Guide } from '../model/guide.ts';
import { PlaybookError } from '../errors.ts';
import { valueRecord } from '../model/own.ts';
import { secretFromShell } from '../model/secret-from-shell.ts';

export function parseSets(guide: Guide, sets: readonly string[]): Record<string, string> {
  const out = valueRecord<string>();
  const ids = guide.fields.map((f) => f.id);
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new PlaybookError('bad-set', `--set expects id=value, got "${s.length > 40 ? s.slice(0, 37) + '...' : s}"`, { hint: `fields of ${guide.meta.id}: ${ids.join(', ')}` });
    const id = s.slice(0, eq);
    const field = guide.fields.find((f) => f.id === id);
    if (!field) throw new PlaybookError('unknown-field', `unknown field "${id}" in --set; valid fields of ${guide.meta.id}: ${ids.join(', ')}`);
    if (field.secret) {
      throw new PlaybookError('secret-on-command-line', `field "${id}" is a secret and cannot be given with --set (command lines show up in ps and shell history)`, {
        hint: `type it into \`${secretFromShell(field.envVar)}\` (not echoed, kept out of shell history), put it in a --values file, or let the runner prompt for it`,
      });
    }
    out[id] = s.slice(eq + 1);
  }
  return out;
}

export function parsePath(value: string | undefined): 'developer' | 'production' | undefined {
  if (value === undefined) return undefined;
  if (value === 'developer' || value === 'production') return value;
  throw new PlaybookError('bad-path', `unknown path "${value}"; valid paths: developer, production`);
}
