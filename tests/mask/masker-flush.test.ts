// A stream flushed while a secret is only half printed (the page's shell flushes 25 ms after the
// last output): the held start of the secret used to be let out as it was, and the rest, arriving
// later, was no longer recognised. Now a held start of 4+ characters is let out as the mask, and
// the stream remembers it, so the rest is masked (swallowed) when it comes, in any number of parts.
import { describe, expect, it } from 'vitest';
import { createMasker, MASK } from '../../playbooks/mask/masker.ts';

const SECRET = 'tok/12"34 rest-9';
const forms: Record<string, string> = {
  raw: SECRET,
  base64: Buffer.from(SECRET).toString('base64'),
  'URL-encoded': encodeURIComponent(SECRET),
  'JSON-escaped': JSON.stringify(SECRET).slice(1, -1),
  hex: Buffer.from(SECRET).toString('hex'),
};

/** Escape sequences removed: what a terminal shows as text. */
const visible = (s: string) => s.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '');

describe('a secret printed in parts with a flush between them', () => {
  for (const [name, form] of Object.entries(forms)) {
    it(`never shows the ${name} form, nor its rest (split at every point)`, () => {
      const m = createMasker([SECRET]);
      for (let cut = 1; cut < form.length; cut++) {
        const s = m.stream();
        const out = s.write(`pre ${form.slice(0, cut)}`) + s.flush() + s.write(`${form.slice(cut)} post`) + s.flush();
        // A start shorter than 4 characters may show (it is ordinary text as often as not); the rest never.
        expect(out, `${name} cut at ${cut}`).toBe(cut < 4 ? `pre ${form.slice(0, cut)}${MASK} post` : `pre ${MASK} post`);
      }
    });
  }

  it('keeps masking through any number of parts, each followed by a flush', () => {
    const m = createMasker([SECRET]);
    for (const form of Object.values(forms)) {
      const s = m.stream();
      let out = s.write('a ');
      for (let i = 0; i < form.length; i += 3) out += s.write(form.slice(i, i + 3)) + s.flush();
      out += s.write(' b') + s.flush();
      expect(out, form).toBe(`a tok${MASK} b`.replace('tok', form.slice(0, 3)));
    }
  });

  it('lets out a held start of 4+ characters as the mask when the stream ends there', () => {
    const m = createMasker([SECRET]);
    const s = m.stream();
    expect(s.write(`cut off: ${SECRET.slice(0, -2)}`) + s.flush()).toBe(`cut off: ${MASK}`);
  });

  it('shows what follows a masked start that turned out not to be the secret; the mask stands for all of that start', () => {
    const m = createMasker([SECRET]);
    const s = m.stream();
    expect(s.write('path tok/1') + s.flush()).toBe(`path ${MASK}`);
    expect(s.write('x is a file\n') + s.flush()).toBe('x is a file\n');
    // The start goes on after the mask, then breaks off: what went on is the mask's too.
    expect(s.write('id tok/1') + s.flush()).toBe(`id ${MASK}`);
    expect(s.write('2"3') + s.flush()).toBe('');
    expect(s.write('4 rest?\n') + s.flush()).toBe('?\n');
  });

  it('shows a start of 1-3 characters only when it is at most a quarter of the secret form it starts', () => {
    // Typing in the shell echoes one character at a time: the first characters of a long secret show.
    const long = createMasker([SECRET]).stream();
    expect(long.write('t') + long.flush()).toBe('t');
    expect(long.write('ok') + long.flush()).toBe('ok');
    expect(long.write('/12"34 rest-9\n') + long.flush()).toBe(`${MASK}\n`);
    // Of a 7-character secret, 1 character may show, 2 may not.
    const short = createMasker(['s3cr3t!']).stream();
    expect(short.write('s') + short.flush()).toBe('s');
    const short2 = createMasker(['s3cr3t!']).stream();
    expect(short2.write('s3') + short2.flush()).toBe(MASK);
    expect(short2.write('cr3t! ok') + short2.flush()).toBe(' ok');
  });

  it('sees through escape sequences in a secret printed in parts (grep --color)', () => {
    const secret = 'SecretValue-123456';
    const coloured = 'Secret\u001b[01;31m\u001b[KValue\u001b[m\u001b[K-123456';
    const m = createMasker([secret]);
    const text = `token=${coloured} end\n`;
    for (let cut = 'token='.length + 1; cut < text.length - ' end\n'.length; cut++) {
      const s = m.stream();
      const out = visible(s.write(text.slice(0, cut)) + s.flush() + s.write(text.slice(cut)) + s.flush());
      expect(out, `cut at ${cut}`).not.toMatch(/Value|123456|tValu/);
      expect(out, `cut at ${cut}`).toMatch(new RegExp(`^token=(S|Se|Sec)?\\*{8}.* end\\n$`, 's'));
    }
  });

  it('masks the rest of a line of a multi-line secret after a flush', () => {
    const key = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END KEY-----';
    const m = createMasker([key]);
    const s = m.stream();
    const out = s.write('got MIIEvQIBAD') + s.flush() + s.write('ANBgkqhkiG9w0BAQEFAASC here\n') + s.flush();
    expect(out).toBe(`got ${MASK} here\n`);
  });
});

describe('any chunking, any flushes (seeded random texts)', () => {
  // Text around the secrets is drawn from characters no form of these secrets holds, so a run of
  // 4+ other characters in the output is part of a form that got through.
  const FILLER = ' .,;:!?#';
  const SECRET_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/"';
  const COLOURS = ['\u001b[01;31m\u001b[K', '\u001b[m', '\u001b[0m'];
  let seed = 20261201;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

  it('never shows 4 characters of a whole form, and keeps every character around them', () => {
    for (let round = 0; round < 1500; round++) {
      let secret = '';
      for (let i = 0, n = 6 + Math.floor(random() * 20); i < n; i++) secret += pick([...SECRET_CHARS]);
      const forms = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('hex')];
      let text = '';
      for (let k = 0; k < 4; k++) {
        for (let i = 0, n = Math.floor(random() * 6); i < n; i++) text += pick([...FILLER]);
        const form = pick(forms);
        // Half of them coloured in part, as grep --color does.
        const at = 1 + Math.floor(random() * (form.length - 1));
        text += random() < 0.5 ? form.slice(0, at) + pick(COLOURS) + form.slice(at) : form;
      }
      text += ' end';
      const s = createMasker([secret]).stream();
      let out = '';
      for (let i = 0; i < text.length; ) {
        const n = 1 + Math.floor(random() * 8);
        out += s.write(text.slice(i, i + n));
        if (random() < 0.5) out += s.flush();
        i += n;
      }
      out += s.flush();
      const shown = visible(out.split(MASK).join(' '));
      const context = JSON.stringify({ secret, text, out });
      expect(shown.match(/[^ .,;:!?#]{4,}/g)?.filter((run) => run !== 'end') ?? [], context).toEqual([]);
      const fillerOf = (t: string) => visible(t).replace(/[^ .,;:!?#]/g, '');
      expect(fillerOf(out.split(MASK).join('')), context).toBe(fillerOf(text));
    }
  });
});
