// `cgr-playbook list`: the guides with their paths and step counts.
import { parseArgs } from 'node:util';
import type { CliCommand } from '../io.ts';
import { loadAllGuides } from '../../guides.ts';
import { resolveContentDir } from '../../config.ts';
import { logJson, terminalLine } from '../render/terminal-safe.ts';
import { PATH_IDS } from '../../model/props.ts';

const command: CliCommand = {
  summary: 'List the guides: id, title, paths, number of steps',
  usage: `Usage: cgr-playbook list [--json] [--content DIR]

Lists every guide in the guides folder with its paths and how many steps each path has.
  --json           machine-readable output
  --content DIR    the guides folder (default: CGR_PLAYBOOK_CONTENT, cgr-playbook.config.*, content/)`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, content: { type: 'string' } }, strict: true });
    const { guides, failed } = await loadAllGuides(resolveContentDir({ option: values.content, cwd: io.cwd, env: io.env }), io.cwd);
    const rows = guides.map((g) => ({
      id: g.meta.id,
      title: g.meta.title,
      product: g.meta.product,
      paths: PATH_IDS.map((p) => ({ id: p, title: g.meta.paths.find((x) => x.id === p)?.title ?? p, steps: g.steps.filter((s) => s.paths.includes(p)).length })),
      steps: g.steps.length,
    }));
    if (values.json) io.stdout.write(logJson(rows));
    else {
      // Titles are guide text: through the terminal gate (a title cannot form a CI log command).
      const shown = rows.map((r) => ({ ...r, title: terminalLine(r.title) }));
      const idW = Math.max(2, ...shown.map((r) => r.id.length));
      const tW = Math.max(5, ...shown.map((r) => r.title.length));
      io.stdout.write(`${'ID'.padEnd(idW)}  ${'TITLE'.padEnd(tW)}  PATHS (steps)\n`);
      for (const r of shown) io.stdout.write(`${r.id.padEnd(idW)}  ${r.title.padEnd(tW)}  ${r.paths.map((p) => `${p.id} (${p.steps})`).join(', ')}\n`);
    }
    for (const f of failed) {
      const d = f.diagnostics[0];
      if (d) io.stderr.write(`warning: ${terminalLine(d.file)} is broken (${f.diagnostics.length} error(s)); run \`cgr-playbook validate ${terminalLine(d.file)}\`\n`);
    }
    return failed.length ? 1 : 0;
  },
};
export default command;
