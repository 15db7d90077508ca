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
