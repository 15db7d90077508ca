// Runs the CLI in-process with captured streams, and normalises transcripts for snapshots.
import { PassThrough, Writable } from 'node:stream';
import { runCli } from '../../playbooks/cli/main.ts';
import type { CliIO } from '../../playbooks/cli/io.ts';
import { ROOT } from './helpers.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

export async function cli(argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  const out = sink();
  const err = sink();
  const stdin = new PassThrough();
  const io: CliIO = {
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'dumb', ...opts.env },
    cwd: opts.cwd ?? ROOT,
  };
  const code = await runCli(argv, io);
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Durations vary from run to run: 12ms, 1.2s, 3m05s become <t>. */
export function normalise(text: string): string {
  return text.replace(/\b\d+(?:\.\d+)?(?:ms|s)\b|\b\d+m\d{2}s\b/g, '<t>');
}
