// The guide pages in a real browser: values fill the commands, the path switch, copy buttons,
// inline validation, secrets kept out of storage and URLs, no console errors, a screenshot each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { buildSite, launch, makeTemp, root, serve, type Served } from './site-harness.ts';

const tmp = makeTemp('cgr-site-browser-');
let server: Served;
let ctx: BrowserContext;
const consoleErrors: string[] = [];

const guideIds = readdirSync(join(root, 'content'))
  .filter((n) => n.endsWith('.mdx'))
  .map((n) => /^id:\s*(\S+)/m.exec(readFileSync(join(root, 'content', n), 'utf8'))?.[1] ?? n.slice(0, -4));

async function open(path: string): Promise<Page> {
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${path}: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) consoleErrors.push(`${path}: ${r.status()} ${r.url()}`);
  });
  await page.goto(server.url + path);
  // Each test starts from a reader who has not been here before.
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  return page;
}

const command = (page: Page, stepId: string) => page.locator(`[data-step-id="${stepId}"] .cgr-command code`).first();

beforeAll(async () => {
  buildSite(join(tmp, 'site'));
  server = await serve(join(tmp, 'site'));
  ctx = await launch(join(tmp, 'profile'));
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
}, 180_000);

afterAll(async () => {
  await ctx?.close();
  await server?.stop();
  rmSync(join(tmp, 'profile'), { recursive: true, force: true });
  rmSync(join(tmp, 'profile-nojs'), { recursive: true, force: true });
  rmSync(join(tmp, 'site'), { recursive: true, force: true });
});

