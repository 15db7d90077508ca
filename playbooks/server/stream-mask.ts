// Masks secrets in a stream of terminal output, also when a secret is split across two chunks:
// the end of a chunk that could be the start of a secret is held back until the next chunk (or an
// idle flush). With no secrets it is a pass-through.
export interface StreamMasker {
  /** Adds secret values (and their encoded forms) to mask from now on. */
  add(secrets: Iterable<string>): void;
  /** Masked text safe to show now; may hold back a tail. */
  write(chunk: string): string;
  /** Releases what was held back (masked). */
  flush(): string;
  readonly holding: boolean;
}

export const MASK = '****';

/** The forms a secret can take in output: raw, base64 at byte offsets 0-2, JSON- and URI-escaped, each line of a multi-line one. */
export function secretForms(secret: string): string[] {
  if (secret.length < 3) return [];
  const forms = new Set<string>([secret]);
  const bytes = Buffer.from(secret, 'utf8');
  for (let off = 0; off < 3; off++) {
    const b64 = Buffer.concat([Buffer.alloc(off), bytes]).toString('base64');
    // drop the characters that depend on the padding bytes and on what follows
    const start = Math.ceil((off * 4) / 3);
    const end = Math.floor(((off + bytes.length) * 4) / 3);
    if (end - start >= 4) forms.add(b64.slice(start, end));
  }
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(encodeURIComponent(secret));
  if (/[\r\n]/.test(secret)) for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 3) forms.add(line);
  return [...forms];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createStreamMasker(initial: Iterable<string> = []): StreamMasker {
  let forms: string[] = [];
  let re: RegExp | undefined;
  let maxLen = 0;
  let held = '';
  const rebuild = () => {
    forms.sort((a, b) => b.length - a.length);
    re = forms.length ? new RegExp(forms.map(escapeRe).join('|'), 'g') : undefined;
    maxLen = forms.reduce((m, f) => Math.max(m, f.length), 0);
  };
  const masker: StreamMasker = {
    add(secrets) {
      const next = new Set(forms);
      for (const s of secrets) for (const f of secretForms(s)) next.add(f);
      if (next.size !== forms.length) {
        forms = [...next];
        rebuild();
      }
    },
    write(chunk) {
      if (!re) return held ? masker.flush() + chunk : chunk;
      const text = held + chunk;
      const masked = text.replace(re, MASK);
      // Hold back the longest tail that is a proper prefix of some form.
      let keep = 0;
      for (let k = Math.min(maxLen - 1, masked.length); k > 0; k--) {
        const tail = masked.slice(masked.length - k);
        if (forms.some((f) => f.length > k && f.startsWith(tail))) {
          keep = k;
          break;
        }
      }
      held = masked.slice(masked.length - keep);
      return masked.slice(0, masked.length - keep);
    },
    flush() {
      const out = held;
      held = '';
      return out;
    },
    get holding() {
      return held.length > 0;
    },
  };
  masker.add(initial);
  return masker;
}
