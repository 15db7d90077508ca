// Prop parsers shared by the block schemas: MDX props arrive as strings or static literals.
import { z } from 'zod';

export const booleanProp = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export const intProp = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/, { message: 'expected a whole number' })
    .transform((v) => Number(v)),
]);

/** A whole number between `min` and `max`, written as a number or a string of digits. */
export function boundedIntProp(min: number, max: number) {
  return intProp.superRefine((n, ctx) => {
    if (n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got ${n}`, params: { hint: `write a number between ${min} and ${max}` } });
    }
  });
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest duration a guide (or --timeout) may ask for. Timers hold at most 2^31-1 ms (about
 * 24.8 days); past that Node fires them after 1 ms, so the bound keeps well inside. */
export const MAX_DURATION_MS = 24 * 3_600_000;

/** A duration: a number of milliseconds, or a string such as "500ms", "30s", "2m". At most 24h. */
export const durationProp = z.union([z.number().int().nonnegative(), z.string().meta({ format: 'duration' })]).transform((v, ctx) => {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v.trim());
    if (!m) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as "30s", "2m" or "500ms", got ${JSON.stringify(v)}`,
        params: { hint: 'write a number with one unit: ms, s, m or h (or a whole number of milliseconds in braces: {30000})' },
      });
      return z.NEVER;
    }
    ms = Math.round(Number(m[1]) * UNITS[m[2]!]!);
  }
  if (ms > MAX_DURATION_MS) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration of at most 24h, got ${JSON.stringify(v)}`,
      params: { hint: 'a step that needs longer than a day should be split, or run outside the guide' },
    });
    return z.NEVER;
  }
  return ms;
});

export const stepIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'expected a kebab-case id such as "create-proxy"' });

export const pathProp = z.enum(['developer', 'production', 'both']);
export const PATH_IDS = ['developer', 'production'] as const;
export type PathId = (typeof PATH_IDS)[number];

export function pathsOf(p: 'developer' | 'production' | 'both'): PathId[] {
  return p === 'both' ? [...PATH_IDS] : [p];
}

/** Line breaks, other control characters (C0, DEL, C1), Unicode line/paragraph separators and
 * bidirectional overrides. */
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * One line of reader text (a title, a label, a success statement): it reaches terminals, CI logs
 * (where a line starting with `::` is a GitHub workflow command), Markdown headings and table cells,
 * so it holds no line break and no control character.
 */
export function oneLine(schema: z.ZodString): z.ZodString {
  return schema.superRefine((s, ctx) => {
    const m = NOT_ONE_LINE.exec(s);
    if (!m) return;
    const code = m[0].charCodeAt(0);
    const what = code === 10 || code === 13 || code === 0x2028 || code === 0x2029 ? 'a line break' : `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    ctx.addIssue({ code: 'custom', message: `expected one line of text, got ${what} at character ${m.index + 1}`, params: { hint: 'write it on one line, without control characters (a longer explanation goes in the prose)' } });
  });
}
