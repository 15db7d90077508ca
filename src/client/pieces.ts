// A template rendered as pieces: literal text and references (set, missing or secret), so the
// page can mark each reference while the text stays exactly what the engine displays and the copy
// button copies. Used by the server (Astro components) and the browser alike. Browser-safe.
import { displayRef, segmentShell, type RefValue } from '../../playbooks/template/shell.ts';
import { findRefs } from '../../playbooks/template/refs.ts';

export type RefState = 'set' | 'missing' | 'secret';
export type Piece = { text: string; ref?: { name: string; state: RefState } };

export const placeholder = (name: string): string => `<${name}>`;

/** A reference as the page knows it: the engine's RefValue plus the words the reader sees for it. */
export type PageRef = RefValue & { label?: string };
type Lookup = (name: string) => PageRef | undefined;

/** A missing value shows as its label, the words the reader sees in "Your values" (`<Nexus registry address>`). */
const placeholderOf = (lookup: Lookup) => (name: string) => placeholder(lookup(name)?.label ?? name);

const stateOf = (v: RefValue | undefined): RefState => (v?.secret ? 'secret' : v?.value === undefined ? 'missing' : 'set');

/** A shell command: values quoted for copy-paste, secrets as "$CGR_…" variables. */
export function shellPieces(template: string, lookup: Lookup): Piece[] {
  const ph = placeholderOf(lookup);
  return segmentShell(template, lookup).map((s) =>
    s.kind === 'text' ? { text: s.text } : { text: displayRef(s, ph), ref: { name: s.name, state: s.secret ? 'secret' : s.value === undefined ? 'missing' : 'set' } },
  );
}

export const SECRET_MASK = '••••••••';

/** Plain text (a value to type into a product's screen, a prose value): secrets masked. */
export function plainPieces(template: string, lookup: Lookup): Piece[] {
  const ph = placeholderOf(lookup);
  const out: Piece[] = [];
  let last = 0;
  for (const r of findRefs(template)) {
    if (r.start > last) out.push({ text: template.slice(last, r.start) });
    const v = lookup(r.name);
    const state = stateOf(v);
    out.push({ text: state === 'secret' ? SECRET_MASK : state === 'missing' ? ph(r.name) : v!.value!, ref: { name: r.name, state } });
    last = r.end;
  }
  if (last < template.length) out.push({ text: template.slice(last) });
  return out;
}

export const piecesText = (pieces: Piece[]): string => pieces.map((p) => p.text).join('');

/** References without a value, in order of first use. */
export function missingRefs(pieces: Piece[]): string[] {
  return [...new Set(pieces.filter((p) => p.ref?.state === 'missing').map((p) => p.ref!.name))];
}

/** Secret references (the reader exports them in their shell). */
export function secretRefs(pieces: Piece[]): string[] {
  return [...new Set(pieces.filter((p) => p.ref?.state === 'secret').map((p) => p.ref!.name))];
}
