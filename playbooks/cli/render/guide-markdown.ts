// `show <guide> --format markdown`: the whole guide of one path as plain Markdown (CommonMark +
// tables) for documentation systems that do not read MDX. Values are filled in where known;
// `<fieldId>` marks (in code) stand for the rest, secrets stay "$CGR_…" references.
import type { DescribedPlan, DescribedStep } from '../../plan/describe.ts';
import type { DocBlock, Inline } from '../../model/doc.ts';
import { withAdvancedLast } from './guide-text.ts';
import { mdCode } from '../../report/github.ts';

/** Escapes what Markdown would read as syntax in plain text. */
export function mdText(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, '\\$&');
}

/** A paragraph that would start with `#`, `+`, `-` or `1.` followed by a space is not a heading or a list. */
function notBlockSyntax(text: string): string {
  return text.replace(/^([#+-]|\d+[.)])(\s)/, '\\$1$2');
}

/** A fenced block that no line of `text` can close. */
function mdFence(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/^\s*(`{3,})/gm)].map((m) => m[1]!.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

/**
 * A value (or any code) as one code span wherever it stands: a line break would end the paragraph,
 * list item or table row it is in (and let a multi-line value write headings or rows), so a
 * multi-line value's lines are joined by " ⏎ "; in a table cell a pipe is escaped (GFM splits a row
 * at every unescaped pipe, inside code spans too; `\|` reads as `|` there).
 */
export function mdValue(text: string, cell = false): string {
  const code = mdCode(text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ⏎ '));
  return cell ? code.replace(/\|/g, '\\|') : code;
}

function inline(nodes: readonly Inline[], cell = false): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case 'text':
          return mdText(n.v);
        case 'code':
          return mdValue(n.v, cell);
        case 'value':
          return mdValue(n.value ?? `<${n.id}>`, cell);
        case 'strong':
          return `**${inline(n.children, cell)}**`;
        case 'em':
          return `*${inline(n.children, cell)}*`;
        case 'delete':
          return `~~${inline(n.children, cell)}~~`;
        case 'link':
          return `[${inline(n.children, cell)}](<${n.url.replace(/[<>\s]/g, encodeURIComponent)}>)`;
        case 'break':
          return '  \n';
      }
    })
    .join('');
}

const quoteEach = (text: string, prefix: string) =>
  text
    .split('\n')
    .map((l) => (l ? `${prefix}${l}` : prefix.trimEnd()))
    .join('\n');

function block(b: DocBlock, plan: DescribedPlan, stepDepth: number): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(Math.min(6, b.depth))} ${inline(b.text)}`;
    case 'paragraph':
      return notBlockSyntax(inline(b.text));
    case 'list':
      return b.items
        .map((item, i) => {
          const mark = b.ordered ? `${i + 1}. ` : '- ';
          const text = item.map((c) => block(c, plan, stepDepth)).join('\n');
          return mark + text.split('\n').map((l, k) => (k === 0 || l === '' ? l : ' '.repeat(mark.length) + l)).join('\n');
        })
        .join('\n');
    case 'quote':
      return quoteEach(b.blocks.map((c) => block(c, plan, stepDepth)).join('\n\n'), '> ');
    case 'aside': {
      const label = { note: 'Note', tip: 'Tip', caution: 'Caution', danger: 'Danger' }[b.type];
      // An aside's title is an attribute string: a line break in it would start a block of its own.
      const head = `**${label}${b.title ? `: ${mdText(b.title.replace(/\s+/g, ' ').trim())}` : ''}**`;
      return quoteEach([head, ...b.blocks.map((c) => block(c, plan, stepDepth))].join('\n\n'), '> ');
    }
    case 'code':
      return mdFence(b.value, b.lang ?? 'text');
    case 'table': {
      const [head, ...rows] = b.rows;
      if (!head) return '';
      const cells = (r: Inline[][]) => `| ${r.map((c) => inline(c, true)).join(' | ')} |`;
      return [cells(head), `|${head.map(() => ' --- |').join('')}`, ...rows.map(cells)].join('\n');
    }
    case 'field': {
      const f = plan.fields.find((x) => x.id === b.id)!;
      const value = f.secret ? `secret, from ${mdCode(`$${f.envVar}`)}` : mdValue(f.value ?? `<${f.id}>`);
      return `- **${mdText(f.label)}** (${mdCode(f.id)}): ${value}${f.help ? ` — ${mdText(f.help)}` : ''}`;
    }
    case 'step': {
      const s = plan.steps.find((x) => x.id === b.id)!;
      return stepMarkdown(s, b.blocks.map((c) => block(c, plan, stepDepth)), stepDepth);
    }
  }
}

function stepMarkdown(s: DescribedStep, prose: string[], depth: number): string {
  const parts = [`${'#'.repeat(depth)} ${s.number}. ${mdText(s.title)}`];
  const notes = [s.always ? '*Clean-up: do this even if an earlier step failed.*' : '', s.skipped ? `*Skipped with these values (${mdText(s.skipped)}).*` : ''].filter(Boolean);
  if (notes.length) parts.push(notes.join(' '));
  parts.push(...prose);
  if (s.kind === 'fields') {
    if (s.screen) parts.push(`In ${mdText(s.screen)}:`);
    const note = s.entries.some((e) => e.note);
    const row = (c: string[]) => `| ${c.join(' | ')} |`;
    parts.push(
      [row(['Setting', 'Value', ...(note ? ['Note'] : [])]), row(['---', '---', ...(note ? ['---'] : [])]), ...s.entries.map((e) => row([mdText(e.label), mdValue(e.value, true), ...(note ? [e.note ? mdText(e.note) : ''] : [])]))].join('\n'),
    );
  } else if (s.command !== undefined) parts.push(mdFence(s.command, 'sh'));
  if (s.kind === 'verify' && s.done.length) parts.push(`Done when:\n\n${s.done.map((d) => `- ${mdText(d)}`).join('\n')}`);
  return parts.join('\n\n');
}

export function guideMarkdown(plan: DescribedPlan): string {
  const parts = [`# ${mdText(plan.guide.title)}`, notBlockSyntax(mdText(plan.guide.summary)), `*${mdText(plan.pathTitle)} (the ${plan.path} path). Values in code such as ${mdCode('<fieldId>')} are yours to fill in.*`];
  let depth = 2;
  let previous: DocBlock['kind'] | undefined;
  for (const b of withAdvancedLast(plan)) {
    if (b.kind === 'advanced') {
      parts.push('**Advanced / testing** (keep these unless you test against a local stand-in):');
      previous = undefined;
      continue;
    }
    if (b.kind === 'heading') depth = Math.min(6, b.depth + 1);
    const text = block(b, plan, depth);
    if (!text) continue;
    // Consecutive fields form one list.
    if (previous === 'field' && b.kind === 'field') parts[parts.length - 1] += `\n${text}`;
    else parts.push(text);
    previous = b.kind;
  }
  return parts.join('\n\n') + '\n';
}
