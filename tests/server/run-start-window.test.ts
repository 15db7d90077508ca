// A page run from its acceptance to its first step: the server waits for the shell's first prompt
// and loads its copy of the guide before the run's steps exist. A page that comes back in that
// window is told a run is on (hello.running), and a Stop sent in it stops the run before any step
// runs. The window is held open by the test (its guide loader waits for the test), so the order is
// the same on every run.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { getGuide } from '../../playbooks/guides.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import { startUiServer, WS_PATH, type UiServer } from '../../playbooks/server/server.ts';
import { TOKEN_PROTOCOL_PREFIX, WS_PROTOCOL } from '../../playbooks/server/security.ts';
import type { ServerMessage } from '../../playbooks/server/protocol.ts';
import { fixtureContent } from '../browser/terminal-helpers.ts';

let tmp: string | undefined;
let ui: UiServer | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

/** A server whose guide loader waits, once asked, until the test lets it go on. */
async function startHeld() {
  let asked!: () => void;
  const loading = new Promise<void>((r) => (asked = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  tmp = mkdtempSync(join(tmpdir(), 'cgr-run-window-'));
  writeFileSync(join(tmp, 'index.html'), '<!doctype html><title>site</title>');
  ui = await startUiServer({
    siteDir: tmp,
    loadGuide: async (id): Promise<Guide> => {
      asked();
      await released;
      return getGuide(id, fixtureContent);
    },
    shell: { file: 'bash', args: ['--norc', '--noprofile'] },
    cwd: tmp,
    env: { PATH: process.env.PATH, HOME: tmp, PS1: '$ ' },
    services: {},
    log: () => {},
  });
  return { server: ui, loading, release };
}

interface Client {
  ws: WebSocket;
  inbox: ServerMessage[];
  closed: Promise<number>;
}

function connect(server: UiServer, session?: string): Promise<Client> {
  const token = new URL(server.url).hash.slice('#token='.length);
  const query = session ? `?session=${session}` : '';
  return new Promise((resolve, reject) => {
    const inbox: ServerMessage[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}${query}`, [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token], { origin: `http://127.0.0.1:${server.port}` });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) inbox.push(JSON.parse(data.toString()) as ServerMessage);
    });
    ws.on('open', () => resolve({ ws, inbox, closed }));
    ws.on('error', reject);
  });
}

async function next<T extends ServerMessage['type']>(c: Client, type: T): Promise<Extract<ServerMessage, { type: T }>> {
  await expect.poll(() => c.inbox.some((m) => m.type === type), { timeout: 15_000 }).toBe(true);
  const i = c.inbox.findIndex((m) => m.type === type);
  return c.inbox.splice(0, i + 1).pop() as Extract<ServerMessage, { type: T }>;
}

const RUN = { type: 'run', guideId: 'termtest', stepId: 'say-hello', path: 'developer', values: {} } as const;

describe('ui server: a page run before its first step', () => {
  it('a page that comes back while the run starts is told the run is on, and gets its steps and end', { timeout: 30_000 }, async () => {
    const { server, loading, release } = await startHeld();
    const a = await connect(server);
    const { session } = await next(a, 'hello');
    a.ws.send(JSON.stringify(RUN));
    await loading;
    // The same tab reloaded: the new socket takes the session over.
    const b = await connect(server, session);
    const h = await next(b, 'hello');
    expect(h.running).toBe('termtest');
    expect(await a.closed).toBe(4001);
    release();
    expect(await next(b, 'step')).toMatchObject({ stepId: 'say-hello', status: 'running' });
    expect(await next(b, 'run-end')).toMatchObject({ ok: true, cancelled: false });
    b.ws.close();
  });

  it('a Stop sent while the run starts stops it before any step runs', { timeout: 30_000 }, async () => {
    const { server, loading, release } = await startHeld();
    const a = await connect(server);
    await next(a, 'hello');
    a.ws.send(JSON.stringify(RUN));
    await loading;
    a.ws.send(JSON.stringify({ type: 'cancel' }));
    // The server handles a socket's messages in order: the answer to this second run (busy) comes
    // after the cancel was handled, so the release below comes after it too.
    a.ws.send(JSON.stringify(RUN));
    expect(await next(a, 'error')).toMatchObject({ code: 'busy' });
    release();
    await expect.poll(() => a.inbox.some((m) => m.type === 'run-end'), { timeout: 15_000 }).toBe(true);
    expect(a.inbox.filter((m) => m.type === 'step')).toEqual([]);
    expect(await next(a, 'run-end')).toMatchObject({ ok: false, cancelled: true });
    // The session goes on: the next run runs.
    a.ws.send(JSON.stringify(RUN));
    expect(await next(a, 'run-end')).toMatchObject({ ok: true });
    a.ws.close();
  });
});

describe('ui server: a page whose session another page of the tab took over', () => {
  it('its messages still on the way reach nothing: a run it sends after the takeover is not run', { timeout: 30_000 }, async () => {
    tmp = mkdtempSync(join(tmpdir(), 'cgr-takeover-'));
    writeFileSync(join(tmp, 'index.html'), '<!doctype html><title>site</title>');
    ui = await startUiServer({
      siteDir: tmp,
      loadGuide: (id) => getGuide(id, fixtureContent),
      shell: { file: 'bash', args: ['--norc', '--noprofile'] },
      cwd: tmp,
      env: { PATH: process.env.PATH, HOME: tmp, PS1: '$ ' },
      services: {},
      log: () => {},
    });
    const a = await connect(ui);
    const { session } = await next(a, 'hello');
    // The old page has not read the server's close (4001) yet: its socket still sends.
    a.ws.pause();
    const b = await connect(ui, session);
    await next(b, 'hello');
    a.ws.send(JSON.stringify(RUN));
    // The old page reads the close and answers it; the server ends that socket after its close
    // frame, which follows the run on the same connection: once it is closed, the run was handled.
    a.ws.resume();
    expect(await a.closed).toBe(4001);
    // The new page's own run is the only one: not refused as busy.
    b.ws.send(JSON.stringify(RUN));
    await expect.poll(() => b.inbox.some((m) => m.type === 'run-end'), { timeout: 15_000 }).toBe(true);
    expect(b.inbox.filter((m) => m.type === 'error')).toEqual([]);
    expect(b.inbox.filter((m) => m.type === 'run-end')).toHaveLength(1);
    b.ws.close();
  });
});
