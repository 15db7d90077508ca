// `cgr-playbook show <guide>`: the whole guide of one path in reading order, values filled in,
// secrets masked; as text for a terminal, JSON for tools, or plain Markdown for other docs systems.
import { parseArgs } from 'node:util';
import type { CliCommand } from '../io.ts';
import { getGuide } from '../../guides.ts';
import { resolveContentDir } from '../../config.ts';
import { parsePath, parseSets } from '../set-values.ts';
import { resolveValues } from '../../plan/values.ts';
import { describePlan } from '../../plan/describe.ts';
import { PlaybookError } from '../../errors.ts';
import { guideText } from '../render/guide-text.ts';
import { guideMarkdown } from '../render/guide-markdown.ts';
import { logJson, terminalSafe } from '../render/terminal-safe.ts';
import { ownValue } from '../../model/own.ts';

const FORMATS = ['text', 'json', 'markdown'] as const;

const command: CliCommand = {
  summary: 'Print a guide for one path: its prose and steps, values filled in, secrets masked',
  usage: `Usage: cgr-playbook show <guide> [--path developer|production] [--set id=value]... [--examples] [--format text|json|markdown]
                         [--content DIR]

Prints the whole guide for one path in reading order: the prose, your values and every step
with its command or settings and what success looks like. Secrets are never printed: commands
show them as "$CGR_..." environment variable references.
  --path       developer (default) or production
  --set        a field value (repeatable); secrets cannot be set here
  --examples   fill fields that have no value with their example
  --format     text (default), json (the same content for tools: fields, steps, and the prose
               in reading order as "body"), or markdown (a plain Markdown guide, values filled in
               or shown as <fieldId>)
  --json       the same as --format json
  --content    the guides folder (default: CGR_PLAYBOOK_CONTENT, cgr-playbook.config.*, content/)`,
  async run(argv, io) {
    const { values: opts, positionals } = parseArgs({
      args: argv,
      options: { path: { type: 'string' }, set: { type: 'string', multiple: true, default: [] }, json: { type: 'boolean' }, examples: { type: 'boolean' }, format: { type: 'string' }, content: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new PlaybookError('usage', 'show takes one guide id', { hint: 'e.g. cgr-playbook show nexus --path production' });
    const format = opts.json ? 'json' : (opts.format ?? 'text');
    if (!(FORMATS as readonly string[]).includes(format)) throw new PlaybookError('usage', `unknown format "${format}"; valid formats: ${FORMATS.join(', ')}`);
    const guide = await getGuide(positionals[0]!, resolveContentDir({ option: opts.content, cwd: io.cwd, env: io.env }), io.cwd);
    const path = parsePath(opts.path) ?? 'developer';
    const given = parseSets(guide, opts.set);
    if (opts.examples) for (const f of guide.fields) if (ownValue(given, f.id) === undefined && f.example !== undefined && !f.secret) given[f.id] = f.example;
    const resolved = resolveValues(guide, path, given);
    if (resolved.invalid.length) {
      const p = resolved.invalid[0]!;
      throw new PlaybookError('invalid-value', `invalid value for ${p.field} (${p.label}): ${p.message}`);
    }
    const plan = describePlan(guide, path, resolved.values);
    if (format === 'json') io.stdout.write(logJson(plan));
    else if (format === 'markdown') io.stdout.write(terminalSafe(guideMarkdown(plan)));
    else io.stdout.write(terminalSafe(guideText(plan, Math.max(60, Math.min(100, io.stdout.columns ?? 88)))));
    return 0;
  },
};

export default command;
