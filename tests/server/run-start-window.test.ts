// A page run from its acceptance to its first step: the server waits for the shell's first prompt
// and loads its copy of the guide before the run's steps exist. A page that comes back in that
// window is told a run is on (hello.running), and a Stop sent in it stops the run before any step
// runs. The window is held open by the test (its guide loader waits for the test), so the order is
// the same on every run.
import { describe, expect, it } from 'vitest';
import { getGuide } from '../../playbooks/guides.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import type { UiServer } from '../../playbooks/server/server.ts';
import { pageSocket, uiServers, type PageSocket } from './ui-harness.ts';
import type { ServerMessage } from '../../playbooks/server/protocol.ts';
import { fixtureContent } from '../browser/terminal-helpers.ts';

const servers = uiServers('cgr-run-window-');

/** A server whose guide loader waits, once asked, until the test lets it go on. */
async function startHeld() {
  let asked!: () => void;
  const loading = new Promise<void>((r) => (asked = r));
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const server = await servers.start({
    loadGuide: async (id): Promise<Guide> => {
      asked();
      await released;
      return getGuide(id, fixtureContent);
    },
  });
  return { server, loading, release };
}

type Client = PageSocket;

async function connect(server: UiServer, session?: string): Promise<Client> {
  const page = pageSocket(server, session);
  expect(await page.opened).toBe(101);
  return page;
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
    const ui = await servers.start();
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
