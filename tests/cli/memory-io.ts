// An in-memory CliIO for calling runCli in-process: captured stdout/stderr, a chosen env and cwd.
import { Readable, Writable } from 'node:stream';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../../playbooks/cli/io.ts';
import { runCli } from '../../playbooks/cli/main.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with argv in `cwd` (default: the repository) and an environment of only `env`. */
export async function cli(argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: CliIO = { stdout, stderr, stdin: Readable.from([]), env: opts.env ?? {}, cwd: opts.cwd ?? repoRoot };
  const code = await runCli(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
