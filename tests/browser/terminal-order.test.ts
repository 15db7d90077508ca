// The shell's own output never lands inside a step's output: a shell that prints late (here 1 s
// after its first prompt, in the middle of a 1.5 s step) is shown after the step's verdict. And a
// verdict never overtakes the output it is about on the socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { getGuide } from '../../playbooks/guides.ts';
import { startUiServer, WS_PATH, type UiServer } from '../../playbooks/server/server.ts';
import { WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../playbooks/server/security.ts';
import type { ServerMessage } from '../../playbooks/server/protocol.ts';
import { buildFixtureSite, fixtureContent } from './terminal-helpers.ts';

let tmp: string;
let ui: UiServer;
const loadGuide = (id: string) => getGuide(id, fixtureContent);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cgr-term-order-'));
  const site = await buildFixtureSite(join(tmp, 'site'), [await loadGuide('termtest')]);
  ui = await startUiServer({
    siteDir: site,
    loadGuide,
    // A "shell" that prompts at once, then prints again 1 s later, then echoes what it is sent.
    shell: { file: 'bash', args: ['--norc', '--noprofile', '-c', "printf 'ready$ '; sleep 1; printf 'LATE-SHELL\\n'; exec cat"] },
    cwd: tmp,
    env: { PATH: process.env.PATH, HOME: tmp },
    graceMs: 200,
    log: () => {},
  });
}, 60_000);

afterAll(async () => {
  await ui?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('terminal server: output order', () => {
  it('holds shell output that arrives during a step and shows it after the verdict', async () => {
    const token = new URL(ui.url).hash.slice('#token='.length);
    const ws = new WebSocket(`ws://127.0.0.1:${ui.port}${WS_PATH}`, [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token], { origin: `http://127.0.0.1:${ui.port}` });
    let screen = '';
    const messages: ServerMessage[] = [];
    // Everything in arrival order: how much output had come when each JSON message came.
    const arrivals: { msg: ServerMessage; screenBefore: string }[] = [];
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (binary) screen += data.toString('utf8');
      else {
        const msg = JSON.parse(data.toString()) as ServerMessage;
        messages.push(msg);
        arrivals.push({ msg, screenBefore: screen });
      }
    });
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    await expect.poll(() => screen, { timeout: 10_000 }).toContain('ready$ ');
    const run = JSON.stringify({ type: 'run', guideId: 'termtest', stepId: 'two-parts', path: 'developer', values: {} });
    ws.send(run);
    // A second run while the first is on is refused (one run at a time per terminal).
    ws.send(run);
    await expect.poll(() => messages.some((m) => m.type === 'run-end'), { timeout: 15_000 }).toBe(true);
    expect(messages.filter((m) => m.type === 'error')).toEqual([{ type: 'error', code: 'busy', message: 'a step is already running; stop it first' }]);
    expect(messages.filter((m) => m.type === 'step' && m.status === 'running')).toHaveLength(1);
    expect(messages.find((m) => m.type === 'run-end')).toMatchObject({ ok: true });
    await expect.poll(() => screen, { timeout: 5_000 }).toContain('LATE-SHELL');
    const at = (s: string) => screen.indexOf(s);
    expect(at('part-one')).toBeGreaterThan(at('ready$ '));
    expect(at('part-two')).toBeGreaterThan(at('part-one'));
    // Between the two parts the shell printed LATE-SHELL; the page sees it only after the verdict.
    expect(at('LATE-SHELL')).toBeGreaterThan(at('part-two'));
    expect(at('LATE-SHELL')).toBeGreaterThan(at('passed'));
    // The "passed" message came after the step's whole output, its verdict line included.
    const verdict = arrivals.find((a) => a.msg.type === 'step' && a.msg.status === 'passed');
    expect(verdict?.screenBefore).toContain('part-two');
    expect(verdict?.screenBefore).toContain('✔ passed');
    await new Promise((r) => (ws.once('close', r), ws.close()));
  });
});
