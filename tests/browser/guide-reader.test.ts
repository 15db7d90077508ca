// What a reader noticed on the built guide pages served by `cgr-playbook ui`: a run never uses a
// value other than the one the page shows; fields are checked when the reader leaves them, not on
// the first key; Copy refuses a command with placeholders and says what is missing; placeholders
// and questions are in the reader's words; step kinds do not look like buttons; "On this page"
// follows a mouse-wheel scroll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildSite, launch, makeTemp, serve, type Served } from './site-harness.ts';

let tmp: string;
let served: Served;
let url: string;
let origin: string;
let browser: BrowserContext;

beforeAll(async () => {
  tmp = makeTemp('cgr-guide-reader-');
  buildSite(join(tmp, 'site'));
  served = await serve(join(tmp, 'site'), tmp);
  url = served.tokenUrl;
  origin = new URL(url).origin;
  browser = await launch(join(tmp, 'profile'));
  await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A guide page in a fresh tab that holds the runner's token (as the printed address gives it). */
async function open(guide: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}/guides/${guide}/${new URL(url).hash}`);
  await page.waitForFunction(() => location.hash === '', undefined, { timeout: 15_000 });
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  return page;
}
const term = (page: Page) => page.evaluate(() => (window as unknown as { cgrTerminal?: { text(): string } }).cgrTerminal?.text() ?? '');

describe('a run uses only the values the page shows', () => {
  it('an invalid "Upstream registry" refuses the run at its step instead of running the default', { timeout: 60_000 }, async () => {
    const page = await open('distribution');
    // A test-lab setting: it sits in the collapsed "Advanced / testing" group.
    const advanced = page.locator('details[data-field-group="advanced"]');
    await advanced.locator('> summary').click();
    const field = page.getByLabel('Upstream registry', { exact: true });
    await field.fill('127.0.0.1:44767');
    await field.press('Tab');
    await expect.poll(() => page.locator('#cgr-field-upstreamUrl [data-field-error]').textContent()).toContain('Upstream registry: expected a URL');
    expect(await page.locator('[data-step-id="upstream-answers"] .cgr-command code').textContent()).toContain('<Upstream registry>/v2/');
    await page.locator('[data-step-id="upstream-answers"] [data-run-from]').click();
    const refusal = page.locator('[data-step-id="upstream-answers"] [data-run-error]');
    await refusal.waitFor({ timeout: 20_000 });
    expect(await refusal.textContent()).toContain('Upstream registry');
    expect(await page.locator('[data-step-id="upstream-answers"] [data-step-status]').getAttribute('data-status')).toBeNull();
    // "Go to" reaches the field even when its group was closed again.
    await advanced.locator('> summary').click();
    expect(await advanced.getAttribute('open')).toBeNull();
    await refusal.locator('[data-go-field="upstreamUrl"]').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cgr-input-upstreamUrl');
    // Nothing ran: the default (the real cgr.dev) was never reached.
    expect(await term(page)).not.toContain('cgr.dev');
    expect(await term(page)).not.toContain('upstream registry answers');
    await page.close();
  });
});

describe('on a phone', () => {
  it('the Terminal button covers no text at any scroll position', { timeout: 60_000 }, async () => {
    const page = await open('nexus');
    await page.setViewportSize({ width: 390, height: 844 });
    const toggle = page.locator('[data-cgr-terminal-toggle]');
    await toggle.waitFor({ timeout: 15_000 });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (const y of [0, height * 0.25, height * 0.5, height * 0.75, height]) {
      const covered = await page.evaluate((top) => {
        window.scrollTo({ top, behavior: 'instant' });
        const b = document.querySelector('[data-cgr-terminal-toggle]')!.getBoundingClientRect();
        const hit = [...document.querySelectorAll('.sl-markdown-content :is(p, li, pre, td, th, label, h2, h3)')].find((e) => {
          const r = e.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top;
        });
        return hit ? `${hit.tagName}: ${hit.textContent?.slice(0, 60)}` : '';
      }, y);
      expect(covered, `at scroll ${Math.round(y)}`).toBe('');
    }
    // It still opens the terminal.
    await toggle.click();
    expect(await page.locator('[data-cgr-terminal]').getAttribute('data-open')).toBe('');
    await page.close();
  });
});

describe('a run uses only the values the page shows (pressing Run straight from the field)', () => {
  it('the click reaches Run although leaving the field shows its error above it', { timeout: 60_000 }, async () => {
    const page = await open('distribution');
    await page.locator('details[data-field-group="advanced"] > summary').click();
    await page.getByLabel('Upstream registry', { exact: true }).fill('127.0.0.1:44767');
    // Straight from the field to the button: the field's error appears as the press begins.
    await page.locator('[data-step-id="upstream-answers"] [data-run-from]').click();
    const refusal = page.locator('[data-step-id="upstream-answers"] [data-run-error]');
    await refusal.waitFor({ timeout: 20_000 });
    expect(await refusal.textContent()).toContain('Upstream registry');
    expect(await page.locator('#cgr-field-upstreamUrl [data-field-error]').textContent()).toContain('expected a URL');
    await page.close();
  });
});

describe('reading and filling in a guide', () => {
  it('checks a field when the reader leaves it, not on the first key', async () => {
    const page = await open('nexus');
    const input = page.getByLabel('Nexus web address', { exact: true });
    await input.focus();
    await page.keyboard.type('h');
    const error = page.locator('#cgr-field-nexusUrl [data-field-error]');
    expect(await error.textContent()).toBe('');
    expect(await input.getAttribute('aria-invalid')).toBeNull();
    await page.keyboard.press('Tab');
    expect(await error.textContent()).toContain('expected a URL');
    // Fixing it clears the error while typing.
    await input.fill('https://nexus.example.com');
    expect(await error.textContent()).toBe('');
    await page.close();
  });

  it('Copy of a command with placeholders says what is missing and copies nothing', async () => {
    const page = await open('nexus');
    await page.evaluate(() => navigator.clipboard.writeText('before'));
    await page.locator('[data-step-id="pull-developer"] [data-copy]').click();
    const note = page.locator('[data-step-id="pull-developer"] [data-copy-note]');
    expect(await note.textContent()).toContain('fill in Nexus registry address');
    expect(await page.locator('[data-step-id="pull-developer"] [data-copy]').getAttribute('data-copied')).toBeNull();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('before');
    await page.close();
  });

  it('names placeholders and questions in the reader’s words, with code shown as code', async () => {
    let page = await open('cloudsmith');
    expect(await page.locator('.cgr-command code').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('<Cloudsmith workspace>')]));
    expect((await page.locator('.cgr-command code').allTextContents()).join('\n')).not.toContain('<cloudsmithOrg>');
    const asks = await page.locator('.cgr-ask').allInnerTexts();
    expect(asks.join('\n')).toContain('Do you have your Cloudsmith API key?');
    expect(asks.join('\n')).not.toMatch(/Done when: (Do|Have) you/);
    await page.close();
    page = await open('distribution');
    await page.getByText('Production images', { exact: true }).click();
    const ask = page.locator('[data-step-id="chainctl-login"] .cgr-ask');
    expect(await ask.innerText()).not.toContain('`');
    expect(await ask.locator('code').textContent()).toBe('chainctl auth login');
    expect(await page.locator('#cgr-field-cgOrg .cgr-field-help code').first().textContent()).toBe('chainctl iam organizations list');
    expect(await page.locator('#cgr-field-cgOrg .cgr-field-help').innerText()).not.toContain('`');
    await page.close();
  });

  it('shows a step’s kind as words, not as something that looks like a button', async () => {
    const page = await open('nexus');
    const kind = page.locator('[data-step-id="nexus-up"] .cgr-step-kind');
    const style = await kind.evaluate((k) => {
      const s = getComputedStyle(k);
      return { border: s.borderTopStyle, upper: s.textTransform, text: k.textContent };
    });
    expect(style).toEqual({ border: 'none', upper: 'none', text: 'check' });
    await page.close();
  });

  it('"On this page" follows the reader into the steps of a section', { timeout: 60_000 }, async () => {
    const page = await open('nexus');
    // Land (in one move, as a fast mouse wheel does) with a step of "Pull through the cache" across
    // the line where Starlight's table of contents looks, the section's heading well above it.
    await page.evaluate(() => {
      const h2Top = document.getElementById('pull-through-the-cache')!.getBoundingClientRect().top;
      const steps = [...document.querySelectorAll<HTMLElement>('[data-step-id]')].filter((s) => s.offsetParent !== null && s.getBoundingClientRect().top > h2Top);
      const band = (document.querySelector('header')?.getBoundingClientRect().height ?? 0) + 32;
      const top = steps[1]!.getBoundingClientRect().top + scrollY;
      window.scrollTo({ top: top - band + 10, behavior: 'instant' });
    });
    await page.mouse.move(640, 450);
    await page.mouse.wheel(0, 40);
    await expect.poll(() => page.locator('starlight-toc a[aria-current="true"]').first().getAttribute('href'), { timeout: 10_000 }).toBe('#pull-through-the-cache');
    await page.close();
  });
});
