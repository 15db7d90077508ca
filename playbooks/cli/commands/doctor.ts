// `cgr-playbook doctor <guide>`: the guide's troubleshooting section as checks, each failing one
// with its likely cause and fix. Exit 0 when nothing failed, 1 when a check failed.
import { parseArgs } from 'node:util';
import type { CliCommand } from '../io.ts';
import { getGuide } from '../../guides.ts';
import { resolveContentDir } from '../../config.ts';
import { parsePath } from '../set-values.ts';
import { collectValues } from '../values-input.ts';
import { PlaybookError } from '../../errors.ts';
import { envVarFor } from '../../model/field.ts';
import { durationProp } from '../../model/props.ts';
import { valueRecord } from '../../model/own.ts';
import { formatDoctorReport, runDoctor } from '../../doctor/index.ts';
import { logJson, terminalSafe } from '../render/terminal-safe.ts';

const usage = `Usage: cgr-playbook doctor <guide> [--path developer|production] [--set id=value]... [--values FILE]
                           [--host HOST]... [--upstream URL] [--timeout T] [--json] [--content DIR]

Checks what usually breaks a pull through the cache, with the guide's values:
  1. DNS, TCP and TLS (1.2+) to cgr.dev and the other hosts on Chainguard's network list
  2. the product's settings, read back through its API, against the guide's rules
     (upstream URL exactly https://cgr.dev/, include pattern, mime types, mode, credentials)
  3. a pull straight from the upstream with the same credentials (the pull token)
  4. a pull through the repository
Values come as for \`run\`: CGR_<FIELD_ID> environment variables, --values, --set (not secrets).
The Production pull token: CGR_IDENTITY_ID and CGR_PULL_TOKEN.
  --host       check this host instead of Chainguard's list (repeatable): cgr.dev, host:port,
               https://host:port (TLS) or tcp://host:port (TCP only)
  --upstream   the registry to pull from directly (default https://cgr.dev)
  --timeout    time limit of each network operation (default 8s)
  --json       the report as JSON
  --content    the guides folder (default: CGR_PLAYBOOK_CONTENT, cgr-playbook.config.*, content/)`;

const command: CliCommand = {
  summary: "Troubleshoot a guide's cache: network to cgr.dev, product settings, direct and cached pulls",
  usage,
  async run(argv, io) {
    const { values: opts, positionals } = parseArgs({
      args: argv,
      options: {
        path: { type: 'string' },
        set: { type: 'string', multiple: true, default: [] },
        values: { type: 'string' },
        host: { type: 'string', multiple: true, default: [] },
        upstream: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
        content: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new PlaybookError('usage', 'doctor takes one guide id', { hint: 'e.g. cgr-playbook doctor nexus --path production' });
    const guide = await getGuide(positionals[0]!, resolveContentDir({ option: opts.content, cwd: io.cwd, env: io.env }), io.cwd);
    const path = parsePath(opts.path) ?? 'developer';
    let timeoutMs: number | undefined;
    if (opts.timeout !== undefined) {
      const r = durationProp.safeParse(/^\d+$/.test(opts.timeout) ? `${opts.timeout}s` : opts.timeout);
      if (!r.success || r.data <= 0) throw new PlaybookError('usage', `--timeout expects a duration such as 5s${r.success || !r.error.issues[0]?.message.includes('at most') ? '' : ' (at most 24h)'}, got "${opts.timeout}"`);
      timeoutMs = r.data;
    }
    const fieldValues = await collectValues(guide, { env: io.env, sets: opts.set, cwd: io.cwd, ...(opts.values !== undefined ? { valuesFile: opts.values } : {}) });
    const values = valueRecord<string | undefined>();
    for (const f of guide.fields) if (f.default !== undefined) values[f.id] = f.default;
    Object.assign(values, fieldValues);
    // Captures of the Production path (the pull token) come from the environment.
    for (const name of ['identityId', 'pullToken']) if (io.env[envVarFor(name)]) values[name] = io.env[envVarFor(name)];
    const report = await runDoctor(guide, {
      path,
      values,
      ...(opts.host.length ? { hosts: opts.host } : {}),
      ...(opts.upstream !== undefined ? { upstream: opts.upstream } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
    // Summaries quote registries' and products' answers: through the terminal gate.
    io.stdout.write(opts.json ? logJson(report) : terminalSafe(formatDoctorReport(report)));
    return report.ok ? 0 : 1;
  },
};

export default command;