describe('Nexus guide page', () => {
  it('fills the reader’s values into the commands and the UI fields', async () => {
    const page = await open('/guides/nexus/');
    await expect(command(page, 'pull-developer').textContent()).resolves.toBe('docker pull <nexusHost>/chainguard/wolfi-base');
    await page.getByLabel('Nexus web address', { exact: true }).fill('http://nexus.internal:8081');
    await page.getByLabel('Repository name', { exact: true }).fill('cgr-mirror');
    await page.getByLabel('Nexus registry address', { exact: true }).fill('nexus.internal:5051');
    await expect(command(page, 'pull-developer').textContent()).resolves.toBe('docker pull nexus.internal:5051/chainguard/wolfi-base');
    await expect(command(page, 'nexus-up').textContent()).resolves.toContain('http://nexus.internal:8081/service/rest/v1/status/writable');
    await expect(page.locator('[data-step-id="create-proxy"] tbody tr').first().locator('code').textContent()).resolves.toBe('cgr-mirror');
    // The filled value is marked as the reader's, the rest of the command is plain text.
    await expect(command(page, 'pull-developer').locator('.cgr-ref--set').first().textContent()).resolves.toBe('nexus.internal:5051');
    await page.close();
  });

  it('switches to Production: the pull token steps appear, Developer-only steps go', async () => {
    const page = await open('/guides/nexus/');
    const token = page.locator('[data-step-id="create-pull-token"]');
    await expect(token.isVisible()).resolves.toBe(false);
    await expect(page.locator('[data-step-id="pull-developer"]').isVisible()).resolves.toBe(true);
    await page.getByText('Production images', { exact: true }).click();
    await expect(token.isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-step-id="set-auth"]').isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-step-id="pull-developer"]').isVisible()).resolves.toBe(false);
    await expect(page.getByLabel(/Chainguard organization/).isVisible()).resolves.toBe(true);
    await page.getByLabel(/Chainguard organization/).fill('example.com');
    await expect(command(page, 'create-pull-token').textContent()).resolves.toBe('chainctl auth configure-docker --pull-token --parent example.com');
    // Steps are numbered per path: create-proxy comes after the pull token steps on Production.
    // The two pull token steps (sign in, create the token) come before it only on Production.
    const stepNumber = async (id: string) => Number(await page.locator(`[data-step-id="${id}"] .cgr-step-number`).innerText());
    const onProduction = await stepNumber('create-proxy');
    expect(await stepNumber('create-pull-token')).toBeLessThan(onProduction);
    await page.getByText('Developer images', { exact: true }).click();
    expect(await stepNumber('create-proxy')).toBe(onProduction - 2);
    await page.close();
  });

  it('copies exactly the command shown', async () => {
    const page = await open('/guides/nexus/');
    await page.getByLabel('Nexus registry address', { exact: true }).fill('registry.example.com:5051');
    await page.getByLabel('Image to test with', { exact: true }).fill('python');
    const shown = await command(page, 'pull-developer').textContent();
    expect(shown).toBe('docker pull registry.example.com:5051/chainguard/python');
    await page.locator('[data-step-id="pull-developer"] [data-copy]').click();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(shown);
    await page.close();
  });

  it('shows why an invalid value is rejected, and leaves the reference unresolved', async () => {
    const page = await open('/guides/nexus/');
    const url = page.getByLabel('Nexus web address', { exact: true });
    await url.fill('nexus internal');
    await expect(page.locator('#cgr-field-nexusUrl [data-field-error]').textContent()).resolves.toBe(
      'Nexus web address: expected a URL such as https://nexus.example.com, got "nexus internal"',
    );
    await expect(url.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(command(page, 'nexus-up').textContent()).resolves.toContain('<nexusUrl>/service/rest');
    await page.getByLabel('Repository port', { exact: true }).fill('70000');
    await expect(page.locator('#cgr-field-repoPort [data-field-error]').textContent()).resolves.toContain('expected a port number between 1 and 65535');
    await url.fill('https://nexus.internal');
    await expect(page.locator('#cgr-field-nexusUrl [data-field-error]').textContent()).resolves.toBe('');
    await expect(url.getAttribute('aria-invalid')).resolves.toBe(null);
    await page.close();
  });

  it('remembers values across visits, but never a secret (not in storage, not in the URL)', async () => {
    const page = await open('/guides/nexus/');
    await page.getByLabel('Nexus registry address', { exact: true }).fill('cache.example.com:5051');
    await page.getByLabel(/Nexus password/).fill('s3cret-pa55');
    await page.getByLabel(/Nexus password/).press('Enter');
    await expect(command(page, 'docker-login').textContent()).resolves.toBe(
      `printf '%s\\n' "$CGR_NEXUS_PASSWORD" | docker login --username admin --password-stdin cache.example.com:5051`,
    );
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).toContain('cache.example.com:5051');
    expect(stored).not.toContain('s3cret-pa55');
    expect(page.url()).not.toContain('s3cret');
    await expect(page.content()).resolves.not.toContain('s3cret-pa55');
    await page.reload();
    await expect(page.getByLabel('Nexus registry address', { exact: true }).inputValue()).resolves.toBe('cache.example.com:5051');
    await expect(page.getByLabel(/Nexus password/).inputValue()).resolves.toBe('');
    await expect(command(page, 'pull-developer').textContent()).resolves.toBe('docker pull cache.example.com:5051/chainguard/wolfi-base');
    await page.close();
  });

  it('tells the reader how to run steps from the page when no runner serves it', async () => {
    // The built pages served by any other static host: no runner meta tag.
    const page = await ctx.newPage();
    await page.route(`${server.url}/guides/nexus/`, async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, body: (await res.text()).replace(/<meta name="cgr-runner"[^>]*>/, '') });
    });
    await page.goto(`${server.url}/guides/nexus/`);
    await expect(page.locator('[data-runner-note]').innerText()).resolves.toContain('npx cgr-playbook ui');
    const steps = page.locator('[data-step-id]');
    expect(await steps.count()).toBeGreaterThan(10);
    await expect(steps.first().locator('[data-step-actions]').count()).resolves.toBe(1);
    await expect(steps.first().locator('[data-step-status]').count()).resolves.toBe(1);
    await page.close();
  });
});

