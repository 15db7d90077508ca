// `cgr-playbook lab up|status|down|token`: the local stand-in for cgr.dev (see docs/lab.md).
import { parseArgs } from 'node:util';
import type { CliCommand } from '../io.ts';
import { PlaybookError } from '../../errors.ts';
import { ENV, loadToolConfig } from '../../config.ts';
import { DEFAULT_ORG, DEFAULT_TOKEN_TTL, defaultStateDir, issueToken, labDown, labStatus, labUp, type LabState } from '../../lab/index.ts';

const USAGE = `Usage: cgr-playbook lab <up|status|down|token> [options]

A local stand-in for the Chainguard registry (cgr.dev) on 127.0.0.1: a Distribution registry
behind a token service, seeded with small images (chainguard/wolfi-base, chainguard/static,
<org>/wolfi-base), and a Distribution pull-through cache in front of it. No account, no internet.

  up       start the lab (token service, registry, seed images, cache); prints the addresses
  status   which lab processes run and answer
  down     stop every lab process (by pid); --purge also deletes the state directory
  token    issue a pull token for the private organization, printed like
           \`chainctl auth configure-docker --pull-token\` prints it

Options:
  --state-dir <dir>  where the lab keeps config, storage, logs and pid files
                     (default: $CGR_PLAYBOOK_LAB_STATE_DIR, lab.stateDir in cgr-playbook.config.*,
                     $XDG_STATE_HOME/cgr-playbook/lab, else <tmp>/cgr-playbook-lab-<user>)
  --org <name>       private organization namespace (default ${DEFAULT_ORG})
  --ttl <duration>   pull token lifetime for \`token\` (default ${DEFAULT_TOKEN_TTL}, at most 8760h)
  --no-cache         \`up\` without the pull-through cache
  --purge            \`down\` also deletes the state directory
  --json             machine-readable output`;

function describeUp(s: LabState): string {
  const lines = [
    `lab running (state in ${s.stateDir})`,
    `  registry (stands in for cgr.dev): ${s.upstream.url}   pid ${s.upstream.pid}`,
    `  token service:                    ${s.token.url}/token   pid ${s.token.pid}`,
    ...(s.cache ? [`  pull-through cache:               ${s.cache.url}   pid ${s.cache.pid}`] : []),
    `  images:`,
    ...s.images.map((i) => `    ${i.reference}  ${i.visibility === 'public' ? 'public' : `private (needs a pull token: cgr-playbook lab token)`}  [${i.platforms.join(', ')}]`),
    '',
    `Use it as the upstream of a guide: --set upstreamUrl=${s.upstream.url}`,
  ];
  return lines.join('\n') + '\n';
}

const command: CliCommand = {
  summary: 'Run a local stand-in for cgr.dev (registry, token service, cache): up, status, down, token',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
      options: {
        'state-dir': { type: 'string' },
        org: { type: 'string' },
        ttl: { type: 'string' },
        json: { type: 'boolean' },
        cache: { type: 'boolean', default: true },
        purge: { type: 'boolean' },
      },
    });
    const [action, ...extra] = positionals;
    if (!action || !['up', 'status', 'down', 'token'].includes(action) || extra.length) {
      throw new PlaybookError('USAGE', action ? `unknown lab action "${[action, ...extra].join(' ')}"` : 'missing lab action', { hint: 'cgr-playbook lab up | status | down | token' });
    }
    const stateDir = values['state-dir'] ?? (io.env[ENV.labStateDir] || loadToolConfig(io.cwd, io.env).labStateDir || defaultStateDir(io.env));
    const out = (v: unknown, text: string) => io.stdout.write(values.json ? JSON.stringify(v, null, 2) + '\n' : text);
    switch (action) {
      case 'up': {
        const t0 = Date.now();
        const s = await labUp({ stateDir, ...(io.env['CGR_PLAYBOOK_REGISTRY_BIN'] ? { registryBin: io.env['CGR_PLAYBOOK_REGISTRY_BIN'] } : {}), ...(values.org ? { org: values.org } : {}), cache: values.cache, ...(values.ttl ? { cacheTokenTtl: values.ttl } : {}) });
        out({ ...s, startMs: Date.now() - t0 }, describeUp(s));
        return 0;
      }
      case 'status': {
        const s = await labStatus({ stateDir });
        const text =
          s.components.length === 0
            ? `no lab in ${stateDir}\n`
            : `lab ${s.running ? 'running' : 'NOT running'} (${stateDir})\n` +
              s.components.map((c) => `  ${c.name.padEnd(9)} ${c.alive ? 'up  ' : 'down'}  ${c.url ?? ''}${c.pid ? `  pid ${c.pid}` : ''}${c.alive ? (c.answers !== undefined ? `  answers ${c.answers}` : '  not answering') : ''}`).join('\n') +
              '\n';
        out(s, text);
        return s.running ? 0 : 1;
      }
      case 'down': {
        const r = await labDown({ stateDir, purge: values.purge ?? false });
        out(r, r.stopped.length ? `stopped ${r.stopped.join(', ')}${values.purge ? `; deleted ${stateDir}` : ''}\n` : `nothing was running in ${stateDir}${values.purge ? `; deleted it` : ''}\n`);
        return 0;
      }
      case 'token': {
        const t = await issueToken({ stateDir, ...(values.org ? { org: values.org } : {}), ...(values.ttl ? { ttl: values.ttl } : {}) });
        out(
          { registry: t.registry, org: t.org, username: t.identityId, password: t.token, expiresAt: t.expiresAt.toISOString() },
          `Pull token for ${t.org} (expires ${t.expiresAt.toISOString()}). To use it in another environment, run:\n\n    ${t.loginCommand}\n`,
        );
        return 0;
      }
    }
    return 2;
  },
};
export default command;
