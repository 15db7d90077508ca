// The CLI as a real process: Ctrl-C (SIGINT) stops the command's whole process group and writes
// a partial report; on a terminal (a real pty) it prompts, re-prompts, hides secrets and passes
// the keyboard to the command.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { FIXTURES, ROOT, isRunning, tempDir, waitFor } from './helpers.ts';

const BIN = join(ROOT, 'bin/cgr-playbook.js');
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

/** `cgr-playbook <args>` on a real terminal (100x30, NO_COLOR): what it has printed so far and its exit code. */
function onTerminal(args: string[], cwd: string) {
  const term = pty.spawn(process.execPath, [BIN, ...args], {
    cols: 100,
    rows: 30,
    cwd,
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' } as Record<string, string>,
  });
  let screen = '';
  term.onData((d) => (screen += d));
  const exited = new Promise<number>((r) => term.onExit((e) => r(e.exitCode)));
  cleanups.push(() => {
    try {
      term.kill('SIGKILL');
    } catch {
      // gone
    }
  });
  return { term, screen: () => screen, exited };
}

describe('cgr-playbook run as a process', () => {
  it('Ctrl-C during a long command: exit 130, partial report, no process left behind', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const report = join(t.dir, 'partial.json');
    const child = spawn(process.execPath, [BIN, 'run', join(FIXTURES, 'long.mdx'), '--report', `json=${report}`], { cwd: t.dir, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await waitFor(() => /shell=\d+/.test(out), 15_000, 'the long command to start');
    const pids = [Number(/child=(\d+)/.exec(out)![1]), Number(/shell=(\d+)/.exec(out)![1])];
    expect(pids.every(isRunning)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(pids.filter(isRunning)).toEqual([]);
    expect(out).toContain('✘ failed');
    expect(out).toContain('interrupted');
    expect(out).toContain('partial json report');
    const r = JSON.parse(readFileSync(report, 'utf8'));
    expect(r.partial).toBe(true);
    expect(r.status).toBe('interrupted');
    expect(r.steps.map((s: { id: string; verdict: string }) => `${s.id}:${s.verdict}`)).toEqual(['long:failed', 'after:skipped']);
  });

  it('on a terminal: prompts with re-prompt, hides secrets, passes the keyboard to the command', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const { term, screen, exited } = onTerminal(['run', join(FIXTURES, 'ci.mdx'), '--path', 'developer', '--only', 'reads-stdin', '--report', `json=${join(t.dir, 'r.json')}`], t.dir);
    const typeAfter = async (text: string, keys: string) => {
      await waitFor(() => screen().includes(text), 10_000, JSON.stringify(text));
      term.write(keys);
    };
    await typeAfter('A needed value', 'first value\r');
    await typeAfter('Another needed value', 'not a host!\r');
    await typeAfter('expected a host name', 'h.example:5000\r');
    await typeAfter('[1/5] Reads a line from stdin', '');
    await typeAfter('$ if read', 'typed line\r');
    expect(await exited).toBe(0);
    expect(screen()).toContain('read: typed line');
    expect(screen()).toContain('✔ passed');
    const r = JSON.parse(readFileSync(join(t.dir, 'r.json'), 'utf8'));
    expect(r.steps.find((s: { id: string }) => s.id === 'reads-stdin').verdict).toBe('passed');
    expect(existsSync(join(t.dir, 'r.json'))).toBe(true);
  });

  it('on a terminal: a secret typed at the prompt is not echoed and is masked in the output', async () => {
    const { term, screen, exited } = onTerminal(['run', join(FIXTURES, 'mask.mdx'), '--only', 'leak', '--path', 'developer'], ROOT);
    // The prompt may reach the pty in more than one write: wait for its whole line.
    await waitFor(() => screen().includes('API token') && screen().includes('(hidden)'), 10_000, 'the secret prompt, marked (hidden)');
    term.write('Typed-Secret-777\r');
    expect(await exited).toBe(0);
    expect(screen()).not.toContain('Typed-Secret-777');
    expect(screen()).toContain('whole ********');
    // NO_COLOR: no colour codes on the terminal (the spinner's line clearing is not colour).
    expect(screen()).not.toMatch(/\u001b\[\d+(;\d+)*m/);
  });

  it('on a terminal: Ctrl-C at a prompt ends the run with 130 and nothing run', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const { term, screen, exited } = onTerminal(['run', join(FIXTURES, 'ci.mdx'), '--path', 'developer', '--report', `json=${join(t.dir, 'r.json')}`], t.dir);
    await waitFor(() => screen().includes('A needed value'), 10_000, 'the first prompt');
    term.write('\u0003');
    expect(await exited).toBe(130);
    const r = JSON.parse(readFileSync(join(t.dir, 'r.json'), 'utf8'));
    expect(r.status).toBe('interrupted');
    expect(r.steps).toEqual([]);
  });
});
