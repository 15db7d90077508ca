// The order of the page runner's socket events, forced one by one. The terminal socket is played by
// the test (playwright's routeWebSocket, never connected to a server): it holds the socket while
// it connects, holds the session's hello, closes the socket during a run, and records what the
// page sends in the order it arrives. Each test waits for an observable state of the page before
// its next move, so the interleaving it checks is the same on every run, however loaded the
// machine. The served page is the fixture site through the real `ui` server (its runner meta tag).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { getGuide } from '../../playbooks/guides.ts';
import type { UiServer } from '../../playbooks/server/server.ts';
import type { ServerMessage } from '../../playbooks/server/protocol.ts';
import { badge, buildFixtureSite, fixtureContent, launchChromium, startTestUi, terminalText } from './terminal-helpers.ts';

let tmp: string;
let ui: UiServer;
let browser: BrowserContext;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cgr-hello-order-'));
  const site = await buildFixtureSite(join(tmp, 'site'), [await getGuide('termtest', fixtureContent)]);
  ui = await startTestUi(tmp, site, (id) => getGuide(id, fixtureContent));
  browser = await launchChromium(tmp);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const GUIDE = 'termtest';
/** Steps "Run all from here" on before-confirm covers, in page order. */
const FROM_BEFORE_CONFIRM = ['before-confirm', 'enter-settings', 'by-hand', 'after-confirm'];

/** One socket the page opened, as the test's stand-in server sees it. */
interface FakeSocket {
  route: WebSocketRoute;
  /** What the page sent (JSON control messages), in arrival order. */
  fromPage: { type: string; stepId?: string }[];
  /** Both directions in order: `page:<type>` and `server:<type>`. */
  log: string[];
  send(msg: ServerMessage): void;
  /** Lets a socket held while connecting open (its handler returns); `first` is sent as it opens. */
  release(first?: ServerMessage): void;
}

/** Plays the runner's socket for page `p`: every socket the page opens, held connecting while `holdNext` is set. */
async function fakeRunner(p: Page) {
  const sockets: FakeSocket[] = [];
  const state = { holdNext: false };
  await p.routeWebSocket(/\/__cgr\/terminal(\?|$)/, async (route) => {
    let release!: (first?: ServerMessage) => void;
    const held = state.holdNext ? new Promise<ServerMessage | undefined>((r) => (release = r)) : undefined;
    const s: FakeSocket = {
      route,
      fromPage: [],
      log: [],
      send(msg) {
        s.log.push(`server:${msg.type}`);
        route.send(JSON.stringify(msg));
      },
      release: (first) => release(first),
    };
    route.onMessage((m) => {
      if (typeof m !== 'string') return;
      const msg = JSON.parse(m) as { type: string; stepId?: string };
      if (msg.type === 'resize' || msg.type === 'ack') return;
      s.fromPage.push(msg);
      s.log.push(`page:${msg.type}`);
    });
    sockets.push(s);
    // Until this handler returns, the page's socket stays CONNECTING (readyState 0).
    if (held) {
      const first = await held;
      if (first) s.send(first);
    }
  });
  return { sockets, state };
}

const hello = (steps: { stepId: string; status: 'running' | 'passed' | 'failed' | 'skipped'; summary?: string }[], extra: { running?: string; resumed?: boolean } = {}): ServerMessage => ({
  type: 'hello',
  session: 'fake-session',
  resumed: extra.resumed ?? true,
  ackEvery: 32 * 1024,
  ...(extra.running ? { running: extra.running } : {}),
  steps: steps.map((s) => ({ type: 'step', guideId: GUIDE, ...s })),
});

/** What an earlier run of the session left: a failure at before-confirm, the steps after it skipped. */
const STALE = hello([
  { stepId: 'say-hello', status: 'passed', summary: 'ok' },
  { stepId: 'before-confirm', status: 'failed', summary: 'exit 1' },
  { stepId: 'after-confirm', status: 'skipped', summary: 'not run: step before-confirm failed' },
]);

async function openGuide(p: Page): Promise<void> {
  await p.goto(`http://127.0.0.1:${ui.port}/guides/${GUIDE}/#token=${'ab'.repeat(16)}`);
  await p.locator('[data-step-id="before-confirm"] [data-run-from]').waitFor({ timeout: 15_000 });
}

