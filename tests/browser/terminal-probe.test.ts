// A verify step with a registry probe, run from the page: the UI server gives page runs the
// runner's default probe runner, so the probe pulls through the lab's cache (a real Distribution
// registry) and the badge follows its verdict; a missing image fails with the probe's diagnosis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { getGuide } from '../../playbooks/guides.ts';
import type { UiServer } from '../../playbooks/server/server.ts';
import { startTestLab, type TestLab } from '../support/lab.ts';
import { badge, buildFixtureSite, fixtureContent, launchChromium, startTestUi, terminalText } from './terminal-helpers.ts';

let tmp: string;
let lab: TestLab;
let ui: UiServer;
let browser: BrowserContext;
let page: Page;

const loadGuide = (id: string) => getGuide(id, fixtureContent);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cgr-term-probe-'));
  lab = await startTestLab('term-probe');
  const site = await buildFixtureSite(join(tmp, 'site'), [await loadGuide('probetest')]);
  ui = await startTestUi(tmp, site, loadGuide);
  browser = await launchChromium(tmp);
  page = await browser.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await lab?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('probe verify run from the page', () => {
  it('passes against the lab cache', async () => {
    const token = new URL(ui.url).hash.slice('#token='.length);
    await page.goto(`http://127.0.0.1:${ui.port}/guides/probetest/#token=${token}`);
    await page.fill('input[data-field-id="registry"]', lab.state.cache!.host);
    await page.click('[data-step-id="pull-probe"] [data-run-step]');
    await expect.poll(() => badge(page, 'pull-probe').getAttribute('data-status'), { timeout: 60_000 }).toMatch(/passed|failed|skipped/);
    // xterm parses asynchronously: wait for the verdict line before reading the text.
    await expect.poll(() => terminalText(page), { timeout: 10_000 }).toMatch(/[✔✘–] (passed|failed|skipped)/);
    const text = await terminalText(page);
    expect(await badge(page, 'pull-probe').getAttribute('data-status'), `${await badge(page, 'pull-probe').getAttribute('title')}\n${text}`).toBe('passed');
    expect(text).not.toContain('no probe runner');
    expect(text).toMatch(/✔ .*wolfi-base/);
  });

  it('fails with the diagnosis when the image does not exist', async () => {
    await page.fill('input[data-field-id="image"]', 'no-such-image');
    await page.click('[data-step-id="pull-probe"] [data-run-step]');
    await expect.poll(() => badge(page, 'pull-probe').getAttribute('data-status'), { timeout: 60_000 }).toBe('failed');
    const title = (await badge(page, 'pull-probe').getAttribute('title')) ?? '';
    expect(title).toContain('no-such-image');
    expect(title).toMatch(/fix: /);
  });
});
