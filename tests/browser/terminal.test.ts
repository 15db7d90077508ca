// The terminal in the page, end to end: real server, real ptys, real chromium. Run buttons run
// steps taken from the server's copy of the guide; badges follow the runner's verdicts; typing
// reaches the shell; a reload reattaches to the same pty and replays the screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { getGuide } from '../../playbooks/guides.ts';
import type { UiServer } from '../../playbooks/server/server.ts';
import { badge, buildFixtureSite, fixtureContent, launchChromium, openTerminal, repoRoot, startTestUi, terminalText, waitForText } from './terminal-helpers.ts';

let tmp: string;
let ui: UiServer;
let stub: Server;
let stubUrl: string;
let browser: BrowserContext;
let page: Page;

const loadGuide = (id: string) => getGuide(id, id === 'termtest' || id === 'asktest' ? fixtureContent : join(repoRoot, 'content'));


beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cgr-term-e2e-'));
  // A stand-in for Nexus's status endpoint: real HTTP on loopback, answering 200.
  stub = createServer((req, res) => res.writeHead(req.url === '/service/rest/v1/status/writable' ? 200 : 404).end());
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as { port: number }).port}`;
  const site = await buildFixtureSite(join(tmp, 'site'), [await loadGuide('nexus'), await loadGuide('termtest'), await loadGuide('asktest')]);
  ui = await startTestUi(tmp, site, loadGuide);
  browser = await launchChromium(tmp);
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await new Promise((r) => stub?.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('terminal in the page', () => {
  it('takes the token out of the address bar, runs a Nexus step and marks it passed', async () => {
    const token = new URL(ui.url).hash.slice('#token='.length);
    await page.goto(`http://127.0.0.1:${ui.port}/guides/nexus/#token=${token}`);
    await expect.poll(() => page.evaluate(() => location.href), { timeout: 15_000 }).toBe(`http://127.0.0.1:${ui.port}/guides/nexus/`);
    expect(await page.evaluate(() => sessionStorage.getItem('cgr-runner-token'))).toBe(token);
    // Only command and verify steps get Run buttons (added once the runner UI has loaded).
    await page.locator('[data-step-id="nexus-up"] [data-run-step]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-step-id="nexus-up"] [data-run-step]').count()).toBe(1);
    expect(await page.locator('[data-step-kind="fields"] [data-run-step]').count()).toBe(0);
    await page.fill('input[data-field-id="nexusUrl"]', stubUrl);
    await page.click('[data-step-id="nexus-up"] [data-run-step]');
    await expect.poll(() => badge(page, 'nexus-up').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    const text = await waitForText(page, /^200$/m);
    expect(text).toContain('Nexus answers and is writable');
    expect(text).toContain('✔ passed');
  });

  it('marks a failing verify failed', async () => {
    await page.goto(`http://127.0.0.1:${ui.port}/guides/termtest/`);
    await page.click('[data-step-id="always-fails"] [data-run-step]');
    await expect.poll(() => badge(page, 'always-fails').getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    await waitForText(page, 'nope');
    // The failure names what success looks like (the check's success=) and what came back.
    expect(await badge(page, 'always-fails').getAttribute('title')).toContain('expected: The impossible text appears; got: nope');
  });

  it('runs all from a step in order and stops at the first failure', async () => {
    await page.click('[data-step-id="say-hello"] [data-run-from]');
    await expect.poll(() => badge(page, 'always-fails').getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    expect(await badge(page, 'say-hello').getAttribute('data-status')).toBe('passed');
    expect(await badge(page, 'hello-ok').getAttribute('data-status')).toBe('passed');
    expect(await badge(page, 'show-key').getAttribute('data-status')).toBe('skipped');
    // Left out after the failure: counted as skipped by the bar, so badged skipped, with the reason.
    expect(await badge(page, 'after-failure').getAttribute('data-status')).toBe('skipped');
    expect(await badge(page, 'after-failure').getAttribute('title')).toBe('not run: step always-fails failed');
    await waitForText(page, 'greeting: hello');
  });

  it('masks a secret typed in the page in the terminal output', async () => {
    await page.fill('input[data-field-id="apiKey"]', 'sk-very-secret-0042');
    await page.click('[data-step-id="show-key"] [data-run-step]');
    await expect.poll(() => badge(page, 'show-key').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    const text = await waitForText(page, /^key=\*{4,}$/m);
    expect(text).not.toContain('sk-very-secret-0042');
  });

  it('keeps a value a step captured for a later step run on its own, masked', async () => {
    await page.click('[data-step-id="get-token"] [data-run-step]');
    await expect.poll(() => badge(page, 'get-token').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    await page.click('[data-step-id="use-token"] [data-run-step]');
    await expect.poll(() => badge(page, 'use-token').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    // sha256 of the captured token: the second run got it from the session, not from the page.
    const text = await waitForText(page, '89bfe32d846bf5e7ebaddf8344cbe53d81bf820c095d8073dfb8570b4e5fa076');
    expect(text).toMatch(/token: \*{4,}/);
    expect(text).not.toContain('tok-secret-8812');
  });

  it('refuses a value that fails the guide field validation, naming the field', async () => {
    await page.goto(`http://127.0.0.1:${ui.port}/guides/nexus/`);
    await openTerminal(page);
    await page.fill('input[data-field-id="nexusUrl"]', 'not a url; rm -rf /');
    await page.click('[data-step-id="nexus-up"] [data-run-step]');
    await expect.poll(() => page.locator('[data-cgr-terminal-state]').textContent(), { timeout: 15_000 }).toContain('Nexus web address');
    expect(await badge(page, 'nexus-up').getAttribute('data-status')).toBeNull();
    // Said at the step, with a way to the field.
    expect(await page.locator('[data-step-id="nexus-up"] [data-run-error]').textContent()).toContain('Not run: Nexus web address');
    await page.click('[data-step-id="nexus-up"] [data-run-error] [data-go-field="nexusUrl"]');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.fieldId)).toBe('nexusUrl');
  });

  it('sends typing to the shell, and a reload reattaches to the same pty with the screen replayed', async () => {
    await page.goto(`http://127.0.0.1:${ui.port}/guides/termtest/`);
    await openTerminal(page);
    const sessionsBefore = [...ui.sessions.keys()];
    expect(sessionsBefore).toHaveLength(1);
    await page.click('.cgr-term-host');
    await page.keyboard.type('echo typed-$((6*7)); export MARK=kept\n');
    await waitForText(page, /^typed-42$/m);

    // The tab had a terminal: the reloaded page reconnects and shows it without a click.
    await page.reload();
    await expect.poll(() => page.locator('[data-cgr-terminal-state]').textContent(), { timeout: 15_000 }).toContain('session resumed');
    expect(await page.locator('[data-cgr-terminal]').getAttribute('data-open')).toBe('');
    expect([...ui.sessions.keys()]).toEqual(sessionsBefore);
    await waitForText(page, /^typed-42$/m);
    await page.click('.cgr-term-host');
    await page.keyboard.type('echo "mark=$MARK"\n');
    await waitForText(page, /^mark=kept$/m);
  });

  it('streams a few MB of output through the flow control to the end', async () => {
    const file = join(tmp, 'big.txt');
    writeFileSync(file, 'the quick brown fox jumps over the lazy dog 0123456789\n'.repeat(80_000));
    await page.click('.cgr-term-host');
    await page.keyboard.type(`cat ${file}; echo END-$((40+2))\n`);
    await waitForText(page, /^END-42$/m, 60_000);
  }, 90_000);

  it('a run waits in the page at a fields step and a manual step, and goes on with the answers', async () => {
    await page.goto(`http://127.0.0.1:${ui.port}/guides/termtest/`);
    await page.click('[data-step-id="before-confirm"] [data-run-from]');
    const fieldsQuestion = page.locator('[data-confirm-step="enter-settings"]');
    await fieldsQuestion.waitFor({ timeout: 20_000 });
    expect(await fieldsQuestion.textContent()).toContain('enter the values above in the product, then choose Done, continue');
    expect(await badge(page, 'before-confirm').getAttribute('data-status')).toBe('passed');
    expect(await badge(page, 'enter-settings').getAttribute('data-status')).toBe('running');
    expect(await badge(page, 'after-confirm').getAttribute('data-status')).toBeNull();
    // The terminal lists what to enter, with the page's value filled in.
    const listing = await waitForText(page, /Greeting\s+hello/);
    expect(listing).toContain('In Settings › General:');
    expect(await page.locator('[data-cgr-terminal-state]').textContent()).toContain('waiting for you');
    await fieldsQuestion.locator('[data-confirm-yes]').click();
    await expect.poll(() => badge(page, 'enter-settings').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    expect(await badge(page, 'enter-settings').getAttribute('title')).toBe('confirmed by the operator');

    const manualQuestion = page.locator('[data-confirm-step="by-hand"]');
    await manualQuestion.waitFor({ timeout: 20_000 });
    expect(await manualQuestion.textContent()).toContain('Did you do it by hand?');
    await manualQuestion.locator('[data-confirm-no]').click();
    await expect.poll(() => badge(page, 'after-confirm').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    expect(await badge(page, 'by-hand').getAttribute('data-status')).toBe('skipped');
    expect(await badge(page, 'by-hand').getAttribute('title')).toBe('the operator skipped it');
    await waitForText(page, /^after the questions$/m);
    expect(await page.locator('[data-confirm]').count()).toBe(0);
  });

  it('asks again after a reload, and Stop while it waits ends the run', { timeout: 90_000 }, async () => {
    await page.click('[data-step-id="before-confirm"] [data-run-from]');
    await page.locator('[data-confirm-step="enter-settings"]').waitFor({ timeout: 20_000 });
    await page.reload();
    await expect.poll(() => page.locator('[data-cgr-terminal-state]').textContent(), { timeout: 15_000 }).toContain('waiting for you');
    await page.locator('[data-confirm-step="enter-settings"]').waitFor({ timeout: 20_000 });
    // The reloaded page knows the run: its step states came back and Stop is live.
    expect(await badge(page, 'before-confirm').getAttribute('data-status')).toBe('passed');
    expect(await badge(page, 'enter-settings').getAttribute('data-status')).toBe('running');
    expect(await page.locator('[data-step-id="say-hello"] [data-run-step]').isDisabled()).toBe(true);
    await page.click('[data-cgr-stop]');
    await expect.poll(() => page.locator('[data-cgr-terminal-state]').textContent(), { timeout: 15_000 }).toBe('stopped');
    expect(await page.locator('[data-confirm]').count()).toBe(0);
    expect(await badge(page, 'after-confirm').getAttribute('data-status')).toBeNull();
    expect(await page.locator('[data-step-id="say-hello"] [data-run-step]').isDisabled()).toBe(false);
  });

  it('asks the page for values a manual step provides, takes them from its fields, and passes refusals on', async () => {
    await page.goto(`http://127.0.0.1:${ui.port}/guides/asktest/`);
    await page.click('[data-step-id="start"] [data-run-from]');
    const use = page.locator('[data-confirm] [data-ask-use]');
    await use.waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-confirm]').textContent()).toContain('Ticket number is needed');
    // Nothing on the page yet: the box says so and takes the reader to the field.
    await use.click();
    expect(await page.locator('[data-ask-note]').textContent()).toContain('still empty or not valid');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.fieldId)).toBe('ticket');
    // A value the guide refuses comes back with the reason.
    await page.fill('input[data-field-id="ticket"]', 'bad');
    await use.click();
    await expect.poll(() => page.locator('[data-ask-note]').textContent(), { timeout: 20_000 }).toContain('a ticket such as T-42');
    await page.fill('input[data-field-id="ticket"]', 'T-42');
    await page.locator('[data-confirm] [data-ask-use]').click();
    await expect.poll(() => page.locator('[data-confirm]').textContent(), { timeout: 20_000 }).toContain('API token is needed');
    await page.fill('input[data-field-id="apiToken"]', 'tok-ask-secret-9917');
    await page.locator('[data-confirm] [data-ask-use]').click();
    // Then the steps run; the manual step still asks whether it was done.
    const manual = page.locator('[data-confirm-step="get-ticket"]');
    await manual.waitFor({ timeout: 20_000 });
    expect(await badge(page, 'start').getAttribute('data-status')).toBe('passed');
    await manual.locator('[data-confirm-yes]').click();
    await expect.poll(() => badge(page, 'use-ticket').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    const text = await waitForText(page, /^ticket=T-42 token=\*{4,}$/m);
    expect(text).not.toContain('tok-ask-secret-9917');
    expect(await page.locator('[data-confirm]').count()).toBe(0);
  });

  it('a run asked for before the session says hello keeps its fresh badges: the session\'s older states do not land over them', { timeout: 90_000 }, async () => {
    // The race behind a flaky failure under load, forced: Run is pressed while the socket is open
    // but the server's hello (the states of this session's earlier runs) is held by the route.
    // tests/browser/runner-hello-order.test.ts plays every such order against a stand-in server.
    const p = await browser.newPage();
    let hold = false;
    let held: (() => void)[] = [];
    const release = () => {
      hold = false;
      for (const f of held.splice(0)) f();
    };
    try {
      // The page's address carries ?cols=&rows=(&session=): the pattern must allow the query.
      await p.routeWebSocket(/\/__cgr\/terminal(\?|$)/, (ws) => {
        const server = ws.connectToServer();
        server.onMessage((m) => (hold ? held.push(() => ws.send(m)) : ws.send(m)));
        ws.onMessage((m) => server.send(m));
      });
      const token = new URL(ui.url).hash.slice('#token='.length);
      await p.goto(`http://127.0.0.1:${ui.port}/guides/termtest/#token=${token}`);
      // An earlier run of this session stops at a failure: the later steps are badged skipped.
      await p.click('[data-step-id="always-fails"] [data-run-from]');
      await expect.poll(() => badge(p, 'after-confirm').getAttribute('data-status'), { timeout: 20_000 }).toBe('skipped');
      // Reloaded, the page reconnects to the session; its hello is held. A message from the server
      // reaches the route only through the page's socket, so once the hello is held that socket is
      // open on the page's side: the run is asked for between the socket's opening and the hello.
      hold = true;
      await p.reload();
      await expect.poll(() => held.length, { timeout: 20_000 }).toBeGreaterThan(0);
      await p.click('[data-step-id="before-confirm"] [data-run-from]');
      await p.locator('[data-cgr-terminal][data-run-queued="before-confirm"]').waitFor({ state: 'attached', timeout: 20_000 });
      release();
      const question = p.locator('[data-confirm-step="enter-settings"]');
      await question.waitFor({ timeout: 20_000 });
      expect(await badge(p, 'after-confirm').getAttribute('data-status')).toBeNull();
      await p.locator('[data-cgr-stop]').click();
      await expect.poll(() => p.locator('[data-confirm]').count(), { timeout: 20_000 }).toBe(0);
    } finally {
      release();
      await p.close();
    }
  });
});
