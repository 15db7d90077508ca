// The real thing: the Astro site built into the test's temp dir, served by the `cgr-playbook ui`
// CLI process, and the Nexus guide page in chromium: the token leaves the address bar, Run on
// "Nexus answers" runs the guide's curl against a loopback stand-in and the badge turns passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { buildSite, launch, makeTemp, serve, type Served } from './site-harness.ts';
import { startNexusEmulator } from '../../playbooks/emulators/index.ts';
import { closedPort } from '../adapters/support.ts';

let tmp: string;
let served: Served;
let url: string;
let stub: Server;
let stubUrl: string;
let browser: BrowserContext;

beforeAll(async () => {
  tmp = makeTemp('cgr-term-site-');
  buildSite(join(tmp, 'site'));
  stub = createServer((req, res) => res.writeHead(req.url === '/service/rest/v1/status/writable' ? 200 : 404).end());
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as { port: number }).port}`;
  served = await serve(join(tmp, 'site'), tmp);
  url = served.tokenUrl;
  browser = await launch(join(tmp, 'profile'));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await new Promise((r) => stub?.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('cgr-playbook ui with the built site', () => {
  it('runs a Nexus guide step from the page and shows its verdict', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The page runs under the server's Content-Security-Policy: nothing the terminal needs is blocked.
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP blocked ${e.violatedDirective}: ${e.blockedURI}`)));
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().startsWith('CSP blocked')) errors.push(m.text());
    });
    const base = new URL(url);
    const first = await page.goto(url);
    expect(first?.headers()['content-security-policy']).toContain(`connect-src 'self' ws://${base.host}`);
    await expect.poll(() => page.evaluate(() => location.hash), { timeout: 15_000 }).toBe('');
    await page.goto(`${base.origin}/guides/nexus/`);
    expect(await page.locator('[data-runner-note]').isHidden()).toBe(true);
    await page.getByLabel('Nexus web address', { exact: true }).fill(stubUrl);
    // The shell's first prompt and the step's output share the terminal: let the prompt come first.
    await page.click('[data-cgr-terminal-toggle]');
    await expect.poll(() => page.evaluate(() => (window as unknown as { cgrTerminal?: { text(): string } }).cgrTerminal?.text().trim() ?? ''), { timeout: 15_000 }).toMatch(/[#$]$/);
    await page.click('[data-step-id="nexus-up"] [data-run-step]');
    await expect.poll(() => page.locator('[data-step-id="nexus-up"] [data-step-status]').getAttribute('data-status'), { timeout: 30_000 }).toBe('passed');
    // xterm parses what it is given asynchronously: the badge can change before the text shows.
    await expect.poll(() => page.evaluate(() => (window as unknown as { cgrTerminal: { text(): string } }).cgrTerminal.text()), { timeout: 10_000 }).toMatch(/^200$/m);
    expect(errors).toEqual([]);
    // The CLI's log names what happened, never the token.
    expect(served.log()).toContain('terminal session started');
    expect(served.log()).not.toContain(base.hash.slice('#token='.length));
  });

  it('gives adapter-backed fields steps an Apply button that applies them through the API (Nexus emulator)', { timeout: 60_000 }, async () => {
    const password = 'site-apply-admin-pw-3391';
    const nexus = await startNexusEmulator({ adminPassword: password, eulaAccepted: true });
    try {
      const page = await browser.newPage();
      const base = new URL(url);
      // A new tab: it gets the token from the printed address, like the reader's first tab.
      await page.goto(`${base.origin}/guides/nexus/${base.hash}`);
      expect(await page.locator('[data-step-id="create-proxy"]').getAttribute('data-step-apply')).toBe('nexus.docker-proxy');
      await expect.poll(() => page.locator('[data-step-id="create-proxy"] [data-apply-step]').count(), { timeout: 15_000 }).toBe(1);
      expect(await page.locator('[data-step-id="nexus-up"] [data-apply-step]').count()).toBe(0);
      const port = await closedPort();
      await page.fill('#cgr-input-nexusUrl', nexus.url);
      await page.fill('#cgr-input-nexusPassword', password);
      await page.fill('#cgr-input-repoName', 'cg-site');
      await page.fill('#cgr-input-repoPort', String(port));
      await page.click('[data-step-id="create-proxy"] [data-apply-step]');
      const status = page.locator('[data-step-id="create-proxy"] [data-step-status]');
      await expect.poll(async () => `${await status.getAttribute('data-status')} (${await page.locator('[data-cgr-terminal-state]').textContent()})`, { timeout: 20_000 }).toMatch(/^(passed|failed|skipped) /);
      // xterm parses asynchronously: wait for the verdict line before reading the text.
      const read = () => page.evaluate(() => (window as unknown as { cgrTerminal: { text(): string } }).cgrTerminal.text());
      await expect.poll(read, { timeout: 10_000 }).toMatch(/[✔✘–] (passed|failed|skipped)/);
      const text = await read();
      expect(await status.getAttribute('data-status'), `${await status.getAttribute('title')}\n${text}`).toBe('passed');
      expect(text).not.toContain(password);
      expect(nexus.repository('cg-site')?.docker.httpPort).toBe(port);
      expect(nexus.repository('cg-site')?.proxy.remoteUrl).toBe('https://cgr.dev/');
      expect(served.log()).not.toContain(password);
      await page.close();
    } finally {
      await nexus.stop();
    }
  });
});
