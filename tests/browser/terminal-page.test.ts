// The runner UI as a reader meets it on a long guide: the page keeps room for the terminal panel,
// a run follows its steps, focus stays where the reader acted and leaves the terminal with
// Shift+Tab, verdicts are announced, skipped steps get badges, a failure is explained in words,
// and a reload brings the run's state back without a click.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { getGuide } from '../../playbooks/guides.ts';
import type { UiServer } from '../../playbooks/server/server.ts';
import { abovePanel, badge, buildFixtureSite, fixtureContent, launchChromium, startTestUi, waitForText } from './terminal-helpers.ts';
import { closedPort } from '../adapters/support.ts';

let tmp: string;
let ui: UiServer;
let browser: BrowserContext;
let page: Page;
let base: string;

const loadGuide = (id: string) => getGuide(id, fixtureContent);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cgr-term-page-'));
  const site = await buildFixtureSite(join(tmp, 'site'), [await loadGuide('pagetest')]);
  ui = await startTestUi(tmp, site, loadGuide);
  browser = await launchChromium(tmp);
  page = await browser.newPage();
  base = `http://127.0.0.1:${ui.port}/guides/pagetest/`;
  await page.goto(`${base}${new URL(ui.url).hash}`);
  await page.waitForFunction(() => location.hash === '' && sessionStorage.getItem('cgr-runner-token') !== null, undefined, { timeout: 15_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const panelTop = () => page.locator('[data-cgr-terminal]').evaluate((p) => p.getBoundingClientRect().top);
const focused = () => page.evaluate(() => {
  const a = document.activeElement as HTMLElement | null;
  return a ? `${a.tagName.toLowerCase()}${a.dataset.runStep ? `[run=${a.dataset.runStep}]` : ''}${a.dataset.runFrom ? `[from=${a.dataset.runFrom}]` : ''}${a.closest('.xterm') ? ' in xterm' : ''}${a.hasAttribute('data-cgr-hide') ? ' hide' : ''}${a.hasAttribute('data-confirm-yes') ? ' yes' : ''}` : 'none';
});
const stateText = () => page.locator('[data-cgr-terminal-state]').textContent();

describe('the runner UI on a long guide page', () => {
  it('keeps focus on Run (Enter), announces the verdict, and Shift+Tab leaves the terminal', async () => {
    await page.focus('[data-step-id="early-1"] [data-run-step]');
    await page.keyboard.press('Enter');
    await expect.poll(() => badge(page, 'early-1').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    expect(await focused()).toBe('button[run=early-1]');
    // Verdicts and the status line are live regions.
    await expect.poll(() => page.locator('[data-cgr-announce]').textContent()).toContain('Early step 1: passed');
    expect(await page.locator('[data-cgr-announce]').getAttribute('aria-live')).toBe('polite');
    expect(await page.locator('[data-cgr-terminal-state]').getAttribute('role')).toBe('status');
    // Into the terminal (Tab goes to the shell there, for completion), and out with Shift+Tab.
    await page.click('.cgr-term-host');
    expect(await focused()).toContain('in xterm');
    await page.keyboard.press('Tab');
    expect(await focused()).toContain('in xterm');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('button[run=early-1]');
    // The way out is written in the panel and tied to the terminal's input.
    expect(await page.locator('#cgr-term-keys').textContent()).toContain('Shift+Tab');
    expect(await page.locator('.xterm-helper-textarea').getAttribute('aria-describedby')).toBe('cgr-term-keys');
    // Esc in the panel's bar hides it and returns focus.
    await page.focus('[data-cgr-hide]');
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-cgr-terminal]').getAttribute('data-open')).toBeNull();
    expect(await focused()).toBe('button[run=early-1]');
  });

  it('leaves room for the open panel: the last step’s buttons can be reached', async () => {
    await page.click('[data-cgr-terminal-toggle]');
    // The last step ends the page (the fixture's trailing spacer would hide the problem).
    await page.evaluate(() => {
      document.querySelector<HTMLElement>('main > div:last-child')!.style.height = '0';
      window.scrollTo(0, document.documentElement.scrollHeight);
    });
    const reachable = await page.locator('[data-step-id="after-last"] [data-run-step]').evaluate((b) => {
      const r = b.getBoundingClientRect();
      return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b;
    });
    expect(reachable).toBe(true);
  });

  it('"Run all from here" shows the waiting question above the panel and follows the run to its failed step', { timeout: 90_000 }, async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.fill('input[data-field-id="registry"]', '127.0.0.1:9');
    // Start the run from "Prepare" and scroll the page away from it.
    await page.click('[data-step-id="prepare"] [data-run-from]');
    const question = page.locator('[data-confirm-step="enter-it"]');
    await question.waitFor({ timeout: 20_000 });
    expect(await stateText()).toContain('waiting for you');
    expect(await abovePanel(page, '[data-confirm-step="enter-it"]')).toBe(true);
    // The question is in the reader's words, not the terminal's.
    expect(await question.textContent()).toContain('enter the values above in the product');
    expect(await question.textContent()).not.toContain('Continue?');
    await page.evaluate(() => window.scrollTo(0, 0));
    await question.locator('[data-confirm-yes]').click();
    await expect.poll(() => badge(page, 'last-check').getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    await expect.poll(() => abovePanel(page, '[data-step-id="last-check"] [data-failure]')).toBe(true);
    expect(await panelTop()).toBeGreaterThan(0);
  });

  it('gives every skipped step a badge, as many as the bar counts', async () => {
    await expect.poll(() => stateText(), { timeout: 20_000 }).toMatch(/\d+ skipped/);
    const counted = Number(/(\d+) skipped/.exec((await stateText()) ?? '')![1]);
    expect(counted).toBeGreaterThan(0);
    expect(await page.locator('[data-step-status][data-status="skipped"]').count()).toBe(counted);
    expect(await badge(page, 'after-last').getAttribute('data-status')).toBe('skipped');
  });

  it('explains a failure in words: expected, got, and the value to check', async () => {
    const port = await closedPort();
    await page.fill('input[data-field-id="registry"]', `127.0.0.1:${port}`);
    await page.click('[data-step-id="registry-answers"] [data-run-step]');
    await expect.poll(() => badge(page, 'registry-answers').getAttribute('data-status'), { timeout: 60_000 }).toBe('failed');
    const box = page.locator('[data-step-id="registry-answers"] [data-failure]');
    expect(await box.locator('[data-failure-got]').textContent()).toContain(`connection refused at 127.0.0.1:${port}`);
    expect(await box.locator('[data-failure-expected]').textContent()).toBe('Expected: The registry answers 200, or 401 asking for a login.');
    expect(await box.textContent()).not.toContain('(200|401)');
    expect(await box.locator('[data-failure-check]').textContent()).toContain(`Registry address (127.0.0.1:${port})`);
    await box.locator('[data-go-field="registry"]').click();
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.fieldId)).toBe('registry');
    expect(await page.locator('[data-cgr-announce]').textContent()).toContain(`connection refused at 127.0.0.1:${port}`);
  });

  it('a reload after a run brings the badges and the explanation back, without a click', async () => {
    await page.reload();
    await expect.poll(() => badge(page, 'registry-answers').getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    expect(await badge(page, 'early-1').getAttribute('data-status')).toBe('passed');
    expect(await badge(page, 'after-last').getAttribute('data-status')).toBe('skipped');
    expect(await page.locator('[data-step-id="registry-answers"] [data-failure-got]').textContent()).toContain('connection refused');
  });

  it('a reload during a run opens the terminal with the running step and Stop live', { timeout: 90_000 }, async () => {
    await page.click('[data-step-id="prepare"] [data-run-from]');
    await page.locator('[data-confirm-step="enter-it"]').waitFor({ timeout: 20_000 });
    await page.reload();
    await expect.poll(() => badge(page, 'enter-it').getAttribute('data-status'), { timeout: 20_000 }).toBe('running');
    expect(await page.locator('[data-cgr-terminal]').getAttribute('data-open')).toBe('');
    expect(await badge(page, 'prepare').getAttribute('data-status')).toBe('passed');
    await page.locator('[data-confirm-step="enter-it"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-cgr-stop]').isDisabled()).toBe(false);
    await page.click('[data-cgr-stop]');
    await expect.poll(() => stateText(), { timeout: 15_000 }).toBe('stopped');
    await waitForText(page, 'prepared hello');
  });

  it('a keyboard-only walk: a value, Run all, the Done question, out of the terminal', { timeout: 90_000 }, async () => {
    await page.focus('input[data-field-id="greeting"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('hi-there');
    // Tab along to the "Run all from here" of "Prepare".
    let guard = 0;
    while ((await focused()) !== 'button[from=prepare]' && guard++ < 80) await page.keyboard.press('Tab');
    expect(await focused()).toBe('button[from=prepare]');
    await page.keyboard.press('Enter');
    // The question takes focus (the reader was not in the terminal); Enter answers it.
    await page.locator('[data-confirm-step="enter-it"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => focused()).toBe('button yes');
    await page.keyboard.press('Enter');
    await expect.poll(() => badge(page, 'enter-it').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    await waitForText(page, 'prepared hi-there');
    await expect.poll(() => badge(page, 'last-check').getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    // Into the terminal from the panel's bar with Tab, and out again with Shift+Tab.
    await page.focus('[data-cgr-hide]');
    await page.keyboard.press('Tab');
    expect(await focused()).toContain('in xterm');
    await page.keyboard.type('echo walked-$((40+2))\n');
    await waitForText(page, /^walked-42$/m);
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).not.toContain('in xterm');
    expect(await focused()).not.toBe('none');
  });
});
