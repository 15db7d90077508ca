// `cgr-playbook show <guide>`: the resolved plan of one path, values filled in, secrets masked.
import { parseArgs } from 'node:util';
import type { CliCommand } from '../io.ts';
import { getGuide } from '../../guides.ts';
import { resolveContentDir } from '../../config.ts';
import { parsePath, parseSets } from '../set-values.ts';
import { resolveValues } from '../../plan/values.ts';
import { describePlan, type DescribedStep } from '../../plan/describe.ts';
import { PlaybookError } from '../../errors.ts';

const command: CliCommand = {
  summary: "Print a guide's resolved plan for one path, values filled in, secrets masked",
  usage: `Usage: cgr-playbook show <guide> [--path developer|production] [--set id=value]... [--examples] [--json]
                         [--content DIR]

Prints every step of one path with the values filled in. Secrets are never printed: commands
show them as "$CGR_..." environment variable references.
  --path       developer (default) or production
  --set        a field value (repeatable); secrets cannot be set here
  --examples   fill fields that have no value with their example
  --json       the model for tools: fields (id, type, secret) and steps (id, kind, resolved text)
  --content    the guides folder (default: CGR_PLAYBOOK_CONTENT, cgr-playbook.config.*, content/)`,
  async run(argv, io) {
    const { values: opts, positionals } = parseArgs({
      args: argv,
      options: { path: { type: 'string' }, set: { type: 'string', multiple: true, default: [] }, json: { type: 'boolean' }, examples: { type: 'boolean' }, content: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new PlaybookError('usage', 'show takes one guide id', { hint: 'e.g. cgr-playbook show nexus --path production' });
    const guide = await getGuide(positionals[0]!, resolveContentDir({ option: opts.content, cwd: io.cwd, env: io.env }), io.cwd);
    const path = parsePath(opts.path) ?? 'developer';
    const given = parseSets(guide, opts.set);
    if (opts.examples) for (const f of guide.fields) if (given[f.id] === undefined && f.example !== undefined && !f.secret) given[f.id] = f.example;
    const resolved = resolveValues(guide, path, given);
    if (resolved.invalid.length) {
      const p = resolved.invalid[0]!;
      throw new PlaybookError('invalid-value', `invalid value for ${p.field} (${p.label}): ${p.message}`);
    }
    const plan = describePlan(guide, path, resolved.values);
    if (opts.json) {
      io.stdout.write(JSON.stringify(plan, null, 2) + '\n');
      return 0;
    }
    const lines: string[] = [];
    lines.push(`${guide.meta.title}`, `path: ${path} — ${guide.meta.paths.find((p) => p.id === path)?.title ?? path}`, '');
    lines.push('Values:');
    for (const f of plan.fields) lines.push(`  ${f.id.padEnd(18)} ${f.secret ? (f.hasValue ? '******** (secret)' : `<from $${f.envVar}>`) : (f.value ?? '<not set>')}`);
    lines.push('');
    for (const s of plan.steps) lines.push(...formatStep(s));
    io.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};

function formatStep(s: DescribedStep): string[] {
  const head = `${String(s.number).padStart(2)}. [${s.kind}] ${s.title}  (${s.id})${s.skipped ? `  — skipped: ${s.skipped}` : ''}`;
  const body: string[] = [];
  if (s.kind === 'fields') {
    if (s.screen) body.push(`in: ${s.screen}`);
    const w = Math.max(...s.entries.map((e) => e.label.length));
    for (const e of s.entries) body.push(`${e.label.padEnd(w)}  ${e.value}${e.note ? `   (${e.note})` : ''}`);
  } else if (s.kind === 'command' || (s.kind === 'verify' && s.command)) {
    body.push(...s.command!.split('\n').map((l, i) => (i === 0 ? `$ ${l}` : `  ${l}`)));
  }
  if (s.kind === 'verify') body.push(...s.checks.map((c) => `check: ${c}`));
  if (s.kind === 'manual' && s.description) body.push(s.description);
  return [head, ...body.map((b) => `      ${b}`), ''];
}

export default command;
