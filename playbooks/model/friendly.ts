// Turns zod issues into one-line messages of the form `path: expected X, got Y`.
import type { z } from 'zod';

export type JsonPath = ReadonlyArray<string | number>;

export interface FriendlyIssue {
  path: JsonPath;
  message: string;
  hint?: string;
}

export type FriendlyResult<T> = { success: true; data: T } | { success: false; issues: FriendlyIssue[] };

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function formatPath(path: JsonPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out || '(root)';
}

/** Hints ride along in a zod custom issue's params: `ctx.addIssue({ code: 'custom', message, params: { hint } })`. */
function issueText(issue: z.core.$ZodIssue): { message: string; hint?: string } {
  const got = describeValue((issue as { input?: unknown }).input);
  switch (issue.code) {
    case 'invalid_type':
      return { message: `expected ${issue.expected}, got ${got}` };
    case 'invalid_value':
      return {
        message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got}`,
      };
    case 'unrecognized_keys':
      return {
        message: `unknown prop${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
        hint: 'remove it, or check its spelling against the block reference (cgr-playbook docs: Authoring)',
      };
    case 'too_small':
      return { message: `expected ${issue.origin === 'string' ? 'a non-empty string' : `at least ${String(issue.minimum)}`}, got ${got}` };
    case 'too_big':
      return { message: `expected at most ${String(issue.maximum)}, got ${got}` };
    case 'invalid_format':
      return { message: issue.message ? issue.message : `expected ${issue.format}, got ${got}` };
    case 'invalid_union': {
      // The branch that got past the type check says what is wrong with the value
      // (a duration prop takes a number or a string such as "30s": "5 minutes" is the string's problem).
      const branches = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
      const close = branches.find((b) => b.length > 0 && b.every((i) => i.code !== 'invalid_type'));
      if (close) {
        const inner = issueText(close[0]!);
        return { message: `${inner.message.replace(/, got .*$/, '')}, got ${got}`, ...(inner.hint ? { hint: inner.hint } : {}) };
      }
      const types = [...new Set(branches.flatMap((b) => b.flatMap((i) => (i.code === 'invalid_type' ? [i.expected] : []))))];
      return { message: types.length ? `expected ${types.join(' or ')}, got ${got}` : issue.message };
    }
    case 'custom': {
      const hint = (issue.params as { hint?: string } | undefined)?.hint;
      return hint ? { message: issue.message, hint } : { message: issue.message };
    }
    default:
      return { message: issue.message };
  }
}

export function friendlyIssues(error: z.core.$ZodError): FriendlyIssue[] {
  return error.issues.map((issue) => {
    const { message, hint } = issueText(issue);
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    // unrecognized_keys points at the object; point at the first unknown key instead.
    const at = issue.code === 'unrecognized_keys' && issue.keys[0] ? [...path, issue.keys[0]] : path;
    return hint ? { path: at, message, hint } : { path: at, message };
  });
}

export function parseWithFriendlyErrors<S extends z.ZodType>(schema: S, data: unknown): FriendlyResult<z.output<S>> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return { success: true, data: result.data };
  return { success: false, issues: friendlyIssues(result.error) };
}

export function friendlyToString(issue: FriendlyIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}