const statuses = (p: Page, ids: string[]) => Promise.all(ids.map((id) => badge(p, id).getAttribute('data-status')));
const panel = (p: Page) => p.locator('[data-cgr-terminal]');

/** A fresh page on the guide, with the fake runner in place of the server; closed afterwards. */
async function onGuidePage(test: (p: Page, fake: Awaited<ReturnType<typeof fakeRunner>>) => Promise<void>): Promise<void> {
  const p = await browser.newPage();
  try {
    const fake = await fakeRunner(p);
    await openGuide(p);
    await test(p, fake);
  } finally {
    await p.close();
  }
}

/** Presses "Run all from here" on before-confirm while the page's socket is held connecting; returns
 * that socket once the page shows the run as queued. */
async function runWhileConnecting(p: Page, fake: Awaited<ReturnType<typeof fakeRunner>>) {
  fake.state.holdNext = true;
  await p.click('[data-step-id="before-confirm"] [data-run-from]');
  await expect.poll(() => fake.sockets.length, { timeout: 15_000 }).toBe(1);
  await panel(p).and(p.locator('[data-run-queued="before-confirm"]')).waitFor({ state: 'attached', timeout: 15_000 });
  return fake.sockets[0]!;
}

describe('page runner: the session\'s hello is handled before anything the reader asked for', () => {
  it('a run asked for while the socket connects starts after the hello, and the hello\'s older states do not land over the badges it reset', { timeout: 60_000 }, () =>
    onGuidePage(async (p, fake) => {
      const s = await runWhileConnecting(p, fake);
      expect(s.fromPage).toEqual([]);
      // The socket opens and the session's hello arrives in the same task.
      s.release(STALE);
      await expect.poll(() => s.fromPage.length, { timeout: 15_000 }).toBe(1);
      expect(s.fromPage[0]).toMatchObject({ type: 'run-from', stepId: 'before-confirm' });
      expect(s.log).toEqual(['server:hello', 'page:run-from']);
      // The hello was handled (the earlier step keeps its verdict); the run's steps are fresh.
      expect(await badge(p, 'say-hello').getAttribute('data-status')).toBe('passed');
      expect(await statuses(p, FROM_BEFORE_CONFIRM)).toEqual([null, null, null, null]);
      expect(await p.locator('[data-run-queued]').count()).toBe(0);
    }));

  it('a run asked for once the socket is open but before the hello waits for the hello', { timeout: 60_000 }, () =>
    onGuidePage(async (p, fake) => {
      await p.click('[data-cgr-terminal-toggle]');
      await expect.poll(() => fake.sockets.length, { timeout: 15_000 }).toBe(1);
      const s = fake.sockets[0]!;
      // Output on the socket shows it is open on the page's side; the hello is not sent yet.
      await s.route.send(Buffer.from('term$ '));
      await expect.poll(() => terminalText(p), { timeout: 15_000 }).toContain('term$');
      await p.click('[data-step-id="before-confirm"] [data-run-from]');
      // Either the page queues the run (right) or sends it before the hello (the race).
      await expect
        .poll(async () => s.fromPage.length > 0 || (await p.locator('[data-cgr-terminal][data-run-queued]').count()) > 0, { timeout: 15_000 })
        .toBe(true);
      s.send(STALE);
      await expect.poll(() => s.fromPage.length, { timeout: 15_000 }).toBe(1);
      expect(s.log).toEqual(['server:hello', 'page:run-from']);
      expect(await badge(p, 'say-hello').getAttribute('data-status')).toBe('passed');
      expect(await statuses(p, FROM_BEFORE_CONFIRM)).toEqual([null, null, null, null]);
    }));

  it('a run asked for while connecting is not sent when the hello says the session\'s run is still going on; Stop stops that run', { timeout: 60_000 }, () =>
    onGuidePage(async (p, fake) => {
      const s = await runWhileConnecting(p, fake);
      s.release(hello([{ stepId: 'say-hello', status: 'running' }], { running: GUIDE }));
      await expect.poll(() => badge(p, 'say-hello').getAttribute('data-status'), { timeout: 15_000 }).toBe('running');
      // Stop works on the run going on; the page's messages arrive in order, so once the cancel is
      // here, a run the page sent after the hello would be here too.
      await p.locator('[data-cgr-stop]:not([disabled])').click({ timeout: 15_000 });
      await expect.poll(() => s.fromPage.length, { timeout: 15_000 }).toBeGreaterThan(0);
      expect(s.fromPage.map((m) => m.type)).toEqual(['cancel']);
      expect(await p.locator('[data-cgr-terminal-state]').textContent()).toContain('a run is going on');
    }));

  it('a reconnect after the run ended while the page was away: the Run buttons work again, its question is gone, its verdicts come back', { timeout: 60_000 }, () =>
    onGuidePage(async (p, fake) => {
      await p.click('[data-cgr-terminal-toggle]');
      await expect.poll(() => fake.sockets.length, { timeout: 15_000 }).toBe(1);
      const first = fake.sockets[0]!;
      first.send(hello([], { resumed: false }));
      await panel(p).and(p.locator('[data-connected]')).waitFor({ state: 'attached', timeout: 15_000 });
      await p.click('[data-step-id="before-confirm"] [data-run-from]');
      await expect.poll(() => first.fromPage.map((m) => m.type), { timeout: 15_000 }).toEqual(['run-from']);
      first.send({ type: 'step', guideId: GUIDE, stepId: 'before-confirm', status: 'passed', summary: 'ok' });
      first.send({ type: 'confirm', guideId: GUIDE, stepId: 'enter-settings', id: 1, message: 'Did you enter the settings?' });
      await p.locator('[data-confirm="1"]').waitFor({ timeout: 15_000 });
      expect(await p.locator('[data-run-from="say-hello"]').getAttribute('aria-disabled')).toBe('true');
      // The socket drops; the page reconnects to the session, whose run ended meanwhile (its run-end
      // went nowhere): the hello says so.
      await first.route.close({ code: 4000, reason: 'gone' });
      await expect.poll(() => fake.sockets.length, { timeout: 15_000 }).toBe(2);
      const second = fake.sockets[1]!;
      second.send(
        hello([
          { stepId: 'before-confirm', status: 'passed', summary: 'ok' },
          { stepId: 'enter-settings', status: 'skipped', summary: 'skipped by the reader' },
          { stepId: 'by-hand', status: 'passed', summary: 'done' },
          { stepId: 'after-confirm', status: 'passed', summary: 'ok' },
        ]),
      );
      await expect.poll(() => badge(p, 'after-confirm').getAttribute('data-status'), { timeout: 15_000 }).toBe('passed');
      expect(await p.locator('[data-confirm]').count()).toBe(0);
      expect(await p.locator('[data-run-from="say-hello"]').getAttribute('aria-disabled')).toBe('false');
      expect(await p.locator('[data-cgr-stop]').isDisabled()).toBe(true);
      await p.click('[data-step-id="say-hello"] [data-run-step]');
      await expect.poll(() => second.fromPage.map((m) => `${m.type} ${m.stepId}`), { timeout: 15_000 }).toEqual(['run say-hello']);
    }));
});

