// `npm run dev` (scripts/dev.mjs): the site with hot reload for guide authors. Saving a guide
// reloads its page; a guide that fails validation shows its file:line:col problem in the page
// (Astro's error overlay), and fixing it brings the page back. The guides are copies in a temp
// folder (--content), so the test writes nothing in the repository.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { acquireAstroLock, launch, makeTemp, root } from './site-harness.ts';
import { freePort } from '../../playbooks/lab/index.ts';

let dev: ChildProcess | undefined;
let log = '';
let content: string;
let base: string;
let context: BrowserContext;
let page: Page;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; dev server log:\n${log.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let releaseAstro: (() => void) | undefined;

beforeAll(async () => {
  const temp = makeTemp('dev-preview');
  content = join(temp, 'guides');
  await import('node:fs').then((fs) => fs.mkdirSync(content));
  for (const f of readdirSync(join(root, 'content'))) if (f.endsWith('.mdx')) copyFileSync(join(root, 'content', f), join(content, f));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The dev server writes Astro's state in the repo's .astro/ as a build does: not beside a build.
  releaseAstro = acquireAstroLock();
  dev = spawn(process.execPath, [join(root, 'scripts/dev.mjs'), '--content', content, '--port', String(port)], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  dev.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  dev.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor('the dev server', async () => (await fetch(`${base}/guides/nexus/`).then((r) => r.status === 200).catch(() => false)) || undefined, 120_000);
  context = await launch(join(temp, 'profile'));
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (dev?.pid && dev.exitCode === null) {
    const exited = new Promise((r) => dev!.once('exit', r));
    process.kill(-dev.pid, 'SIGTERM');
    await exited;
  }
  releaseAstro?.();
});

/** The text of Astro's error overlay, or undefined while there is none. */
const overlayText = () => page.evaluate(() => document.querySelector('vite-error-overlay')?.shadowRoot?.textContent ?? undefined);

describe('npm run dev', () => {
  it('serves the guides of --content, reloads a page when its guide is saved, shows a broken guide in the page', { timeout: 420_000 }, async () => {
    const file = join(content, 'nexus.mdx');
    const original = readFileSync(file, 'utf8');
    // The page is live once its HMR client is connected and it stopped reloading (the first visit
    // may reload once, when Vite has optimized the page's dependencies).
    let connected = 0;
    let lastNavigation = Date.now();
    page.on('console', (m) => m.text().includes('[vite] connected') && connected++);
    page.on('framenavigated', () => (lastNavigation = Date.now()));
    await page.goto(`${base}/guides/nexus/`);
    await waitFor('the page to settle', () => (connected > 0 && Date.now() - lastNavigation > 3000) || undefined);
    expect(await page.locator('h1#_top').textContent()).toBe('Sonatype Nexus as a pull-through cache for cgr.dev');

    // Live: an edit to the prose shows up without touching the browser.
    writeFileSync(file, original.replace('A Nexus *docker (proxy)* repository fetches', 'EDITED-LIVE: a Nexus *docker (proxy)* repository fetches'));
    await waitFor('the edited text in the page', async () => (await page.content().catch(() => '')).includes('EDITED-LIVE') || undefined);

    // Broken: the overlay names the file, line and column and the problem.
    const broken = original.replace('<Command id="start-nexus" title=', '<Command id="start-nexus" colour="red" title=');
    const line = broken.split('\n').findIndex((l) => l.includes('colour="red"')) + 1;
    writeFileSync(file, broken);
    const text = await waitFor('the error overlay', async () => {
      const t = await overlayText().catch(() => undefined);
      if (t) return t;
      // Astro shows the overlay on the page load that fails: reload as the HMR client does.
      await page.reload().catch(() => {});
      return undefined;
    });
    expect(text).toContain(`nexus.mdx:${line}:27: colour: unknown prop "colour"`);
    expect(text).toContain('npx cgr-playbook validate');

    // Fixed: the page comes back.
    writeFileSync(file, original);
    await waitFor('the page after the fix', async () => {
      await page.reload().catch(() => {});
      return (await overlayText().catch(() => 'x')) === undefined && (await page.locator('h1#_top').textContent().catch(() => '')) === 'Sonatype Nexus as a pull-through cache for cgr.dev' ? true : undefined;
    });
  });
});
