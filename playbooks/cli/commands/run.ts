// `cgr-playbook run <guide>`: runs one path of a guide in a pty, step by step, and reports.
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CliCommand, CliIO } from '../io.ts';
import { getGuide } from '../../guides.ts';
import { resolveContentDir } from '../../config.ts';
import { loadGuideFile } from '../../extract/load.ts';
import type { Guide } from '../../model/guide.ts';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePath } from '../set-values.ts';
import { collectValues } from '../values-input.ts';
import { PlaybookError } from '../../errors.ts';
import { durationProp } from '../../model/props.ts';
import { ownValue } from '../../model/own.ts';
import { runPlaybook } from '../../runner/run.ts';
import { getDefaultServices, loadDefaultServices } from '../../runner/services.ts';
import { createMasker } from '../../mask/masker.ts';
import { reportText, type ReportKind } from '../../report/run-report.ts';
import type { RunOptions, RunResult } from '../../runner/types.ts';
import { colorWanted, createStyle } from '../render/style.ts';
import { createProgressRenderer } from '../render/progress.ts';
import { TerminalInput } from '../render/terminal-input.ts';
import { createTtyPrompter } from '../render/prompter.ts';
import { createGitHubOutput } from '../render/github.ts';
import { inBuildkite, terminalLine } from '../render/terminal-safe.ts';
import { loadNodePty } from '../../runner/node-pty-load.ts';
import { ciCheckout, repositoryPath } from '../../report/repository-path.ts';
import { annotation, annotationOverflowNotice, annotationPath, inGitHubActions, mdCell, mdCodeCell } from '../../report/github.ts';
import type { ReportSource } from '../../report/run-report.ts';
import { secretFromShell } from '../../model/secret-from-shell.ts';

const usage = `Usage: cgr-playbook run <guide> [options]

Runs one path of a guide: asks for missing values, shows each command (secrets masked), runs it
in a pseudo-terminal and checks the result. Exit codes: 0 all passed, 1 a step failed,
2 usage or configuration error, 130 interrupted.

Values (later sources win):
  environment      CGR_<FIELD_ID> in upper snake case: nexusUrl -> CGR_NEXUS_URL
  --values FILE    a YAML or JSON file of field ids and values (secrets allowed)
  --set id=value   one value (repeatable); secrets are refused here (they would show in ps
                   and shell history): use the environment, a file or the prompt
On a terminal, missing values are asked for (secrets hidden).

Options:
  --path P          developer or production (asked on a terminal, else developer)
  --ci              never prompt (also when stdin is not a terminal): missing values exit 2,
                    commands get no keyboard, manual steps are skipped unless stood in for
  --dry-run         show the plan, execute nothing
  --from STEP       start at this step id
  --only STEP       run only this step id
  --timeout T       time limit of every command and verify attempt, e.g. 30s, 2m
  --apply           apply "fields" steps through the product's API where an adapter exists
  --report K=FILE   write a report: junit=FILE or json=FILE (repeatable); written also on Ctrl-C
  --content DIR     the guides folder (default: CGR_PLAYBOOK_CONTENT, cgr-playbook.config.*, content/)

In CI mode each command's stdin is /dev/null and its process group is stopped when it ends:
a command that must leave a daemon running starts it with setsid.

In GitHub Actions (GITHUB_ACTIONS=true) each step's log is a collapsible group, a failed step is
an error annotation on the guide's file and line, and a table of the steps is appended to the
job summary ($GITHUB_STEP_SUMMARY). JUnit reports carry the guide's file and each step's line.`;

function parseReports(specs: readonly string[]): Array<{ kind: ReportKind; file: string }> {
  return specs.map((spec) => {
    const m = /^(junit|json)=(.+)$/.exec(spec);
    if (!m) throw new PlaybookError('usage', `--report expects junit=FILE or json=FILE, got "${spec}"`);
    return { kind: m[1] as ReportKind, file: m[2]! };
  });
}

