import { describe, expect, it } from 'vitest';
import { createMasker, MASK, secretForms } from '../../playbooks/mask/masker.ts';

const SECRET = 'tok3n/with+odd=chars&more';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('masker', () => {
  it('masks the raw value, base64 and URL-encoded forms', () => {
    const m = createMasker([SECRET]);
    const text = `raw ${SECRET} b64 ${b64(SECRET)} url ${encodeURIComponent(SECRET)} done`;
    const out = m.mask(text);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(b64(SECRET));
    expect(out).not.toContain(encodeURIComponent(SECRET));
    expect(out).toBe(`raw ${MASK} b64 ${MASK} url ${MASK} done`);
  });

  it('masks the secret inside a longer base64 string at every alignment (docker auth "user:token")', () => {
    const m = createMasker([SECRET]);
    for (const user of ['u', 'us', 'use', 'user']) {
      const auth = b64(`${user}:${SECRET}`);
      const out = m.mask(`"auth": "${auth}"`);
      expect(out).toContain(MASK);
      // What is left of the encoding no longer decodes to anything containing the secret.
      const left = out.replace(MASK, '');
      expect(Buffer.from(left.slice(9, -1), 'base64').toString('latin1')).not.toContain(SECRET);
    }
  });

  it('masks a secret split across two chunks, holding back only a possible prefix', () => {
    const m = createMasker([SECRET]);
    const s = m.stream();
    const out1 = s.write(`token is ${SECRET.slice(0, 7)}`);
    expect(out1).toBe('token is ');
    const out2 = s.write(`${SECRET.slice(7)} and more\n`);
    expect(out1 + out2 + s.flush()).toBe(`token is ${MASK} and more\n`);
  });

  it('passes text through unchanged when no secret could start in it', () => {
    const m = createMasker(['zzzsecretzzz']);
    const s = m.stream();
    expect(s.write('hello world\n')).toBe('hello world\n');
    expect(s.write('ends with zz')).toBe('ends with ');
    expect(s.flush()).toBe('zz');
  });

  it('applies secrets added later, and ignores empty ones', () => {
    const m = createMasker(['']);
    expect(m.size).toBe(0);
    const s = m.stream();
    expect(s.write('abc-secret-value')).toBe('abc-secret-value');
    m.add('secret-value');
    expect(s.write('x secret-value y')).toBe(`x ${MASK} y`);
  });

  it('lists the forms of a secret', () => {
    const forms = secretForms('a b/c');
    expect(forms).toContain('a b/c');
    expect(forms).toContain('a%20b%2Fc');
    expect(forms).toContain('a+b%2Fc');
  });
});

