// Reading a resolved `fields` step as API settings: each <Set api="a.b.c"> line becomes a value
// at that dotted path, coerced from the UI's wording ("checked", "Remote", "Use proxy registry")
// to the API's type. Shared by every product adapter.
import type { ResolvedFieldsStep } from '../contracts.ts';
import { AdapterError } from './http.ts';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** How one API key's value is read from the text a guide shows. */
export type Coerce = (text: string) => Json | undefined;

export const asString: Coerce = (t) => t;
export const asInt: Coerce = (t) => (/^\d+$/.test(t.trim()) ? Number(t.trim()) : undefined);
export const asBool: Coerce = (t) => {
  const v = t.trim().toLowerCase();
  if (['true', 'yes', 'on', 'checked', 'enabled', '1'].includes(v)) return true;
  if (['false', 'no', 'off', 'unchecked', 'disabled', '0'].includes(v)) return false;
  return undefined;
};
/** Accepts the API value itself or one of the UI's labels for it (case-insensitive). */
export function oneOf(map: Record<string, string>): Coerce {
  return (t) => {
    const v = t.trim().toLowerCase();
    for (const [label, api] of Object.entries(map)) if (v === label.toLowerCase() || v === api.toLowerCase()) return api;
    return undefined;
  };
}

export interface ApiKeySpec {
  coerce: Coerce;
  /** The product never returns this value (a password): a read-back can only see that it is set. */
  writeOnly?: boolean;
  /** Compare as URLs, accepting a trailing-slash variant. */
  url?: boolean;
  /**
   * A value the step gives a NEW object only: on an existing one it is the reader's choice (the
   * guide offers alternatives, e.g. Cloudsmith's priority "use 2 if ..."), so it is neither
   * reported as wrong nor written back by an update.
   */
  initialOnly?: boolean;
}

export interface DesiredSetting {
  api: string;
  label: string;
  value: Json;
  spec: ApiKeySpec;
}

/** The step's entries with an `api` key, coerced; an unknown key or unreadable value is a guide error. */
export function desiredSettings(adapter: string, step: ResolvedFieldsStep, specs: Record<string, ApiKeySpec>): DesiredSetting[] {
  const out: DesiredSetting[] = [];
  for (const e of step.entries) {
    if (e.api === undefined) continue;
    const spec = specs[e.api];
    if (!spec) {
      throw new AdapterError({
        code: 'GUIDE_API_KEY',
        cause: `step "${step.step.id}" sets api="${e.api}" (${e.label}), which adapter ${adapter} does not know`,
        fix: `use one of: ${Object.keys(specs).join(', ')}`,
      });
    }
    const value = spec.coerce(e.value);
    if (value === undefined) {
      throw new AdapterError({
        code: 'BAD_VALUE',
        cause: `step "${step.step.id}": ${e.label} (${e.api}) ${spec.writeOnly ? 'has an unusable value' : `= ${JSON.stringify(e.value)} cannot be read as this setting's type`}`,
        fix: `check the value of ${e.label} in the guide or the field it comes from`,
      });
    }
    out.push({ api: e.api, label: e.label, value, spec });
  }
  return out;
}

export function getPath(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const k of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (next === null || typeof next !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** True when the URLs are equal up to one trailing slash (the form each product stores varies). */
export function sameUrl(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return a.replace(/\/$/, '') === b.replace(/\/$/, '');
}

/**
 * What an update of `existing` must send: the readable settings it does not satisfy (`stale`), and
 * whether the step sets write-only ones (`resend`): those cannot be compared (no product returns a
 * password in clear), so the step's own are always sent again.
 */
export function pendingUpdate(desired: readonly DesiredSetting[], existing: unknown, credentialsSet: boolean): { stale: DesiredSetting[]; resend: boolean } {
  return {
    stale: desired.filter((d) => !d.spec.writeOnly && !satisfied(getPath(existing, d.api), d, credentialsSet)),
    resend: desired.some((d) => d.spec.writeOnly),
  };
}

/** What a read-back cannot prove: the write-only settings the step sets, named as the product's form does (`labels`), else as the step does. */
export function unprovenSettings(desired: readonly DesiredSetting[], labels: Record<string, string>): string[] {
  return desired.filter((d) => d.spec.writeOnly).map((d) => `${labels[d.api] ?? d.label} (${d.api})`);
}

/** The settings an update of an existing object enforces: all but the `initialOnly` ones. */
export function enforcedOnUpdate(desired: readonly DesiredSetting[]): DesiredSetting[] {
  return desired.filter((d) => !d.spec.initialOnly);
}

/** Whether the product's stored value satisfies the desired one (write-only values: `credentialsSet`, as the product reports it). */
export function satisfied(actual: unknown, d: DesiredSetting, credentialsSet: boolean): boolean {
  if (d.spec.writeOnly) return credentialsSet;
  if (d.spec.url) return sameUrl(actual, d.value);
  return actual === d.value;
}

export function show(v: unknown): string {
  if (v === undefined) return '(not set)';
  if (typeof v === 'string') return v === '' ? '(empty)' : v;
  return JSON.stringify(v);
}

export function deepClone<T>(v: T): T {
  return structuredClone(v);
}
