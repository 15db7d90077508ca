// `show <guide>` for a terminal: the whole guide of one path in reading order (headings, prose,
// the reader's values, every step with its command or entries and what success looks like),
// wrapped to the terminal's width. Plain text; the caller passes it through terminalSafe().
import type { DescribedField, DescribedPlan, DescribedStep } from '../../plan/describe.ts';
import { inlineText, type DocBlock, type Inline } from '../../model/doc.ts';

const STEP_INDENT = '      ';

/** Inline content for a terminal: inline code keeps its backticks, so a command inside a sentence reads as one. */
/** A space that wrap() does not break at (inside inline code); printed as a space. */
const KEEP = '\u00a0';
const text = (nodes: readonly Inline[]): string => inlineText(nodes, undefined, (code) => `\`${code.replace(/ /g, KEEP)}\``);

/** Words of `text` in lines of at most `width` columns (a longer word gets a line of its own). */
export function wrap(text: string, width: number, indent = '', hanging = indent): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    let prefix = lines.length === 0 ? indent : hanging;
    for (const word of para.split(/[ \t\r\n]+/).filter(Boolean)) {
      if (line && prefix.length + line.length + 1 + word.length > width) {
        lines.push(prefix + line);
        prefix = hanging;
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(prefix + line);
  }
  return lines.map((l) => l.replaceAll(KEEP, ' '));
}

export function fieldLine(f: DescribedField): string {
  const value = f.secret ? (f.hasValue ? '******** (secret)' : `<from $${f.envVar}>`) : (f.value ?? '<not set>');
  return `${f.label} (${f.id}): ${value}`;
}

function blockLines(b: DocBlock, plan: DescribedPlan, width: number, indent: string): string[] {
  switch (b.kind) {
    case 'heading': {
      const text = inlineText(b.text);
      return b.depth <= 2 ? [`${indent}${text}`, `${indent}${'─'.repeat(Math.min(text.length, width - indent.length))}`, ''] : [`${indent}${text}`, ''];
    }
    case 'paragraph':
      return [...wrap(text(b.text), width, indent), ''];
    case 'list':
      return [
        ...b.items.flatMap((item, i) => {
          const mark = b.ordered ? `${i + 1}. ` : '- ';
          // Tight: no blank lines inside an item.
          const inner = item.flatMap((c) => blockLines(c, plan, width, indent + ' '.repeat(mark.length))).filter((l) => l !== '');
          if (inner.length > 0) inner[0] = indent + mark + inner[0]!.slice(indent.length + mark.length);
          return inner;
        }),
        '',
      ];
    case 'quote':
      return b.blocks.flatMap((c) => blockLines(c, plan, width, `${indent}│ `));
    case 'aside': {
      const head = `${indent}${{ note: 'Note', tip: 'Tip', caution: 'Caution', danger: 'Danger' }[b.type]}${b.title ? `: ${b.title}` : ''}`;
      const inner = b.blocks.flatMap((c) => blockLines(c, plan, width, `${indent}│ `));
      while (inner.at(-1) === '' || inner.at(-1)?.trim() === '│') inner.pop();
      return [head, ...inner, ''];
    }
    case 'code':
      return [...b.value.split('\n').map((l) => `${indent}    ${l}`), ''];
    case 'table': {
      // Aligned columns, a rule under the header row.
      const rows = b.rows.map((r) => r.map((c) => text(c).replaceAll(KEEP, ' ')));
      const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
      const line = (cells: string[]) => `${indent}  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
      const [head, ...body] = rows;
      return head ? [line(head), line(widths.map((w) => '─'.repeat(w))), ...body.map(line), ''] : [];
    }
    case 'field': {
      const f = plan.fields.find((x) => x.id === b.id)!;
      return [`${indent}• ${fieldLine(f)}`, ...(f.help ? wrap(f.help, width, `${indent}  `) : [])];
    }
    case 'step': {
      const s = plan.steps.find((x) => x.id === b.id)!;
      const prose = b.blocks.flatMap((c) => blockLines(c, plan, width, indent + STEP_INDENT));
      return [...stepLines(s, prose, indent), ''];
    }
  }
}

/** A step: `N. [kind] title  (id)`, its prose, then what to run or enter and what success looks like. */
export function stepLines(s: DescribedStep, prose: string[], indent = ''): string[] {
  const head = `${indent}${String(s.number).padStart(2)}. [${s.kind}] ${s.title}  (${s.id})${s.always ? '  · cleanup: runs even after a failure' : ''}${s.skipped ? `  — skipped: ${s.skipped}` : ''}`;
  const body: string[] = [];
  if (s.kind === 'fields') {
    if (s.screen) body.push(`in: ${s.screen}`);
    const w = Math.max(...s.entries.map((e) => e.label.length));
    for (const e of s.entries) body.push(`${e.label.padEnd(w)}  ${e.value}${e.note ? `   (${e.note})` : ''}`);
  } else if (s.command !== undefined) {
    body.push(...s.command.split('\n').map((l, i) => (i === 0 ? `$ ${l}` : `  ${l}`)));
  }
  if (s.kind === 'verify') {
    const from = s.checks[0]?.startsWith('output of step ') ? s.checks[0].replace(/:$/, '') : undefined;
    body.push(...s.done.map((d, i) => `${i === 0 ? 'done when:' : '          '} ${d}${i === 0 && from ? `  (in the ${from})` : ''}`));
  }
  while (prose.at(-1) === '') prose.pop();
  return [head, ...prose, ...(prose.length && body.length ? [''] : []), ...body.map((b) => `${indent}${STEP_INDENT}${b}`)];
}

/**
 * The body with the advanced fields (`group="advanced"`) moved to the end of the run of fields
 * they stand in, behind an `advanced` marker: the reader's own values come first.
 */
export function withAdvancedLast(plan: DescribedPlan): (DocBlock | { kind: 'advanced' })[] {
  const out: (DocBlock | { kind: 'advanced' })[] = [];
  let held: DocBlock[] = [];
  const release = () => {
    if (held.length) out.push({ kind: 'advanced' }, ...held);
    held = [];
  };
  for (const b of plan.body) {
    if (b.kind === 'field' && plan.fields.find((f) => f.id === b.id)?.group === 'advanced') held.push(b);
    else {
      if (b.kind !== 'field') release();
      out.push(b);
    }
  }
  release();
  return out;
}

export function guideText(plan: DescribedPlan, width = 88): string {
  const lines: string[] = [plan.guide.title, ...wrap(plan.guide.summary, width), `path: ${plan.path} — ${plan.pathTitle}`, ''];
  let previous: DocBlock['kind'] | undefined;
  for (const b of withAdvancedLast(plan)) {
    // Field lines sit together; a blank line ends the group.
    if (previous === 'field' && b.kind !== 'field') lines.push('');
    if (b.kind === 'advanced') lines.push('Advanced / testing (keep these unless you test against a local stand-in)');
    else lines.push(...blockLines(b, plan, width, ''));
    previous = b.kind === 'advanced' ? 'field' : b.kind;
  }
  while (lines.at(-1) === '') lines.pop();
  return lines.join('\n') + '\n';
}
