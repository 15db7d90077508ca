// `cgr-playbook validate [files...]`: every problem as file:line:col with a hint; exit 1 if any.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { CliCommand } from '../io.ts';
import { listGuideFiles } from '../../guides.ts';
import { resolveContentDir } from '../../config.ts';
import { loadGuideFile } from '../../extract/load.ts';
import { formatDiagnostic } from '../../extract/diagnostics.ts';
import { junitXml } from '../../report/junit.ts';
import { appendFile } from 'node:fs/promises';
import { annotation, annotationOverflowNotice, annotationPath, mdCell, mdCodeCell } from '../../report/github.ts';
import { logJson, logXml, terminalLine } from '../render/terminal-safe.ts';
import { codeQualityIssues } from '../../report/gitlab.ts';
import { ciCheckout, repositoryPath } from '../../report/repository-path.ts';
import { PlaybookError } from '../../errors.ts';

const FORMATS = ['text', 'json', 'junit', 'github', 'gitlab'] as const;

const command: CliCommand = {
  summary: 'Check guides for errors (file:line:col); exit 1 when any is broken',
  usage: `Usage: cgr-playbook validate [files...] [--format FORMAT] [--content DIR]

Validates the given MDX guides (default: every guide in the guides folder, see --content).
  --format text     file:line:col: message, and a hint (default)
  --format json     {valid, files: [{file, valid, diagnostics}]}
  --format junit    JUnit XML: a case per valid guide, a failing case per problem (file, line;
                    relative to the repository in CI: $GITHUB_WORKSPACE, $CI_PROJECT_DIR)
  --format github   GitHub Actions annotations (::error file=…,line=…,col=…::…) shown on the PR,
                    and a table of the problems in the job summary ($GITHUB_STEP_SUMMARY)
  --format gitlab   GitLab Code Quality JSON (artifacts: reports: codequality:), paths relative
                    to the repository ($CI_PROJECT_DIR)
  --content DIR    the guides folder (default: CGR_PLAYBOOK_CONTENT, cgr-playbook.config.*, content/)
Exit status: 0 all valid, 1 some guide is broken, 2 usage error.`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'text' }, content: { type: 'string' } }, allowPositionals: true, strict: true });
    const format = values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new PlaybookError('bad-option', `unknown format "${values.format}"; valid formats: ${FORMATS.join(', ')}`);
    const files = positionals.length ? positionals.map((f) => resolve(io.cwd, f)) : await listGuideFiles(resolveContentDir({ option: values.content, cwd: io.cwd, env: io.env }));
    const results = await Promise.all(files.map((f) => loadGuideFile(f, io.cwd)));
    const broken = results.filter((r) => r.diagnostics.length > 0);
    // Paths in reports: relative to the repository when a CI system names its checkout.
    const repoPath = (f: string) => repositoryPath(f, io.cwd, ciCheckout(io.env));
    if (format === 'json') {
      io.stdout.write(logJson({ valid: broken.length === 0, files: results.map((r, i) => ({ file: r.diagnostics[0]?.file ?? r.guide?.file ?? files[i], valid: r.diagnostics.length === 0, diagnostics: r.diagnostics })) }));
    } else if (format === 'junit') {
      io.stdout.write(
        logXml(junitXml([
          {
            name: 'cgr-playbook validate',
            cases: results.flatMap((r, i) => {
              const file = repoPath(r.guide?.file ?? r.diagnostics[0]?.file ?? files[i]!);
              if (r.diagnostics.length === 0) return [{ name: file, classname: 'validate', file, line: 1 }];
              return r.diagnostics.map((d) => ({ name: `${repoPath(d.file)}:${d.line}:${d.column}`, classname: 'validate', file: repoPath(d.file), line: d.line, failure: { message: d.message, body: formatDiagnostic(d) } }));
            }),
          },
        ])),
      );
    } else if (format === 'github') {
      for (const r of results) {
        for (const d of r.diagnostics) io.stdout.write(annotation('error', d.hint ? `${d.message}\nhint: ${d.hint}` : d.message, { file: annotationPath(d.file, io.cwd, io.env), line: d.line, col: d.column, title: `cgr-playbook validate: ${d.code}` }));
      }
      const errors = broken.reduce((n, r) => n + r.diagnostics.length, 0);
      io.stdout.write(annotationOverflowNotice('cgr-playbook validate', errors));
      const line = broken.length === 0 ? `${results.length} guide(s) valid` : `${errors} error(s) in ${broken.length} of ${results.length} guide(s)`;
      io.stdout.write(line + '\n');
      // The job summary, as lychee and others write it: the same problems as a table.
      if (io.env.GITHUB_STEP_SUMMARY) {
        const rows = results.flatMap((r) => r.diagnostics.map((d) => `| ${mdCodeCell(`${d.file}:${d.line}:${d.column}`)} | ${mdCell(d.message)}${d.hint ? ` — ${mdCell(d.hint)}` : ''} |`));
        const md = [`### ${broken.length === 0 ? '✅' : '❌'} cgr-playbook validate: ${line}`, '', ...(rows.length ? ['| Where | Problem |', '|---|---|', ...rows, ''] : [])];
        await appendFile(io.env.GITHUB_STEP_SUMMARY, md.join('\n') + '\n').catch((e: NodeJS.ErrnoException) => io.stderr.write(`cgr-playbook validate: cannot append to $GITHUB_STEP_SUMMARY: ${e.code ?? e.message}\n`));
      }
    } else if (format === 'gitlab') {
      io.stdout.write(logJson(codeQualityIssues(results.flatMap((r) => r.diagnostics), { cwd: io.cwd, checkout: io.env.CI_PROJECT_DIR })));
    } else {
      // File names and messages quote what is on disk: one safe line each (formatDiagnostic adds the hint's line).
      for (const r of results) for (const d of r.diagnostics) io.stdout.write(formatDiagnostic({ ...d, file: terminalLine(d.file), message: terminalLine(d.message), ...(d.hint !== undefined ? { hint: terminalLine(d.hint) } : {}) }) + '\n');
      const errors = broken.reduce((n, r) => n + r.diagnostics.length, 0);
      io.stdout.write(broken.length === 0 ? `${results.length} guide(s) valid\n` : `${errors} error(s) in ${broken.length} of ${results.length} guide(s)\n`);
    }
    return broken.length === 0 ? 0 : 1;
  },
};
export default command;
