// What a page sends while the server is still making room for its session (ending the idle session
// of a page that left, which can take the stop's grace periods) reaches the new session, in order.
// It used to be dropped: the socket's message handler was attached only once the session existed.
// The window is held open by an idle shell that ignores SIGHUP and SIGTERM, so ending it waits
// for the grace periods and then SIGKILL; nothing here races a timer.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startUiServer, WS_PATH, type UiServer } from '../../playbooks/server/server.ts';
import { TOKEN_PROTOCOL_PREFIX, WS_PROTOCOL } from '../../playbooks/server/security.ts';
import type { ServerMessage } from '../../playbooks/server/protocol.ts';
import { getGuide } from '../../playbooks/guides.ts';
import { fixtureContent } from '../browser/terminal-helpers.ts';

let tmp: string | undefined;
let ui: UiServer | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

function connect(server: UiServer) {
  const token = new URL(server.url).hash.slice('#token='.length);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}`, [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token], { origin: `http://127.0.0.1:${server.port}` });
  const page = { ws, inbox: [] as ServerMessage[], screen: '', opened: new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject))) };
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (binary) page.screen += data.toString('utf8');
    else page.inbox.push(JSON.parse(data.toString()) as ServerMessage);
  });
  return page;
}

/** A server with room for one session, taken by an idle one that takes the stop's grace periods to end. */
async function serverWithIdleSession(): Promise<UiServer> {
  tmp = mkdtempSync(join(tmpdir(), 'cgr-ui-admit-'));
  writeFileSync(join(tmp, 'index.html'), '<!doctype html><title>site</title>');
  const server = await startUiServer({
    siteDir: tmp,
    loadGuide: (id) => getGuide(id, fixtureContent),
    shell: { file: 'bash', args: ['--norc', '--noprofile'] },
    cwd: tmp,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, PS1: '$ ' },
    maxClients: 4,
    maxSessions: 1,
    graceMs: 60_000,
    services: {},
    log: () => {},
  });
  // The first page's shell ignores the polite signals, then the page leaves: its session stays, idle.
  const first = connect(server);
  await first.opened;
  await expect.poll(() => first.inbox.some((m) => m.type === 'hello'), { timeout: 10_000 }).toBe(true);
  first.ws.send(Buffer.from(`trap '' HUP TERM; echo IGNORING$((6*7))\r`), { binary: true });
  await expect.poll(() => first.screen.includes('IGNORING42'), { timeout: 10_000 }).toBe(true);
  first.ws.close();
  await expect.poll(() => [...server.sessions.values()].some((s) => !s.attached), { timeout: 10_000 }).toBe(true);
  return server;
}

describe('a page admitted while an idle session is ended to make room', () => {
  it('keeps what it typed before its session existed, in order', async () => {
    ui = await serverWithIdleSession();
    // The second page types as soon as its socket is open, while the first session is being ended.
    const second = connect(ui);
    await second.opened;
    second.ws.send(Buffer.from('echo EARLY$((6*'), { binary: true });
    second.ws.send(Buffer.from('7))\r'), { binary: true });
    const helloAt = () => second.inbox.findIndex((m) => m.type === 'hello');
    await expect.poll(helloAt, { timeout: 15_000 }).toBeGreaterThanOrEqual(0);
    await expect.poll(() => second.screen.includes('EARLY42'), { timeout: 15_000 }).toBe(true);
    second.ws.close();
  }, 40_000);

  it('is closed (1008), not buffered without end, when it sends too much before its session exists', async () => {
    ui = await serverWithIdleSession();
    const page = connect(ui);
    await page.opened;
    const closed = new Promise<number>((resolve) => page.ws.once('close', (code) => resolve(code)));
    for (let i = 0; i < 300; i++) page.ws.send(Buffer.from('x'), { binary: true });
    expect(await closed).toBe(1008);
    expect(page.inbox.some((m) => m.type === 'hello')).toBe(false);
  }, 40_000);
});
