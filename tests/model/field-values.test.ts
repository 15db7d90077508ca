// Every value obeys the same rules whatever its field type (browser, CLI, server: one check):
// no control characters unless the field allows line breaks, no NUL, a size limit.
import { describe, expect, it } from 'vitest';
import { checkFieldValue, MAX_VALUE_BYTES, type CheckableField } from '../../playbooks/model/field-check.ts';

const field = (type: CheckableField['type'], extra: Partial<CheckableField> = {}): CheckableField => ({ type, label: 'X', ...extra });

describe('control characters', () => {
  const BAD: Record<string, string> = {
    NUL: 'abc\u0000def',
    'escape sequence': 'a\u001b]0;title\u0007b',
    'carriage return': 'abc\rdef',
    tab: 'ab\tcd',
    'line break': 'ab\ncd',
    DEL: 'ab\u007fcd',
    'C1 control': 'ab\u009bcd',
    'right-to-left override': 'ab\u202ecd',
    'bidirectional isolate': 'ab\u2066cd',
  };
  for (const type of ['text', 'secret', 'url', 'host', 'enum'] as const) {
    it(`are refused in ${type} values, saying which one`, () => {
      for (const [label, raw] of Object.entries(BAD)) {
        const value = type === 'url' ? `https://example.com/${raw}` : raw;
        const r = checkFieldValue(field(type, type === 'enum' ? { options: [value] } : {}), value);
        expect.soft(r.ok, `${type}: ${label}`).toBe(false);
        if (!r.ok) expect.soft(r.message, `${type}: ${label}`).toMatch(/control characters.*U\+(00[0-9A-F]{2}|20[0-9A-F]{2})/);
      }
    });
  }

  it('the message of a secret never repeats the value', () => {
    const r = checkFieldValue(field('secret'), 'hunter2\u001b[2J');
    expect(r.ok).toBe(false);
    expect((r as { message: string }).message).not.toContain('hunter2');
  });

  it('a multiline text or secret field takes line breaks (CRLF read as LF), and nothing else', () => {
    for (const type of ['text', 'secret'] as const) {
      expect(checkFieldValue(field(type, { multiline: true }), 'line1\r\nline2\nline3')).toEqual({ ok: true, value: 'line1\nline2\nline3' });
      expect(checkFieldValue(field(type, { multiline: true }), 'line1\rline2').ok).toBe(false);
      expect(checkFieldValue(field(type, { multiline: true }), 'a\u001b[2Jb').ok).toBe(false);
      expect(checkFieldValue(field(type, { multiline: true }), 'a\u0000b').ok).toBe(false);
    }
  });
});

describe('size', () => {
  it(`a value over ${MAX_VALUE_BYTES / 1024} KiB is refused with the limit in the message`, () => {
    for (const type of ['text', 'secret'] as const) {
      const r = checkFieldValue(field(type), 'x'.repeat(200 * 1024));
      expect(r).toEqual({ ok: false, message: expect.stringMatching(/at most 32 KiB, got 200 KiB/) });
    }
    expect(checkFieldValue(field('text'), 'x'.repeat(MAX_VALUE_BYTES)).ok).toBe(true);
    // Bytes, not characters: what the environment has to hold.
    expect(checkFieldValue(field('text'), 'é'.repeat(MAX_VALUE_BYTES / 2 + 1)).ok).toBe(false);
  });
});

describe('the page applies the same check', () => {
  it('a value with an escape sequence or over the limit is invalid in the page, and not used in commands', async () => {
    const { effectiveValues } = await import('../../src/client/page-model.ts');
    const model = {
      guideId: 'g',
      captures: [],
      fields: [
        { id: 'host', label: 'Host', type: 'text' as const, secret: false, envVar: 'CGR_HOST', required: true, path: 'both' as const },
        { id: 'token', label: 'Token', type: 'secret' as const, secret: true, envVar: 'CGR_TOKEN', required: true, path: 'both' as const },
      ],
    };
    const r = effectiveValues(model, 'developer', { host: 'a\u001b[2Jb', token: 'x'.repeat(40 * 1024) });
    expect(r.values).toEqual({});
    expect(r.invalid.host).toMatch(/no control characters, got U\+001B \(escape\)/);
    expect(r.invalid.token).toMatch(/at most 32 KiB/);
  });
});

describe('option injection', () => {
  // A value that begins a command's argument (`setsid {{registryBin}}`, `docker pull {{image}}`)
  // and starts with "-" is read as an option of that command. Text values are the free-form
  // ones (url, host and port values cannot start with "-"); secrets are exempt (a password may).
  it('a text value starting with "-" is refused, saying why', () => {
    for (const v of ['-w', '--help', '--config=/etc/passwd', '-']) {
      expect(checkFieldValue(field('text'), v)).toEqual({ ok: false, message: 'expected a value that does not start with "-" (a command would read it as an option)' });
      expect(checkFieldValue(field('text', { pattern: '[A-Za-z0-9._/-]+' }), v).ok).toBe(false);
    }
    expect(checkFieldValue(field('text'), 'a-b')).toEqual({ ok: true, value: 'a-b' });
    expect(checkFieldValue(field('text', { multiline: true }), '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----').ok).toBe(true);
    expect(checkFieldValue(field('secret'), '-starts-with-a-dash').ok).toBe(true);
    for (const t of ['url', 'host', 'port'] as const) expect(checkFieldValue(field(t), '--help').ok).toBe(false);
  });
});

describe('invisible characters', () => {
  // A value shown for copying must read as what it is: a zero-width space or joiner, a word joiner,
  // a BOM or a soft hyphen shows as nothing, so the pasted command differs from the one read.
  it('are refused in every value shown to the reader, naming the character', () => {
    for (const [name, ch] of [['zero-width space', '\u200b'], ['zero-width joiner', '\u200d'], ['word joiner', '\u2060'], ['BOM', '\ufeff'], ['soft hyphen', '\u00ad']]) {
      for (const type of ['text', 'enum'] as const) {
        const value = `adm${ch}in`;
        const r = checkFieldValue(field(type, type === 'enum' ? { options: [value] } : {}), value);
        expect.soft(r, `${type} ${name}`).toEqual({ ok: false, message: expect.stringMatching(new RegExp(`^expected no invisible characters, got U\\+${ch!.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at character 4$`)) });
      }
    }
    expect(checkFieldValue(field('text'), 'grüße ☃').ok).toBe(true);
  });
});
