// Every page type of the site as readers get it (served by `cgr-playbook ui`): axe-core finds no
// violation in light and dark theme, the Content-Security-Policy blocks nothing the site needs,
// Starlight's search reads and lands right, the home page leads somewhere, the authoring
// reference is readable, and a page without JavaScript says what its inputs cannot do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildSite, launch, makeTemp, root, serve, type Served } from './site-harness.ts';

const tmp = makeTemp('cgr-site-pages-');
let server: Served;
let ctx: BrowserContext;
const problems: string[] = [];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const guideIds = readdirSync(join(root, 'content'))
  .filter((n) => n.endsWith('.mdx'))
  .map((n) => /^id:\s*(\S+)/m.exec(readFileSync(join(root, 'content', n), 'utf8'))?.[1] ?? n.slice(0, -4));
/** One of each page type: home, authoring, every guide, the 404 page (and the search dialog, open). */
const pages = ['/', '/authoring/', ...guideIds.map((id) => `/guides/${id}/`), '/no-such-page/'];

/** A fresh tab; CSP violations, page errors and failed requests (but the expected 404) are collected. */
async function open(path: string, theme?: 'light' | 'dark'): Promise<Page> {
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !(path === '/no-such-page/' && /404/.test(m.text()))) problems.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP blocked ${e.violatedDirective}: ${e.blockedURI}`));
  });
  if (theme) await page.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
  await page.goto(server.url + path, { waitUntil: 'networkidle' });
  return page;
}

/** axe-core's violations on the page, experimental Label in Name check included. Injected over the
 * DevTools protocol, so the page's CSP stays as readers get it. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { rules: { 'label-content-name-mismatch': { enabled: true } } });
    return r.violations.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

beforeAll(async () => {
  buildSite(join(tmp, 'site'));
  server = await serve(join(tmp, 'site'));
  ctx = await launch(join(tmp, 'profile'));
}, 180_000);

afterAll(async () => {
  await ctx?.close();
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('accessibility (axe-core)', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`finds no violation on any page type, ${theme} theme`, { timeout: 120_000 }, async () => {
      const found: string[] = [];
      for (const path of pages) {
        const page = await open(path, theme);
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
        for (const v of await axeViolations(page)) found.push(`${path}: ${v}`);
        if (path.startsWith('/guides/')) {
          // The other path shows other steps and fields.
          await page.locator('input[name="cgr-path"]').last().check();
          for (const v of await axeViolations(page)) found.push(`${path} (second path): ${v}`);
        }
        await page.close();
      }
      // The search dialog, open with results.
      const page = await open('/guides/nexus/', theme);
      await page.locator('site-search button[data-open-modal]').click();
      await page.locator('#starlight__search input').fill('pull token');
      await page.locator('.pagefind-ui__result-nested .pagefind-ui__result-link').first().waitFor({ timeout: 15_000 });
      for (const v of await axeViolations(page)) found.push(`search dialog: ${v}`);
      await page.close();
      expect(found).toEqual([]);
    });
  }

  it('finds no violation at a phone’s width, menu open too', { timeout: 90_000 }, async () => {
    const found: string[] = [];
    for (const path of pages) {
      const page = await open(path);
      await page.setViewportSize({ width: 390, height: 844 });
      for (const v of await axeViolations(page)) found.push(`${path}: ${v}`);
      if (path === '/authoring/') {
        await page.locator('button[popovertarget="starlight__sidebar"]').click();
        await expect.poll(() => page.locator('#starlight__sidebar').isVisible()).toBe(true);
        for (const v of await axeViolations(page)) found.push(`${path} (menu open): ${v}`);
      }
      await page.close();
    }
    expect(found).toEqual([]);
  });

  it('names the search button with what it shows (label and shortcut)', async () => {
    const page = await open('/');
    const button = page.locator('site-search button[data-open-modal]');
    const shown = (await button.innerText()).replace(/\s+/g, ' ').trim();
    expect(shown).toMatch(/^Search (Ctrl|⌘) K$/);
    expect(await button.getAttribute('aria-label')).toBe(shown);
    await page.close();
  });
});

describe('Content-Security-Policy', () => {
  it('is sent with every page, and the site works under it (no violation, search included)', { timeout: 90_000 }, async () => {
    for (const path of pages) {
      const page = await ctx.newPage();
      const res = await page.goto(server.url + path);
      const csp = res?.headers()['content-security-policy'] ?? '';
      expect(csp, path).toMatch(/script-src 'self'[^;]* 'sha256-/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      await page.close();
    }
    const page = await open('/guides/nexus/');
    await page.locator('site-search button[data-open-modal]').click();
    await page.locator('#starlight__search input').fill('proxy');
    await page.locator('.pagefind-ui__result-link').first().waitFor({ timeout: 15_000 });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('blocks a script injected into the page', async () => {
    const page = await open('/guides/nexus/');
    const ran = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const s = document.createElement('script');
          s.textContent = 'window.__injected = true';
          document.head.append(s);
          setTimeout(() => resolve((window as unknown as { __injected?: boolean }).__injected === true), 100);
        }),
    );
    expect(ran).toBe(false);
    await page.close();
    problems.length = 0;
  });
});

describe('search (Starlight with Pagefind)', () => {
  it('reads a step result as its title, and a step of the other path switches the path', async () => {
    const page = await open('/');
    await page.locator('site-search button[data-open-modal]').click();
    await page.locator('#starlight__search input').fill('pull token');
    const link = page.locator('.pagefind-ui__result-nested a[href*="/guides/nexus/#create-pull-token"]').first();
    await link.waitFor({ timeout: 15_000 });
    const titles = await page.locator('.pagefind-ui__result-nested .pagefind-ui__result-link').allInnerTexts();
    expect(titles.length).toBeGreaterThan(0);
    for (const t of titles) expect(t).not.toMatch(/Step \d+:/);
    await link.click();
    await page.waitForURL(/\/guides\/nexus\/#create-pull-token/);
    const step = page.locator('[data-step-id="create-pull-token"]');
    await expect.poll(() => step.isVisible()).toBe(true);
    expect(await page.locator('#cgr-path-production').isChecked()).toBe(true);
    await expect.poll(() => step.evaluate((el) => el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().top < innerHeight)).toBe(true);
    // And back: a link to a Developer-only step from the Production path.
    await page.evaluate(() => (location.hash = '#pull-developer'));
    await expect.poll(() => page.locator('[data-step-id="pull-developer"]').isVisible()).toBe(true);
    expect(await page.locator('#cgr-path-developer').isChecked()).toBe(true);
    await page.close();
  });
});

describe('site pages', () => {
  it('home: a call to action in the hero, and links to the sources beyond this site', async () => {
    const page = await open('/');
    const actions = page.locator('.hero .actions a');
    expect(await actions.count()).toBeGreaterThan(0);
    await actions.first().click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#pick-your-registry-manager');
    const external = await page.locator('main a[href^="https://"]').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).hostname));
    expect(external).toEqual(expect.arrayContaining(['edu.chainguard.dev', 'help.sonatype.com', 'jfrog.com', 'help.cloudsmith.io', 'distribution.github.io']));
    await page.close();
  });

  it('authoring: the reference tables give descriptions room and never scroll sideways', async () => {
    const page = await open('/authoring/');
    const tables = page.locator('table.cgr-prop-table');
    expect(await tables.count()).toBeGreaterThanOrEqual(12);
    const report = await tables.evaluateAll((ts) =>
      ts.map((t) => {
        const table = t as HTMLTableElement;
        const desc = table.querySelector('thead th:last-child')!.getBoundingClientRect().width;
        return { caption: table.caption?.textContent ?? '', scrolls: table.scrollWidth > table.clientWidth + 1, share: desc / table.getBoundingClientRect().width, width: table.getBoundingClientRect().width };
      }),
    );
    const main = await page.locator('.sl-markdown-content').evaluate((m) => m.getBoundingClientRect().width);
    for (const r of report) {
      expect(r.scrolls, r.caption).toBe(false);
      expect(r.share, r.caption).toBeGreaterThan(0.3);
      expect(r.width, r.caption).toBeLessThanOrEqual(main + 1);
    }
    await page.close();
  });

  it('uses no emoji that needs an emoji font (a reader without one sees a box)', { timeout: 90_000 }, async () => {
    const found: string[] = [];
    for (const path of pages) {
      const page = await open(path);
      const text = await page.evaluate(() => document.body.innerText + ' ' + [...document.querySelectorAll('[aria-label],[title],[alt]')].map((e) => `${e.getAttribute('aria-label') ?? ''} ${e.getAttribute('title') ?? ''} ${e.getAttribute('alt') ?? ''}`).join(' '));
      for (const m of text.matchAll(/\p{Emoji_Presentation}/gu)) found.push(`${path}: ${m[0]} in “${text.slice(Math.max(0, m.index - 30), m.index + 30).replace(/\s+/g, ' ')}”`);
      await page.close();
    }
    expect(found).toEqual([]);
  });
});

describe('without JavaScript', () => {
  it('says next to the values that typing them changes nothing, and shows no such note with JavaScript', async () => {
    const noJs = await launch(join(tmp, 'profile-nojs'), { javaScriptEnabled: false });
    try {
      const page = await noJs.newPage();
      await page.goto(`${server.url}/guides/nexus/`);
      const note = page.locator('[data-noscript-note]');
      await expect(note.isVisible()).resolves.toBe(true);
      expect(await note.innerText()).toMatch(/JavaScript is off.*does not change the commands/s);
      // It sits right before the first input of Your values.
      const next = await note.evaluate((n) => n.parentElement?.nextElementSibling?.querySelector('input, select')?.id ?? n.nextElementSibling?.querySelector('input, select')?.id);
      expect(next).toMatch(/^cgr-input-/);
    } finally {
      await noJs.close();
    }
    const page = await open('/guides/nexus/');
    expect(await page.locator('[data-noscript-note]').count()).toBe(0);
    await page.close();
  });
});