describe('Cloudsmith guide page', () => {
  it('keeps the test-lab settings in a collapsed "Advanced / testing" group, still live when opened', async () => {
    const page = await open('/guides/cloudsmith/');
    const group = page.locator('details[data-field-group="advanced"]');
    await expect(group.count()).resolves.toBe(1);
    await expect(group.evaluate((d) => (d as HTMLDetailsElement).open)).resolves.toBe(false);
    await expect(group.locator('[data-field-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field-id')))).resolves.toEqual(['cloudsmithApiUrl', 'plainHttp', 'upstreamUrl']);
    // Each field is rendered once, inside the group only; the reader's own values stay outside it.
    await expect(page.locator('[data-field-id="cloudsmithApiUrl"]').count()).resolves.toBe(1);
    await expect(page.locator('[data-field-id="cloudsmithRepo"]').evaluate((e) => e.closest('details') === null)).resolves.toBe(true);
    await expect(page.getByLabel('Cloudsmith API address', { exact: true }).isVisible()).resolves.toBe(false);
    await group.locator('summary').click();
    await page.getByLabel('Cloudsmith API address', { exact: true }).fill('http://127.0.0.1:9999');
    await expect(command(page, 'repo-exists').textContent()).resolves.toContain('http://127.0.0.1:9999/v1/repos/');
    await page.close();
  });
});

describe('site', () => {
  it('finds guides with the search (Starlight with Pagefind)', async () => {
    const page = await open('/');
    await page.getByRole('button', { name: 'Search' }).click();
    const input = page.locator('site-search dialog input').first();
    await input.waitFor({ timeout: 15_000 }).catch((e: Error) => {
      throw new Error(`search UI did not load: ${e.message}\n${consoleErrors.join('\n')}`);
    });
    await input.fill('docker proxy repository');
    // Pagefind renders results while its index chunks arrive: wait for the settled ranking.
    await expect.poll(() => page.locator('.pagefind-ui__result-link').first().getAttribute('href'), { timeout: 15_000 }).toMatch(/^\/guides\/nexus\//);
    await page.close();
  });

  it('lists every guide on the home page and links the authoring reference', async () => {
    const page = await open('/');
    const cards = await page.locator('.cgr-card a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(cards.sort()).toEqual(guideIds.map((id) => `/guides/${id}/`).sort());
    await page.goto(`${server.url}/authoring/`);
    await expect(page.locator('#block-command + p').textContent()).resolves.toContain('shell command');
    await expect(page.locator('table.cgr-prop-table').count()).resolves.toBeGreaterThanOrEqual(12);
    await page.close();
  });
});

describe('without JavaScript', () => {
  it('reads as a guide: templates with placeholders and defaults, the path switch still works', async () => {
    const noJs = await launch(join(tmp, 'profile-nojs'), { javaScriptEnabled: false });
    try {
      const page = await noJs.newPage();
      await page.goto(`${server.url}/guides/nexus/`);
      await expect(command(page, 'pull-developer').textContent()).resolves.toBe('docker pull <nexusHost>/chainguard/wolfi-base');
      await expect(page.locator('[data-step-id="create-proxy"] tbody tr').first().locator('code').textContent()).resolves.toBe('chainguard');
      await expect(page.locator('[data-step-id="pull-developer"] [data-step-hints]').innerText()).resolves.toContain('Fill in Nexus registry address under Your values.');
      // Copy buttons need JavaScript, so they are not offered.
      await expect(page.locator('[data-step-id="pull-developer"] [data-copy]').isVisible()).resolves.toBe(false);
      await expect(page.locator('[data-step-id="create-pull-token"]').isVisible()).resolves.toBe(false);
      await page.getByText('Production images', { exact: true }).click();
      await expect(page.locator('[data-step-id="create-pull-token"]').isVisible()).resolves.toBe(true);
      await expect(page.locator('[data-step-id="pull-developer"]').isVisible()).resolves.toBe(false);
    } finally {
      await noJs.close();
    }
  });
});

describe('every guide', () => {
  it('renders without console errors; a screenshot of each is saved', async () => {
    expect(guideIds.length).toBeGreaterThanOrEqual(2);
    for (const id of guideIds) {
      const page = await open(`/guides/${id}/`);
      await expect(page.locator('h1').first().textContent()).resolves.toBeTruthy();
      await expect(page.locator('[data-step-id]').count()).resolves.toBeGreaterThan(0);
      const file = join(tmp, `guide-${id}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
      await page.close();
    }
    expect(consoleErrors).toEqual([]);
  });
});
