// What a step still needs before its text is complete: values to fill in, values an earlier step
// prints, secrets the reader exports in their shell. Browser-safe; rendered by server and browser.
import type { PageModel } from './page-model.ts';
import type { Piece } from './pieces.ts';
import { secretFromShell } from '../../playbooks/model/secret-from-shell.ts';

export type Hint =
  | { kind: 'field'; name: string; label: string; href: string }
  | { kind: 'capture'; name: string; stepTitle: string; href: string }
  | { kind: 'secret-env'; name: string; label: string; envVar: string }
  | { kind: 'secret-hidden'; name: string; label: string };

export function hintsFor(model: PageModel, parts: { pieces: Piece[]; mode: 'shell' | 'plain' }[]): Hint[] {
  const out: Hint[] = [];
  const seen = new Set<string>();
  for (const { pieces, mode } of parts) {
    for (const p of pieces) {
      if (!p.ref || p.ref.state === 'set') continue;
      const key = `${p.ref.state}:${mode}:${p.ref.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const field = model.fields.find((f) => f.id === p.ref!.name);
      const capture = model.captures.find((c) => c.name === p.ref!.name);
      const label = field?.label ?? (capture ? `${capture.name} (from step “${capture.stepTitle}”)` : p.ref.name);
      if (p.ref.state === 'missing') {
        if (field) out.push({ kind: 'field', name: field.id, label: field.label, href: `#cgr-field-${field.id}` });
        else if (capture) out.push({ kind: 'capture', name: capture.name, stepTitle: capture.stepTitle, href: `#${capture.step}` });
      } else if (mode === 'shell') {
        out.push({ kind: 'secret-env', name: p.ref.name, label, envVar: field?.envVar ?? capture?.envVar ?? p.ref.name });
      } else {
        out.push({ kind: 'secret-hidden', name: p.ref.name, label });
      }
    }
  }
  return out;
}

/** The hint as a sentence of [text, link?, code?] parts, so server and browser render the same words. */
export type HintPart = { text: string; href?: string; code?: boolean };

export function hintParts(h: Hint): HintPart[] {
  switch (h.kind) {
    case 'field':
      return [{ text: 'Fill in ' }, { text: h.label, href: h.href }, { text: ' under Your values.' }];
    case 'capture':
      return [{ text: `<${h.name}>`, code: true }, { text: ' is printed by step ' }, { text: `“${h.stepTitle}”`, href: h.href }, { text: '.' }];
    case 'secret-env':
      return [{ text: `${h.label}: set ` }, { text: h.envVar, code: true }, { text: ' in your shell first, for example ' }, { text: secretFromShell(h.envVar), code: true }, { text: '. The page never shows or stores it.' }];
    case 'secret-hidden':
      return [{ text: `${h.label} is a secret: it is not shown here; paste it from where you keep it.` }];
  }
}
