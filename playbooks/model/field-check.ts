// Field values: validation and env var names, without zod, so browser code can import it cheaply.
// Browser-safe: no Node imports, no zod.
import type { FieldType } from './field-types.ts';

/** What checkFieldValue needs to know about a field (a subset of the zod-parsed Field). */
export interface CheckableField {
  type: FieldType;
  label: string;
  pattern?: string | undefined;
  patternHint?: string | undefined;
  options?: string[] | undefined;
}

export function envVarFor(id: string): string {
  return 'CGR_' + id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export function regexError(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

export type FieldCheck = { ok: true; value: string } | { ok: false; message: string };

const HOST_LABEL = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)';
const HOST_RE = new RegExp(`^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:]+\\])(?::(\\d{1,5}))?$`);

/** Validates and normalises one value for a field. Messages say what was expected. */
export function checkFieldValue(field: CheckableField, raw: string): FieldCheck {
  const value = field.type === 'secret' ? raw : raw.trim();
  const expected = (what: string): FieldCheck => ({ ok: false, message: `expected ${what}, got ${field.type === 'secret' ? 'a value that does not match' : JSON.stringify(value)}` });
  if (value === '') return { ok: false, message: 'a value is required' };
  if (/[\u0000-\u001f\u007f]/.test(value) && field.type !== 'secret' && field.type !== 'text') return expected('no control characters');
  switch (field.type) {
    case 'url': {
      let u: URL;
      try {
        u = new URL(value);
      } catch {
        return expected('a URL such as https://nexus.example.com');
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return expected('an http:// or https:// URL');
      if (u.username || u.password) return expected('a URL without credentials in it (credentials go in their own fields)');
      break;
    }
    case 'host': {
      const m = HOST_RE.exec(value);
      if (!m) return expected('a host name with an optional port, such as registry.example.com:5051 (no scheme, no path)');
      if (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 65535)) return expected('a port between 1 and 65535');
      break;
    }
    case 'port': {
      if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) return expected('a port number between 1 and 65535');
      break;
    }
    case 'enum': {
      if (!field.options?.includes(value)) return expected(`one of ${field.options?.join(', ')}`);
      break;
    }
    case 'boolean': {
      const v = value.toLowerCase();
      if (['true', 'yes', 'y', '1', 'on'].includes(v)) return { ok: true, value: 'true' };
      if (['false', 'no', 'n', '0', 'off'].includes(v)) return { ok: true, value: 'false' };
      return expected('true or false');
    }
    case 'text':
    case 'secret':
      break;
  }
  if (field.pattern !== undefined && !new RegExp(`^(?:${field.pattern})$`).test(value)) {
    return expected(field.patternHint ?? `a value matching /${field.pattern}/`);
  }
  return { ok: true, value };
}
