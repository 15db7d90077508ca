// MDX guide -> raw guide object (props as written) + a map from JSON paths to source positions.
// Validation against the zod model happens in load.ts; this file only reads structure.
import type { Root, RootContent, Code } from 'mdast';
import type { MdxJsxFlowElement, MdxJsxTextElement, MdxJsxAttribute } from 'mdast-util-mdx-jsx';
import type { Program } from 'estree';
import { parseDocument, isMap, isScalar, LineCounter } from 'yaml';
import { CHECK_KEYS, CHILD_BLOCKS, PROSE_BLOCKS, SHELL_LANGS, STEP_BLOCKS, isOutputFence, type StepBlockName } from './blocks.ts';
import { NotStatic, staticValue } from './static-value.ts';
import type { Position } from './diagnostics.ts';
import type { DocBlock } from '../model/doc.ts';
import { guideDoc } from './prose.ts';

type Element = MdxJsxFlowElement | MdxJsxTextElement;

export interface RawProblem {
  at: Position;
  code: string;
  message: string;
  hint?: string;
}

export interface Extracted {
  raw: { meta: Record<string, unknown>; fields: Record<string, unknown>[]; steps: Record<string, unknown>[]; doc?: DocBlock[] };
  /** JSON path (joined with "/") -> where it is written. */
  positions: Map<string, Position>;
  problems: RawProblem[];
  /** Every `<Value id="...">` in the prose, to check that each names a field. */
  valueRefs: Array<{ id: string; at: Position }>;
}

/** The address schemes a guide's links and images may use (besides relative addresses). */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

const startOf = (node: { position?: { start: { line: number; column: number; offset?: number } } } | undefined): Position => ({
  line: node?.position?.start.line ?? 1,
  column: node?.position?.start.column ?? 1,
  ...(node?.position?.start.offset !== undefined ? { offset: node.position.start.offset } : {}),
});

const isElement = (n: RootContent | { type: string }): n is Element => n.type === 'mdxJsxFlowElement' || n.type === 'mdxJsxTextElement';

/** Plain text of prose children (paragraphs, lists, inline code, <Value id="x"/> as <x>). */
function proseText(nodes: readonly RootContent[]): string {
  const parts: string[] = [];
  const walk = (n: RootContent, out: string[]): void => {
    if (n.type === 'text' || n.type === 'inlineCode') out.push(n.value);
    else if (isElement(n) && n.name === 'Value') {
      const id = n.attributes.find((a): a is MdxJsxAttribute => a.type === 'mdxJsxAttribute' && a.name === 'id');
      out.push(`<${typeof id?.value === 'string' ? id.value : '?'}>`);
    } else if ('children' in n && !(isElement(n) && (n.name ?? '') in CHILD_BLOCKS)) for (const c of n.children as RootContent[]) walk(c, out);
  };
  for (const n of nodes) {
    if (n.type === 'code' || (isElement(n) && (n.name ?? '') in CHILD_BLOCKS)) continue;
    const out: string[] = [];
    walk(n, out);
    const text = out.join('').replace(/\s+/g, ' ').trim();
    if (text) parts.push(n.type === 'listItem' || n.type === 'list' ? text : text);
  }
  return parts.join('\n\n');
}