describe('every form a secret takes in output', () => {
  const QUOTED = 'pa"ss\\word/é-42';
  const hex = (s: string) => Buffer.from(s).toString('hex');

  it('masks the JSON-escaped forms (plain, "/" escaped, ASCII-only, escaped twice)', () => {
    const m = createMasker([QUOTED]);
    const inner = JSON.stringify(QUOTED).slice(1, -1);
    for (const form of [inner, inner.replace(/\//g, '\\/'), inner.replace('é', '\\u00e9'), JSON.stringify(inner).slice(1, -1)]) {
      expect(m.mask(`{"password": "${form}"}`), form).toBe(`{"password": "${MASK}"}`);
    }
  });

  it('masks the hex forms', () => {
    const m = createMasker([QUOTED]);
    expect(m.mask(`x ${hex(QUOTED)} y ${hex(QUOTED).toUpperCase()} z`)).toBe(`x ${MASK} y ${MASK} z`);
  });

  it('masks a multi-line secret whole (LF or CRLF, as a terminal prints it) and line by line', () => {
    const key = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nqVnJ5ZmQ2YWJmZDk0\n-----END KEY-----';
    const m = createMasker([key]);
    expect(m.mask(`a\n${key}\nb`)).toBe(`a\n${MASK}\nb`);
    expect(m.mask(`a\r\n${key.replace(/\n/g, '\r\n')}\r\nb`)).toBe(`a\r\n${MASK}\r\nb`);
    // One line alone, in the middle of other output, and in JSON.
    expect(m.mask('got qVnJ5ZmQ2YWJmZDk0 here')).toBe(`got ${MASK} here`);
    expect(m.mask(JSON.stringify({ key }))).not.toMatch(/MIIEvQ|qVnJ5Z/);
  });

  it('does not mask very short lines of a multi-line secret on their own', () => {
    const m = createMasker(['ab\nlong-enough-line']);
    expect(m.mask('ab cd')).toBe('ab cd');
    expect(m.mask('long-enough-line')).toBe(MASK);
  });

  it('the streaming masker catches the new forms split across chunks', () => {
    const m = createMasker([QUOTED]);
    for (const form of [JSON.stringify(QUOTED).slice(1, -1), hex(QUOTED)]) {
      for (let cut = 1; cut < form.length; cut++) {
        const s = m.stream();
        const out = s.write(`pre ${form.slice(0, cut)}`) + s.write(`${form.slice(cut)} post`) + s.flush();
        expect(out, `${form} cut at ${cut}`).toBe(`pre ${MASK} post`);
      }
    }
  });
});

describe('a secret with terminal escape sequences inside it', () => {
  // `grep --color=always Value` on a line holding the secret colours part of it: the terminal (and
  // a CI log, where the codes are stripped) shows the secret whole, so the masker must see through
  // the codes.
  const SECRET = 'SecretValue-123456';
  const COLOURED = 'Secret\u001b[01;31m\u001b[KValue\u001b[m\u001b[K-123456';

  it('is masked whole, escape sequences and all', () => {
    const m = createMasker([SECRET]);
    expect(m.mask(`token=${COLOURED}\n`)).toBe(`token=${MASK}\n`);
    expect(m.mask(`b64 ${Buffer.from(SECRET).toString('base64').replace('V', '\u001b[1mV\u001b[0m')}`)).toBe(`b64 ${MASK}`);
    // Colour around the whole secret stays outside the mask.
    expect(m.mask(`\u001b[32m${SECRET}\u001b[0m`)).toBe(`\u001b[32m${MASK}\u001b[0m`);
  });

  it('is masked when a chunk ends inside it, also inside an escape sequence', () => {
    const m = createMasker([SECRET]);
    const text = `token=${COLOURED} end\n`;
    for (let cut = 1; cut < text.length; cut++) {
      const s = m.stream();
      const out = s.write(text.slice(0, cut)) + s.write(text.slice(cut)) + s.flush();
      expect(out, `cut at ${cut}`).toBe(`token=${MASK} end\n`);
    }
  });
});

describe('reports', () => {
  it('a JSON report never holds a secret with quotes or backslashes, in any form', async () => {
    const { jsonReportText, junitReportText } = await import('../../playbooks/report/run-report.ts');
    const secret = 'p"w\\d-123456';
    const m = createMasker([secret]);
    const result = {
      guide: { id: 'g', title: 'G' },
      path: 'developer' as const,
      status: 'failed' as const,
      exitCode: 1 as const,
      startedAt: 0,
      durationMs: 1,
      dryRun: false,
      ci: true,
      steps: [{ id: 's', number: 1, kind: 'command' as const, title: 'S', verdict: 'failed' as const, durationMs: 1, reason: `got ${secret}`, outputTail: `hex ${Buffer.from(secret).toString('hex')}` }],
    };
    const json = jsonReportText(result, m.mask);
    expect(json).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(json).not.toContain(Buffer.from(secret).toString('hex'));
    expect(JSON.parse(json).steps[0].reason).toBe(`got ${MASK}`);
    expect(junitReportText(result, m.mask)).not.toContain('p&quot;w');
  });
});
