// What a page sends while the server is still making room for its session (ending the idle session
// of a page that left, which can take the stop's grace periods) reaches the new session, in order.
// It used to be dropped: the socket's message handler was attached only once the session existed.
// The window is held open by an idle shell that ignores SIGHUP and SIGTERM, so ending it waits
// for the grace periods and then SIGKILL; nothing here races a timer.
import { describe, expect, it } from 'vitest';
import type { UiServer } from '../../playbooks/server/server.ts';
import { pageSocket, uiServers } from './ui-harness.ts';

const servers = uiServers('cgr-ui-admit-');

/** A server with room for one session, taken by an idle one that takes the stop's grace periods to end. */
async function serverWithIdleSession(): Promise<UiServer> {
  const server = await servers.start({ maxClients: 4, maxSessions: 1, graceMs: 60_000 });
  // The first page's shell ignores the polite signals, then the page leaves: its session stays, idle.
  const first = pageSocket(server);
  expect(await first.opened).toBe(101);
  await expect.poll(() => first.inbox.some((m) => m.type === 'hello'), { timeout: 10_000 }).toBe(true);
  first.ws.send(Buffer.from(`trap '' HUP TERM; echo IGNORING$((6*7))\r`), { binary: true });
  await expect.poll(() => first.screen.includes('IGNORING42'), { timeout: 10_000 }).toBe(true);
  first.ws.close();
  await expect.poll(() => [...server.sessions.values()].some((s) => !s.attached), { timeout: 10_000 }).toBe(true);
  return server;
}

describe('a page admitted while an idle session is ended to make room', () => {
  it('keeps what it typed before its session existed, in order', async () => {
    const ui = await serverWithIdleSession();
    // The second page types as soon as its socket is open, while the first session is being ended.
    const second = pageSocket(ui);
    expect(await second.opened).toBe(101);
    second.ws.send(Buffer.from('echo EARLY$((6*'), { binary: true });
    second.ws.send(Buffer.from('7))\r'), { binary: true });
    const helloAt = () => second.inbox.findIndex((m) => m.type === 'hello');
    await expect.poll(helloAt, { timeout: 15_000 }).toBeGreaterThanOrEqual(0);
    await expect.poll(() => second.screen.includes('EARLY42'), { timeout: 15_000 }).toBe(true);
    second.ws.close();
  }, 40_000);

  it('is closed (1008), not buffered without end, when it sends too much before its session exists', async () => {
    const ui = await serverWithIdleSession();
    const page = pageSocket(ui);
    expect(await page.opened).toBe(101);
    for (let i = 0; i < 300; i++) page.ws.send(Buffer.from('x'), { binary: true });
    expect(await page.closed).toBe(1008);
    expect(page.inbox.some((m) => m.type === 'hello')).toBe(false);
  }, 40_000);
});
