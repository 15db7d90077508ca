// MDX tree -> the guide's prose in reading order (model/doc.ts): what `show` prints around the
// steps. Structure only; extract.ts reports misplaced or unknown blocks.
import type { Root, RootContent, PhrasingContent } from 'mdast';
import type { MdxJsxFlowElement, MdxJsxTextElement, MdxJsxAttribute } from 'mdast-util-mdx-jsx';
import type { DocBlock, Inline } from '../model/doc.ts';
import type { PathId } from '../model/props.ts';
import { CHILD_BLOCKS, STEP_BLOCKS, isOutputFence } from './blocks.ts';

type Element = MdxJsxFlowElement | MdxJsxTextElement;
const isElement = (n: { type: string }): n is Element => n.type === 'mdxJsxFlowElement' || n.type === 'mdxJsxTextElement';

function stringProp(el: Element, name: string): string | undefined {
  const a = el.attributes.find((x): x is MdxJsxAttribute => x.type === 'mdxJsxAttribute' && x.name === name);
  return typeof a?.value === 'string' ? a.value : undefined;
}

const ASIDE_TYPES = ['note', 'tip', 'caution', 'danger'] as const;

function inlines(nodes: readonly PhrasingContent[] | readonly RootContent[]): Inline[] {
  const out: Inline[] = [];
  const push = (n: Inline) => {
    const last = out.at(-1);
    if (n.t === 'text' && last?.t === 'text') last.v += n.v;
    else out.push(n);
  };
  for (const n of nodes as RootContent[]) {
    switch (n.type) {
      case 'text':
        push({ t: 'text', v: n.value.replace(/\s*\n\s*/g, ' ') });
        break;
      case 'inlineCode':
        push({ t: 'code', v: n.value });
        break;
      case 'strong':
        push({ t: 'strong', children: inlines(n.children) });
        break;
      case 'emphasis':
        push({ t: 'em', children: inlines(n.children) });
        break;
      case 'delete':
        push({ t: 'delete', children: inlines(n.children) });
        break;
      case 'link':
        push({ t: 'link', url: n.url, children: inlines(n.children) });
        break;
      case 'image':
        if (n.alt) push({ t: 'text', v: n.alt });
        break;
      case 'break':
        push({ t: 'break' });
        break;
      default:
        if (isElement(n) && n.name === 'Value') {
          const id = stringProp(n, 'id');
          if (id !== undefined) push({ t: 'value', id });
        } else if ('children' in n && !(isElement(n) && (n.name ?? '') in CHILD_BLOCKS)) {
          for (const c of inlines(n.children as RootContent[])) push(c);
        }
    }
  }
  return out;
}

/** Prose blocks of `nodes`; `paths` scopes them (inside <OnPath>). Steps and fields become markers. */
function proseBlocks(nodes: readonly RootContent[], paths: PathId[] | undefined, inStep = false): DocBlock[] {
  const out: DocBlock[] = [];
  const scoped = (b: DocBlock): DocBlock => (paths ? { ...b, paths } : b);
  for (const n of nodes) {
    switch (n.type) {
      case 'yaml':
      case 'mdxjsEsm':
      case 'mdxFlowExpression':
      case 'thematicBreak':
      case 'definition':
        break;
      case 'heading':
        out.push(scoped({ kind: 'heading', depth: n.depth, text: inlines(n.children) }));
        break;
      case 'paragraph': {
        const text = inlines(n.children);
        if (text.some((i) => i.t !== 'text' || i.v.trim() !== '')) out.push(scoped({ kind: 'paragraph', text: trimInlines(text) }));
        break;
      }
      case 'list':
        out.push(scoped({ kind: 'list', ordered: n.ordered === true, items: n.children.map((item) => proseBlocks(item.children, undefined, inStep)) }));
        break;
      case 'blockquote':
        out.push(scoped({ kind: 'quote', blocks: proseBlocks(n.children, undefined, inStep) }));
        break;
      case 'code':
        // A command fence belongs to its step (rendered from the model); only sample output is prose.
        if (isOutputFence(n.lang, n.meta)) out.push(scoped({ kind: 'code', ...(n.lang && n.lang !== 'output' ? { lang: n.lang } : {}), value: n.value }));
        break;
      case 'table':
        out.push(scoped({ kind: 'table', rows: n.children.map((row) => row.children.map((cell) => inlines(cell.children))) }));
        break;
      default:
        if (isElement(n)) {
          const name = n.name ?? '';
          const children = n.children as RootContent[];
          if (name === 'Field' && !inStep) {
            const id = stringProp(n, 'id');
            if (id !== undefined) out.push(scoped({ kind: 'field', id }));
          } else if (name in STEP_BLOCKS && !inStep) {
            const id = stringProp(n, 'id');
            if (id !== undefined) out.push(scoped({ kind: 'step', id, blocks: proseBlocks(children, undefined, true) }));
          } else if (name === 'OnPath') {
            const p = stringProp(n, 'path');
            out.push(...proseBlocks(children, p === 'developer' || p === 'production' ? [p] : paths, inStep));
          } else if (name === 'Aside') {
            const type = ASIDE_TYPES.find((t) => t === stringProp(n, 'type')) ?? 'note';
            const title = stringProp(n, 'title');
            out.push(scoped({ kind: 'aside', type, ...(title !== undefined ? { title } : {}), blocks: proseBlocks(children, undefined, inStep) }));
          } else if (name === 'Value') {
            out.push(scoped({ kind: 'paragraph', text: inlines([n]) }));
          }
          // Child blocks (<Check>, <Set>...) are rendered from the model; unknown ones are reported elsewhere.
        }
    }
  }
  return out;
}

function trimInlines(text: Inline[]): Inline[] {
  const out = [...text];
  const first = out[0];
  if (first?.t === 'text') out[0] = { t: 'text', v: first.v.replace(/^\s+/, '') };
  const last = out.at(-1);
  if (last?.t === 'text') out[out.length - 1] = { t: 'text', v: last.v.replace(/\s+$/, '') };
  return out;
}

export function guideDoc(tree: Root): DocBlock[] {
  return proseBlocks(tree.children, undefined);
}
