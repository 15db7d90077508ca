// Sätteri mdast plugin for guides: drops the ```sh fence inside <Command> and <Verify>. The site
// renders that command from the playbook model instead (values filled in, copy button), so the
// fence would otherwise show twice. Sample output fences (```output) stay.
import { fileURLToPath } from 'node:url';

const SHELL = new Set(['sh', 'bash', 'shell']);
const STEPS = new Set(['Command', 'Verify']);

/** @param {URL} contentDir */
export function stripCommandFences(contentDir) {
  const root = fileURLToPath(contentDir);
  /** @param {{ fileURL: URL | undefined }} ctx */
  return (ctx) => {
    if (!ctx.fileURL || !fileURLToPath(ctx.fileURL).startsWith(root)) return null;
    return {
      name: 'cgr-strip-command-fences',
      /** @param {any} node @param {any} c */
      code(node, c) {
        if (!SHELL.has(node.lang ?? '')) return;
        const parent = c.parent(node);
        if (parent && parent.type === 'mdxJsxFlowElement' && STEPS.has(parent.name)) c.removeNode(node);
      },
    };
  };
}