export function extractGuide(tree: Root, source: string): Extracted {
  const positions = new Map<string, Position>();
  const problems: RawProblem[] = [];
  const raw: Extracted['raw'] = { meta: {}, fields: [], steps: [] };
  const key = (path: (string | number)[]) => path.join('/');

  // --- frontmatter
  const fm = tree.children.find((n) => n.type === 'yaml');
  if (!fm || fm.type !== 'yaml') {
    problems.push({ at: { line: 1, column: 1 }, code: 'frontmatter', message: 'missing frontmatter (id, title, product, summary)', hint: 'start the file with a --- block: id: nexus, title: ..., product: ..., summary: ...' });
  } else {
    const lc = new LineCounter();
    const doc = parseDocument(fm.value, { lineCounter: lc });
    const base = startOf(fm);
    const toPos = (offset: number): Position => {
      const p = lc.linePos(offset);
      return { line: base.line + p.line, column: p.col };
    };
    positions.set('meta', base);
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      problems.push({ at: toPos(e.pos[0]), code: 'frontmatter', message: `frontmatter is not valid YAML: ${e.message.split('\n')[0]}`, hint: 'check indentation and quote values that contain ":"' });
    } else {
      let value: unknown;
      try {
        // An alias that expands to a huge tree (a "billion laughs" frontmatter) is refused, not expanded.
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        problems.push({ at: base, code: 'frontmatter', message: `frontmatter cannot be read: ${(e as Error).message.split('\n')[0]}`, hint: 'write plain key: value lines; YAML anchors and aliases (&a, *a) are not needed in a guide' });
        value = {};
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problems.push({ at: base, code: 'frontmatter', message: 'frontmatter must be a YAML mapping', hint: 'write key: value lines' });
      } else {
        raw.meta = value as Record<string, unknown>;
        if (isMap(doc.contents)) {
          for (const item of doc.contents.items) {
            if (isScalar(item.key) && item.key.range) positions.set(key(['meta', String(item.key.value)]), toPos(item.key.range[0]));
          }
        }
      }
    }
  }

  // --- blocks, in document order
  const visit = (nodes: readonly RootContent[], inheritedPath: string | undefined, inStep: boolean): void => {
    for (const node of nodes) {
      if (node.type === 'code') {
        if (!inStep && !isOutputFence(node.lang, node.meta)) {
          problems.push({
            at: startOf(node),
            code: 'bare-fence',
            message: `bare code fence${node.lang ? ` (${node.lang})` : ''} outside a playbook block`,
            hint: 'put commands in <Command id=... title=...> with a ```sh fence; mark sample output as ```output (or add `output` to the fence meta)',
          });
        }
        continue;
      }
      if (node.type === 'mdxjsEsm' || node.type === 'mdxFlowExpression' || node.type === 'mdxTextExpression') {
        problems.push({ at: startOf(node), code: 'not-static', message: node.type === 'mdxjsEsm' ? 'imports and exports are not allowed in a guide' : 'JavaScript expressions are not allowed in guide prose', hint: 'guides are data: use <Value id="field"/> to show a value; components are provided by the site' });
        continue;
      }
      if (isElement(node)) {
        const name = node.name ?? '';
        if (name === 'Field') {
          if (inStep) problems.push({ at: startOf(node), code: 'misplaced-block', message: '<Field> must be at the top level of the guide', hint: 'move it out of the step' });
          const index = raw.fields.length;
          const props = readProps(node, ['fields', index]);
          refuseAlways(props, ['fields', index], 'Field');
          raw.fields.push(props);
          continue;
        }
        if (name in STEP_BLOCKS) {
          if (inStep) {
            problems.push({ at: startOf(node), code: 'misplaced-block', message: `<${name}> cannot be nested in another step`, hint: 'close the enclosing step first' });
            continue;
          }
          readStep(node, name as StepBlockName, inheritedPath);
          continue;
        }
        if (name === 'OnPath') {
          const props = readProps(node, ['onpath', node.position?.start.line ?? 0]);
          const p = props.path;
          if (p !== 'developer' && p !== 'production') {
            problems.push({ at: startOf(node), code: 'invalid-prop', message: `<OnPath> needs path="developer" or path="production", got ${JSON.stringify(p)}`, hint: 'OnPath shows its content on one path only' });
          }
          visit(node.children as RootContent[], typeof p === 'string' ? p : inheritedPath, inStep);
          continue;
        }
        if (name in CHILD_BLOCKS) {
          if (!inStep) problems.push({ at: startOf(node), code: 'misplaced-block', message: `<${name}> belongs inside <${CHILD_BLOCKS[name]!.parent}>`, hint: `wrap it in a <${CHILD_BLOCKS[name]!.parent}> step` });
          continue;
        }
        if (PROSE_BLOCKS.has(name)) {
          visit(node.children as RootContent[], inheritedPath, inStep);
          continue;
        }
        problems.push({
          at: startOf(node),
          code: 'unknown-block',
          message: `unknown block <${name || 'fragment'}>`,
          hint: `known blocks: Field, Command, Verify, Fields, Manual (children: Set, Capture, Check, Probe), prose: Value, Aside, OnPath`,
        });
        continue;
      }
      if ('children' in node) visit(node.children as RootContent[], inheritedPath, inStep);
    }
  };

  function readProps(node: Element, path: (string | number)[]): Record<string, unknown> {
    positions.set(key(path), startOf(node));
    const props: Record<string, unknown> = {};
    for (const attr of node.attributes) {
      if (attr.type !== 'mdxJsxAttribute') {
        problems.push({ at: startOf(attr), code: 'not-static', message: 'spread props are not allowed', hint: 'write each prop out' });
        continue;
      }
      positions.set(key([...path, attr.name]), startOf(attr));
      if (attr.value === null || attr.value === undefined) props[attr.name] = true;
      else if (typeof attr.value === 'string') props[attr.name] = attr.value;
      else {
        const program = attr.value.data?.estree as Program | undefined;
        const stmt = program?.body[0];
        try {
          if (!stmt || stmt.type !== 'ExpressionStatement') throw new NotStatic('empty expression');
          props[attr.name] = staticValue(stmt.expression);
        } catch (e) {
          if (!(e instanceof NotStatic)) throw e;
          problems.push({ at: startOf(attr), code: 'not-static', message: `prop "${attr.name}" must be a static literal: ${e.message}`, hint: 'use a string, number, boolean, or an array/object of those' });
        }
      }
    }
    return props;
  }

  function readStep(node: Element, name: StepBlockName, inheritedPath: string | undefined): void {
    const index = raw.steps.length;
    const path: (string | number)[] = ['steps', index];
    const props = readProps(node, path);
    const step: Record<string, unknown> = { kind: STEP_BLOCKS[name], ...props };
    if (name !== 'Command' && name !== 'Verify') refuseAlways(step, path, name);
    if ('kind' in props) problems.push({ at: positions.get(key([...path, 'kind']))!, code: 'unknown-prop', message: 'unknown prop "kind"', hint: 'the block name sets the kind' });
    if (inheritedPath !== undefined) {
      if (props.path !== undefined && props.path !== inheritedPath) {
        problems.push({ at: positions.get(key([...path, 'path']))!, code: 'invalid-prop', message: `step path "${String(props.path)}" contradicts the enclosing <OnPath path="${inheritedPath}">`, hint: 'remove the path prop or move the step out of OnPath' });
      }
      step.path = inheritedPath;
    }
    const children = node.children as RootContent[];
    const fences = children.filter((c): c is Code => c.type === 'code');
    const runFences = fences.filter((f) => !isOutputFence(f.lang, f.meta));
    if (name === 'Command' || name === 'Verify') {
      const bad = runFences.filter((f) => !SHELL_LANGS.has(f.lang ?? ''));
      for (const f of bad) problems.push({ at: startOf(f), code: 'bare-fence', message: `code fence in <${name}> must be \`\`\`sh (got ${f.lang ?? 'no language'})`, hint: 'use ```sh for the command, ```output for sample output' });
      const sh = runFences.filter((f) => SHELL_LANGS.has(f.lang ?? ''));
      if (sh.length > 1) problems.push({ at: startOf(sh[1]), code: 'bare-fence', message: `<${name}> has ${sh.length} command fences; a step runs one command`, hint: 'split it into two steps, or join the commands with && in one fence' });
      if (sh[0]) {
        step.run = sh[0].value;
        positions.set(key([...path, 'run']), { ...startOf(sh[0]), line: startOf(sh[0]).line + 1 });
      }
    } else {
      for (const f of runFences) problems.push({ at: startOf(f), code: 'bare-fence', message: `a command fence cannot go in <${name}>`, hint: 'commands go in <Command>; mark sample output as ```output' });
    }
    // structured children
    const lists: Record<string, Record<string, unknown>[]> = {};
    const collect = (nodes: readonly RootContent[]): void => {
      for (const c of nodes) {
        if (isElement(c) && (c.name ?? '') in CHILD_BLOCKS) {
          const spec = CHILD_BLOCKS[c.name!]!;
          if (spec.parent !== name) {
            problems.push({ at: startOf(c), code: 'misplaced-block', message: `<${c.name}> belongs inside <${spec.parent}>, not <${name}>`, hint: `move it into a <${spec.parent}> step` });
            continue;
          }
          const list = (lists[spec.into] ??= []);
          const childPath = [...path, spec.into, list.length];
          let p = readProps(c, childPath);
          refuseAlways(p, childPath, c.name!);
          if (c.name === 'Check') p = checkFromProps(p, childPath);
          list.push(p);
        } else if (isElement(c) && (c.name ?? '') in STEP_BLOCKS) {
          problems.push({ at: startOf(c), code: 'misplaced-block', message: `<${c.name}> cannot be nested in <${name}>`, hint: 'close the enclosing step first' });
        } else if (isElement(c) && !PROSE_BLOCKS.has(c.name ?? '') && c.name !== 'Field') {
          problems.push({ at: startOf(c), code: 'unknown-block', message: `unknown block <${c.name ?? 'fragment'}> in <${name}>`, hint: `<${name}> may hold prose${name === 'Fields' ? ', <Set>' : name === 'Command' ? ', a ```sh fence, <Capture>' : name === 'Verify' ? ', <Check>, <Probe>, a ```sh fence' : ''}` });
        } else if (c.type === 'mdxFlowExpression' || c.type === 'mdxTextExpression') {
          problems.push({ at: startOf(c), code: 'not-static', message: 'JavaScript expressions are not allowed in guide prose', hint: 'use <Value id="field"/> to show a value' });
        } else if ('children' in c) collect(c.children as RootContent[]);
      }
    };
    collect(children);
    for (const [k, v] of Object.entries(lists)) {
      if (k in props) problems.push({ at: positions.get(key([...path, k]))!, code: 'invalid-prop', message: `"${k}" is given both as a prop and as child blocks`, hint: 'use the child blocks only' });
      step[k] = v;
    }
    step.description = proseText(children);
    raw.steps.push(step);
  }

  /** `always` (cleanup) is a prop of whole steps that run a command: <Command> and <Verify>. */
  function refuseAlways(props: Record<string, unknown>, path: (string | number)[], name: string): void {
    if (!('always' in props)) return;
    problems.push({ at: positions.get(key([...path, 'always']))!, code: 'invalid-prop', message: `always applies to <Command> and <Verify> only, not <${name}>`, hint: name in CHILD_BLOCKS ? 'put always on the enclosing step: <Verify id=... always>' : 'a cleanup step is one the runner can run by itself: write the cleanup as a <Command always>' });
    delete props.always;
  }

  function checkFromProps(p: Record<string, unknown>, childPath: (string | number)[]): Record<string, unknown> {
    const keys = Object.keys(p).filter((k) => k in CHECK_KEYS);
    if (keys.length !== 1) {
      problems.push({ at: positions.get(key(childPath))!, code: 'invalid-prop', message: keys.length === 0 ? '<Check> needs one of exitCode, contains, notContains, regex' : `<Check> takes one condition, got ${keys.join(' and ')}`, hint: 'write one <Check> per condition' });
      return { type: 'contains', text: '' };
    }
    const k = keys[0]!;
    const spec = CHECK_KEYS[k]!;
    const out: Record<string, unknown> = { type: spec.type, [spec.as]: p[k] };
    const at = positions.get(key([...childPath, k]));
    if (at) positions.set(key([...childPath, spec.as]), at);
    for (const [ok, ov] of Object.entries(p)) if (ok !== k) out[ok] = ov;
    return out;
  }

  visit(tree.children, undefined, false);

  // One walk of the whole tree (the structural reading above does not enter every node: a <Field>'s
  // or an unknown block's children, child blocks) for the checks that must see every node:
  // - links and images: a javascript:, data: or vbscript: address would run script (or show a page
  //   made by the guide) in the reader's browser wherever the site is published, also where the
  //   local server's Content-Security-Policy is not sent. Only web, mail and relative addresses.
  // - <Value id="field"/> anywhere in the prose (steps included) must name a field: collected here, checked in load.ts.
  const valueRefs: Extracted['valueRefs'] = [];
  const checkTree = (n: RootContent | Root): void => {
    if ((n.type === 'link' || n.type === 'image' || n.type === 'definition') && typeof n.url === 'string') {
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(n.url.replace(/[\u0000-\u0020\u007f-\u009f]/g, ''))?.[1]?.toLowerCase();
      if (scheme !== undefined && !SAFE_SCHEMES.has(scheme)) {
        problems.push({ at: startOf(n), code: 'unsafe-link', message: `a link to a ${scheme}: address (${JSON.stringify(n.url.length > 60 ? `${n.url.slice(0, 59)}…` : n.url)})`, hint: 'link to an https:// (or http://, mailto:) address, or to a page or heading of the site (/guides/nexus/, #start)' });
      }
    } else if (isElement(n) && n.name === 'Value') {
      const id = n.attributes.find((a): a is MdxJsxAttribute => a.type === 'mdxJsxAttribute' && a.name === 'id');
      if (typeof id?.value === 'string') valueRefs.push({ id: id.value, at: startOf(id) });
      else problems.push({ at: startOf(n), code: 'invalid-prop', message: '<Value> needs id="<field id>" as a plain string', hint: 'e.g. <Value id="cgOrg" />' });
    }
    if ('children' in n) for (const c of n.children as RootContent[]) checkTree(c);
  };
  checkTree(tree);
  raw.doc = guideDoc(tree);
  void source;
  return { raw, positions, problems, valueRefs };
}