function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const r = durationProp.safeParse(/^\d+$/.test(value) ? `${value}s` : value);
  if (!r.success || r.data <= 0) throw new PlaybookError('usage', `--timeout expects a duration such as 30s, 2m or 500ms${r.success || !r.error.issues[0]?.message.includes('at most') ? '' : ' (at most 24h)'}, got "${value}"`);
  return r.data;
}

function printError(io: CliIO, result: RunResult): void {
  const e = result.error!;
  // With a list below, the first line only names the fields.
  const head = e.invalid?.length ? `invalid value${e.invalid.length > 1 ? 's' : ''} for ${e.invalid.map((p) => p.id).join(', ')}` : e.message;
  const lines = [`cgr-playbook run: ${head}`];
  for (const m of e.missing ?? []) lines.push(`  ${m.id} (${m.label}): ${m.secret ? `type it into \`${secretFromShell(m.envVar)}\` or put it in a --values file` : `--set ${m.id}=... or ${m.envVar}`}`);
  for (const p of e.invalid ?? []) lines.push(`  ${p.id} (${p.label}): ${p.message}`);
  if (e.hint) lines.push(`  hint: ${e.hint}`);
  // Messages quote values (a refused one as given): each line through the terminal gate.
  io.stderr.write(lines.map(terminalLine).join('\n') + '\n');
}

/** Loads the guide; in GitHub Actions a broken one is also reported as one annotation per problem
 * and in the job summary, before the usual error. */
async function loadForRun(idOrFile: string, dir: string, io: CliIO): Promise<Guide> {
  try {
    return await getGuide(idOrFile, dir, io.cwd);
  } catch (e) {
    if (!(e instanceof PlaybookError) || e.code !== 'broken-guide' || !inGitHubActions(io.env)) throw e;
    const r = await loadGuideFile(idOrFile.endsWith('.mdx') ? resolve(io.cwd, idOrFile) : join(dir, `${idOrFile}.mdx`), io.cwd);
    for (const d of r.diagnostics) io.stdout.write(annotation('error', d.hint ? `${d.message}\nhint: ${d.hint}` : d.message, { file: annotationPath(d.file, io.cwd, io.env), line: d.line, col: d.column, title: `cgr-playbook run: ${d.code}` }));
    io.stdout.write(annotationOverflowNotice('cgr-playbook run', r.diagnostics.length));
    if (io.env.GITHUB_STEP_SUMMARY) {
      const md = [`### ❌ Not run: ${mdCell(idOrFile)} is broken`, '', '| Where | Problem |', '|---|---|', ...r.diagnostics.map((d) => `| ${mdCodeCell(`${d.file}:${d.line}:${d.column}`)} | ${mdCell(d.message)}${d.hint ? ` — ${mdCell(d.hint)}` : ''} |`), ''];
      await appendFile(io.env.GITHUB_STEP_SUMMARY, md.join('\n') + '\n').catch(() => {});
    }
    throw e;
  }
}

