// `cgr-playbook validate [files...]`: every problem as file:line:col with a hint; exit 1 if any.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { CliCommand } from '../io.ts';
import { listGuideFiles, contentDir } from '../../guides.ts';
import { loadGuideFile } from '../../extract/load.ts';
import { formatDiagnostic } from '../../extract/diagnostics.ts';
import { junitXml } from '../../report/junit.ts';
import { PlaybookError } from '../../errors.ts';

const FORMATS = ['text', 'json', 'junit'] as const;

const command: CliCommand = {
  summary: 'Check guides for errors (file:line:col); exit 1 when any is broken',
  usage: `Usage: cgr-playbook validate [files...] [--format text|json|junit]

Validates the given MDX guides (default: every guide in content/).
Exit status: 0 all valid, 1 some guide is broken, 2 usage error.`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { format: { type: 'string', default: 'text' } }, allowPositionals: true, strict: true });
    const format = values.format as (typeof FORMATS)[number];
    if (!FORMATS.includes(format)) throw new PlaybookError('bad-option', `unknown format "${values.format}"; valid formats: ${FORMATS.join(', ')}`);
    const files = positionals.length ? positionals.map((f) => resolve(io.cwd, f)) : await listGuideFiles(contentDir(io.env));
    const results = await Promise.all(files.map((f) => loadGuideFile(f, io.cwd)));
    const broken = results.filter((r) => r.diagnostics.length > 0);
    if (format === 'json') {
      io.stdout.write(JSON.stringify({ valid: broken.length === 0, files: results.map((r, i) => ({ file: r.diagnostics[0]?.file ?? r.guide?.file ?? files[i], valid: r.diagnostics.length === 0, diagnostics: r.diagnostics })) }, null, 2) + '\n');
    } else if (format === 'junit') {
      io.stdout.write(
        junitXml([
          {
            name: 'cgr-playbook validate',
            cases: results.flatMap((r, i) => {
              const file = r.guide?.file ?? r.diagnostics[0]?.file ?? files[i]!;
              if (r.diagnostics.length === 0) return [{ name: file, classname: 'validate' }];
              return r.diagnostics.map((d) => ({ name: `${d.file}:${d.line}:${d.column}`, classname: 'validate', failure: { message: d.message, body: formatDiagnostic(d) } }));
            }),
          },
        ]),
      );
    } else {
      for (const r of results) for (const d of r.diagnostics) io.stdout.write(formatDiagnostic(d) + '\n');
      const errors = broken.reduce((n, r) => n + r.diagnostics.length, 0);
      io.stdout.write(broken.length === 0 ? `${results.length} guide(s) valid\n` : `${errors} error(s) in ${broken.length} of ${results.length} guide(s)\n`);
    }
    return broken.length === 0 ? 0 : 1;
  },
};
export default command;
