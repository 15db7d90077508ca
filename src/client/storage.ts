// Where the page keeps the reader's values: localStorage, never for secrets. Browser-safe.
import type { PageModel, PathId } from './page-model.ts';
import { ownValue, valueRecord } from '../../playbooks/model/own.ts';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const valuesKey = (guideId: string) => `cgr-playbook:${guideId}:values`;
const pathKey = (guideId: string) => `cgr-playbook:${guideId}:path`;

/** Stored raw values of the guide's non-secret fields. */
export function loadValues(store: KeyValueStore | undefined, model: PageModel): Record<string, string> {
  try {
    const raw = JSON.parse(store?.getItem(valuesKey(model.guideId)) ?? '{}') as unknown;
    if (!raw || typeof raw !== 'object') return {};
    const out = valueRecord<string>();
    for (const f of model.fields) {
      const v = ownValue(raw as Record<string, unknown>, f.id);
      if (!f.secret && typeof v === 'string') out[f.id] = v;
    }
    return out;
  } catch {
    return {};
  }
}

/** Saves the non-secret values; secret fields are dropped here, whatever the caller passes. */
export function saveValues(store: KeyValueStore | undefined, model: PageModel, raw: Readonly<Record<string, string>>): void {
  const out = valueRecord<string>();
  for (const f of model.fields) if (!f.secret && ownValue(raw, f.id) !== undefined) out[f.id] = ownValue(raw, f.id)!;
  try {
    store?.setItem(valuesKey(model.guideId), JSON.stringify(out));
  } catch {
    /* storage full or disabled: values live for this visit only */
  }
}

export function loadPath(store: KeyValueStore | undefined, guideId: string): PathId | undefined {
  try {
    const p = store?.getItem(pathKey(guideId));
    return p === 'developer' || p === 'production' ? p : undefined;
  } catch {
    return undefined;
  }
}

export function savePath(store: KeyValueStore | undefined, guideId: string, path: PathId): void {
  try {
    store?.setItem(pathKey(guideId), path);
  } catch {
    /* ignore */
  }
}
