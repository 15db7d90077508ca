// Apply from the page, end to end: real UI server with the runner's default services (product
// adapters, probes), real chromium, and the Nexus EMULATOR (control plane only, since applying a
// step needs no pulls; a fresh CE whose EULA is not accepted yet). Apply on create-proxy first
// names the EULA, Apply on accept-eula accepts it, then Apply creates the repository; a second
// Apply reports it already done, and a wrong password fails with the credentials diagnosis and
// never shows the password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { getGuide } from '../../playbooks/guides.ts';
import type { UiServer } from '../../playbooks/server/server.ts';
import { startNexusEmulator, type NexusEmulator } from '../../playbooks/emulators/index.ts';
import { closedPort } from '../adapters/support.ts';
import { badge, buildFixtureSite, launchChromium, repoRoot, startTestUi, waitForText } from './terminal-helpers.ts';

const ADMIN_PW = 'nexus-admin-pw-apply-7731';
const WRONG_PW = 'wrong-pw-never-shown-5519';

let tmp: string;
let ui: UiServer;
let nexus: NexusEmulator;
let browser: BrowserContext;
let page: Page;
const serverLog: string[] = [];

const loadGuide = (id: string) => getGuide(id, join(repoRoot, 'content'));

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cgr-term-apply-'));
  nexus = await startNexusEmulator({ adminPassword: ADMIN_PW });
  const site = await buildFixtureSite(join(tmp, 'site'), [await loadGuide('nexus')]);
  ui = await startTestUi(tmp, site, loadGuide, (line) => serverLog.push(line));
  browser = await launchChromium(tmp);
  page = await browser.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await nexus?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Apply in the page (Nexus emulator)', () => {
  it('offers Apply only on fields steps that name an adapter', async () => {
    const token = new URL(ui.url).hash.slice('#token='.length);
    await page.goto(`http://127.0.0.1:${ui.port}/guides/nexus/#token=${token}`);
    await expect.poll(() => page.locator('[data-apply-step]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const guide = await loadGuide('nexus');
    const applicable = guide.steps.filter((s) => s.kind === 'fields' && s.apply !== undefined).map((s) => s.id);
    expect(applicable).toContain('create-proxy');
    const withButton = await page.locator('[data-apply-step]').evaluateAll((els) => els.map((e) => e.getAttribute('data-apply-step')));
    expect(withButton).toEqual(applicable);
    expect(await page.locator('[data-step-kind="command"] [data-apply-step]').count()).toBe(0);
  });

  it('applies accept-eula then create-proxy through the API: badges passed and the emulator holds the repository', async () => {
    const port = await closedPort();
    await page.fill('input[data-field-id="nexusUrl"]', nexus.url);
    await page.fill('input[data-field-id="nexusPassword"]', ADMIN_PW);
    await page.fill('input[data-field-id="repoName"]', 'cg-eula');
    await page.fill('input[data-field-id="repoPort"]', String(await closedPort()));
    await page.click('[data-step-id="create-proxy"] [data-apply-step]');
    await expect.poll(() => badge(page, 'create-proxy').getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    expect(await badge(page, 'create-proxy').getAttribute('title')).toMatch(/^EULA_NOT_ACCEPTED: .*fix: .*Apply in the page/);

    await page.fill('input[data-field-id="acceptEula"]', 'true');
    await page.click('[data-step-id="accept-eula"] [data-apply-step]');
    await expect.poll(() => badge(page, 'accept-eula').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    expect(nexus.eulaAccepted()).toBe(true);

    await page.fill('input[data-field-id="repoName"]', 'cg-apply');
    await page.fill('input[data-field-id="repoPort"]', String(port));

    await page.click('[data-step-id="create-proxy"] [data-apply-step]');
    await expect.poll(() => badge(page, 'create-proxy').getAttribute('data-status'), { timeout: 20_000 }).toBe('passed');
    const text = await waitForText(page, '✔ passed');
    expect(text).toContain('Create the docker (proxy) repository');
    expect(await badge(page, 'create-proxy').getAttribute('title')).toMatch(/^applied: /);

    const res = await fetch(`${nexus.url}/service/rest/v1/repositories/docker/proxy/cg-apply`, { headers: { authorization: 'Basic ' + Buffer.from(`admin:${ADMIN_PW}`).toString('base64') } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { name: string; proxy: { remoteUrl: string }; docker: { httpPort: number } };
    expect(body.name).toBe('cg-apply');
    expect(body.proxy.remoteUrl).toBe('https://cgr.dev/');
    expect(body.docker.httpPort).toBe(port);
  });

  it('reports a second Apply as already done', async () => {
    await page.click('[data-step-id="create-proxy"] [data-apply-step]');
    await expect.poll(() => badge(page, 'create-proxy').getAttribute('data-status'), { timeout: 20_000 }).toBe('skipped');
    expect(await badge(page, 'create-proxy').getAttribute('title')).toMatch(/^already done: /);
    await waitForText(page, '– skipped: already done');
    expect(nexus.repositoryNames().filter((n) => n === 'cg-apply')).toHaveLength(1);
  });

  it('fails with the credentials diagnosis on a wrong password, which never shows', async () => {
    await page.fill('input[data-field-id="nexusPassword"]', WRONG_PW);
    await page.fill('input[data-field-id="repoName"]', 'cg-other');
    await page.click('[data-step-id="create-proxy"] [data-apply-step]');
    await expect.poll(() => badge(page, 'create-proxy').getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    const text = await waitForText(page, 'WRONG_CREDENTIALS');
    expect(text).toMatch(/refused the credentials/);
    expect(text).toMatch(/fix: check .*nexusPassword/);
    expect(await badge(page, 'create-proxy').getAttribute('title')).toContain('WRONG_CREDENTIALS');
    expect(nexus.repositoryNames()).not.toContain('cg-other');
    for (const secret of [WRONG_PW, ADMIN_PW]) {
      expect(text).not.toContain(secret);
      expect(serverLog.join('\n')).not.toContain(secret);
    }
    expect(serverLog).toContain('apply step nexus/create-proxy: failed');
  });
});