describe('page runner: a connection closed for good', () => {
  it('a run asked for after the shell ended opens a new session and runs there, instead of waiting forever', { timeout: 60_000 }, () =>
    onGuidePage(async (p, fake) => {
      await p.click('[data-cgr-terminal-toggle]');
      await expect.poll(() => fake.sockets.length, { timeout: 15_000 }).toBe(1);
      const first = fake.sockets[0]!;
      first.send(hello([], { resumed: false }));
      await panel(p).and(p.locator('[data-connected]')).waitFor({ state: 'attached', timeout: 15_000 });
      // The reader typed `exit`: the server says so and closes the socket as a session's end.
      first.send({ type: 'exit', code: 0 });
      await first.route.close({ code: 1000, reason: 'session ended' });
      await expect.poll(() => p.locator('[data-cgr-terminal-state]').textContent(), { timeout: 15_000 }).toContain('the shell ended');
      expect(await p.evaluate(() => sessionStorage.getItem('cgr-runner-session'))).toBeNull();
      await p.click('[data-step-id="say-hello"] [data-run-step]');
      await expect.poll(() => fake.sockets.length, { timeout: 15_000 }).toBe(2);
      const second = fake.sockets[1]!;
      await panel(p).and(p.locator('[data-run-queued="say-hello"]')).waitFor({ state: 'attached', timeout: 15_000 });
      second.send(hello([], { resumed: false }));
      await expect.poll(() => second.fromPage.map((m) => `${m.type} ${m.stepId}`), { timeout: 15_000 }).toEqual(['run say-hello']);
      expect(first.fromPage).toEqual([]);
    }));
});