const command: CliCommand = {
  summary: 'Run a guide: values, commands in a terminal, checks, reports (--ci for CI)',
  usage,
  async run(argv, io) {
    const { values: opts, positionals } = parseArgs({
      args: argv,
      options: {
        path: { type: 'string' },
        set: { type: 'string', multiple: true, default: [] },
        values: { type: 'string' },
        ci: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        from: { type: 'string' },
        only: { type: 'string' },
        timeout: { type: 'string' },
        apply: { type: 'boolean', default: false },
        report: { type: 'string', multiple: true, default: [] },
        content: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new PlaybookError('usage', 'run takes one guide id', { hint: 'e.g. cgr-playbook run nexus --path developer' });
    if (opts.from !== undefined && opts.only !== undefined) throw new PlaybookError('usage', '--from and --only cannot be used together');
    const reports = parseReports(opts.report);
    for (const r of reports) {
      const dir = dirname(resolve(io.cwd, r.file));
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new PlaybookError('usage', `cannot write the ${r.kind} report ${r.file}: folder ${dir} does not exist`, { hint: 'create the folder first' });
    }
    const timeout = parseTimeout(opts.timeout);
    const path = parsePath(opts.path);
    const guide = await loadForRun(positionals[0]!, resolveContentDir({ option: opts.content, cwd: io.cwd, env: io.env }), io);
    const values = await collectValues(guide, { env: io.env, sets: opts.set, cwd: io.cwd, ...(opts.values !== undefined ? { valuesFile: opts.values } : {}) });
    const ci = opts.ci || !io.stdin.isTTY;
    const tty = !!io.stdout.isTTY;
    const style = createStyle(colorWanted(io.env, tty));
    let atLineStart = true;
    const write = (s: string) => {
      if (s) atLineStart = s.endsWith('\n');
      io.stdout.write(s);
    };
    // The guide's path in reports and annotations: relative to the repository when a CI system names its checkout.
    const source: ReportSource = { ...(guide.file !== undefined ? { file: repositoryPath(guide.file, io.cwd, ciCheckout(io.env)) } : {}), ...(guide.positions ? { positions: guide.positions } : {}) };
    const github = inGitHubActions(io.env) ? createGitHubOutput({ write, atLineStart: () => atLineStart, env: io.env, source, guideId: guide.meta.id }) : undefined;

    // Commands run in a terminal: without node-pty built, say how to build it before anything runs.
    if (!opts['dry-run']) await loadNodePty();
    await loadDefaultServices();
    const services = getDefaultServices();

    let cancel = () => {};
    let interrupts = 0;
    const interrupt = () => {
      interrupts++;
      cancel();
    };
    const input = ci ? undefined : new TerminalInput(io.stdin, write, interrupt);
    const runOptions: RunOptions = {
      ci,
      dryRun: opts['dry-run'],
      apply: opts.apply,
      values,
      env: io.env,
      cwd: io.cwd,
      ...(path ? { path } : {}),
      ...(opts.from !== undefined ? { from: opts.from } : {}),
      ...(opts.only !== undefined ? { only: opts.only } : {}),
      ...(timeout !== undefined ? { timeout } : {}),
      ...(input ? { keyboard: input, prompter: createTtyPrompter(input, write, style) } : {}),
      ...(services.probeRunner ? { probeRunner: services.probeRunner } : {}),
      ...(services.fieldsApplier ? { fieldsApplier: services.fieldsApplier } : {}),
      ...(io.stdout.columns ? { cols: io.stdout.columns } : {}),
    };
    // In GitHub Actions workflow commands are stopped from the first event on; they are resumed
    // however the run ends, so later commands of the job's step work again.
    try {
      const handle = runPlaybook(guide, runOptions);
      cancel = () => handle.cancel();
      const renderer = createProgressRenderer({ write, tty, style, buildkite: inBuildkite(io.env), githubStopped: github !== undefined });
      const unsubscribe = handle.subscribe(github ? github.wrap(renderer.listener) : renderer.listener);
      const offSignals = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => io.onSignal?.(sig, interrupt) ?? (() => {}));
      let result: RunResult;
      try {
        result = await handle.done;
      } finally {
        for (const off of offSignals) off();
        unsubscribe();
        renderer.dispose();
      }
      // Reports: the runner masked every record; mask again with the secrets known here.
      const masker = createMasker(guide.fields.filter((f) => f.secret).map((f) => ownValue(values, f.id)));
      let reportFailed = false;
      for (const r of reports) {
        try {
          await writeFile(resolve(io.cwd, r.file), reportText(r.kind, result, masker.mask, source), { mode: 0o644 });
          io.stderr.write(`${result.status === 'interrupted' ? 'partial ' : ''}${r.kind} report: ${r.file}\n`);
        } catch (e) {
          reportFailed = true;
          io.stderr.write(`cgr-playbook run: cannot write the ${r.kind} report ${r.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
        }
      }
      if (github) {
        const problem = await github.writeSummary(result, masker.mask);
        if (problem) {
          reportFailed = true;
          io.stderr.write(`cgr-playbook run: ${problem}\n`);
        }
      }
      if (result.status === 'error') printError(io, result);
      if (interrupts > 0 && result.status !== 'interrupted') return 130;
      if (reportFailed && result.exitCode === 0) return 2;
      return result.exitCode;
    } finally {
      github?.end();
    }
  },
};

export default command;
