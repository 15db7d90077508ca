// `cgr-playbook <command> [...]`: dispatches to one command file; errors become a line and a hint.
import { COMMANDS } from './registry.ts';
import { processIO, type CliIO } from './io.ts';
import { PlaybookError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { terminalLine, terminalLines } from './render/terminal-safe.ts';

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    `cgr-playbook ${VERSION} — executable guides for a pull-through cache of the Chainguard registry`,
    '',
    'Usage: cgr-playbook <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `cgr-playbook help <command>` (or `cgr-playbook <command> --help`) for the options of one command.',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0 && !(rest.length === 1 && ['--help', '-h', 'help'].includes(rest[0]!))) return commandHelp(rest, io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(VERSION + '\n');
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`cgr-playbook: unknown command "${name}"; valid commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof PlaybookError) {
      // Messages quote files (a values file's keys, a guide's name): one safe line each.
      io.stderr.write(`cgr-playbook ${name}: ${terminalLines(e.message)}\n${e.hint ? `  hint: ${terminalLine(e.hint)}\n` : ''}`);
      return e.exitCode;
    }
    // node:util parseArgs: unknown option, missing option value, unexpected argument.
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      io.stderr.write(`cgr-playbook ${name}: ${terminalLine((e as Error).message.split('\n')[0]!).replace(/\. To specify a positional argument.*$/, '')}\n  hint: run \`cgr-playbook ${name} --help\` for its options\n`);
      return 2;
    }
    throw e;
  }
}

/** `cgr-playbook help <command>`: that command's usage, as `<command> --help` prints it. */
async function commandHelp(args: string[], io: CliIO): Promise<number> {
  const entry = args.length === 1 ? COMMANDS[args[0]!] : undefined;
  if (!entry) {
    io.stderr.write(`cgr-playbook help: ${args.length === 1 ? `unknown command "${args[0]}"` : 'takes one command name'}; valid commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  io.stdout.write((await entry.load()).usage.trimEnd() + '\n');
  return 0;
}

export async function main(argv: string[]): Promise<void> {
  const code = await runCli(argv, processIO());
  process.exitCode = code;
}
