// The prose of a guide in reading order: headings, paragraphs, lists, asides, sample output, and
// where each field and step sits. `show` renders it for a terminal or as Markdown. Browser-safe.
import type { PathId } from './props.ts';

/** Inline text: plain runs, code, a field's value (`<Value id>`), emphasis and links. */
export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  /** `<Value id>`; `value` is filled in by describePlan when known and not secret. */
  | { t: 'value'; id: string; value?: string }
  | { t: 'strong' | 'em' | 'delete'; children: Inline[] }
  | { t: 'link'; url: string; children: Inline[] }
  | { t: 'break' };

interface Scoped {
  /** The paths the block is shown on (inside `<OnPath>`); absent: every path. */
  paths?: PathId[];
}

export type DocBlock = Scoped &
  (
    | { kind: 'heading'; depth: number; text: Inline[] }
    | { kind: 'paragraph'; text: Inline[] }
    | { kind: 'list'; ordered: boolean; items: DocBlock[][] }
    | { kind: 'quote'; blocks: DocBlock[] }
    | { kind: 'aside'; type: 'note' | 'tip' | 'caution' | 'danger'; title?: string; blocks: DocBlock[] }
    /** Sample output (```output fences). */
    | { kind: 'code'; lang?: string; value: string }
    | { kind: 'table'; rows: Inline[][][] }
    | { kind: 'field'; id: string }
    /** A step, with the prose written inside it. */
    | { kind: 'step'; id: string; blocks: DocBlock[] }
  );

/** Whether a block is shown on `path`. */
export function onPath(block: DocBlock, path: PathId): boolean {
  return block.paths === undefined || block.paths.includes(path);
}

/** Plain text of inline content; `value` says how a field reference reads, `code` how inline code does (as is by default). */
export function inlineText(nodes: readonly Inline[], value: (id: string) => string = (id) => `<${id}>`, code: (text: string) => string = (t) => t): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return n.v;
        case 'code':
          return code(n.v);
        case 'value':
          return n.value ?? value(n.id);
        case 'break':
          return '\n';
        case 'link': {
          const text = inlineText(n.children, value, code);
          return text === n.url || n.url.startsWith('#') ? text : `${text} (${n.url})`;
        }
        default:
          return inlineText(n.children, value, code);
      }
    })
    .join('');
}
