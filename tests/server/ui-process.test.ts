// `cgr-playbook ui` as a real process: SIGTERM with a page attached stops the shells and exits
// promptly. (Closing the page's socket during shutdown used to re-arm the 60 s reattach timer,
// which kept the process alive for a minute after its shells were gone.)
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ROOT, waitFor } from '../runner/helpers.ts';
import { WS_PATH } from '../../playbooks/server/server.ts';
import { TOKEN_PROTOCOL_PREFIX, WS_PROTOCOL } from '../../playbooks/server/security.ts';

const BIN = join(ROOT, 'bin/cgr-playbook.js');
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

describe('cgr-playbook ui as a process', () => {
  it('SIGTERM with a page attached: the shell stops and the process exits, without waiting for the reattach grace period', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgr-ui-proc-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>site</title>');
    const child = spawn(process.execPath, [BIN, 'ui', '--port', '0', '--site', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', SHELL: '/bin/bash' } });
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await waitFor(() => /#token=[0-9a-f]+/.test(out), 20_000, 'the ui server to print its address');
    const url = new URL(/open (http:\S+)/.exec(out)![1]!);
    const token = url.hash.slice('#token='.length);
    const ws = new WebSocket(`ws://${url.host}${WS_PATH}`, [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token], { origin: url.origin });
    const hello = new Promise<void>((resolve) => ws.on('message', (d: Buffer, binary: boolean) => !binary && JSON.parse(d.toString()).type === 'hello' && resolve()));
    ws.on('error', () => {});
    await hello;
    // The page's shell echoes its pid so the test can see it stop.
    let shown = '';
    ws.on('message', (d: Buffer, binary: boolean) => binary && (shown += d.toString()));
    ws.send(Buffer.from('echo "shell=$$"\n'));
    await waitFor(() => /shell=\d+/.test(shown), 10_000, 'the shell to answer');
    const shellPid = Number(/shell=(\d+)/.exec(shown)![1]);

    child.kill('SIGTERM');
    const outcome = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running 20 s after SIGTERM'), 20_000))]);
    expect(outcome).toBe(0);
    expect(() => process.kill(shellPid, 0)).toThrow();
  }, 60_000);
});
