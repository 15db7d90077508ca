// Helpers for the terminal browser tests and the bench: a fixture site built from guides (same
// page contract as the real site), and Debian's chromium driven by playwright-core.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startUiServer, type UiServer } from '../../playbooks/server/server.ts';
import type { Guide } from '../../playbooks/model/guide.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
export const fixtureContent = join(here, 'fixtures', 'content');

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function guidePage(g: Guide): string {
  const fields = g.fields
    .map((f) => `<label>${esc(f.label)} <input data-field-id="${esc(f.id)}" type="${f.secret ? 'password' : 'text'}" value="${f.default !== undefined ? esc(f.default) : ''}"></label>`)
    .join('\n');
  const steps = g.steps
    .map(
      (s) =>
        `<section data-step-id="${esc(s.id)}" data-step-kind="${s.kind}"${s.kind === 'fields' && s.apply ? ` data-step-apply="${esc(s.apply)}"` : ''}><h3>${esc(s.title)} <span class="cgr-step-status" data-step-status></span></h3><div class="cgr-step-actions" data-step-actions></div></section>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(g.meta.title)}</title><link rel="stylesheet" href="/assets/page.css"></head>
<body><main data-guide-id="${esc(g.meta.id)}"><h1>${esc(g.meta.title)}</h1>
<select data-path><option value="developer">developer</option><option value="production">production</option></select>
${fields}
${steps}
<div style="height:60vh"></div></main><script type="module" src="/assets/page.js"></script></body></html>`;
}

/** Writes a site with one page per guide at /guides/<id>/ and the bundled page script. */
export async function buildFixtureSite(dir: string, guides: Guide[]): Promise<string> {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><title>Guides</title></head><body>${guides.map((g) => `<a href="/guides/${g.meta.id}/">${esc(g.meta.title)}</a>`).join(' ')}</body></html>`);
  for (const g of guides) {
    mkdirSync(join(dir, 'guides', g.meta.id), { recursive: true });
    writeFileSync(join(dir, 'guides', g.meta.id, 'index.html'), guidePage(g));
  }
  await build({
    entryPoints: { page: join(here, 'fixtures', 'page.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    outdir: join(dir, 'assets'),
    loader: { '.css': 'css' },
    logLevel: 'silent',
  });
  return dir;
}

/** Debian's chromium with the project's flags and a fresh profile under `tmp`. */
export async function launchChromium(tmp: string): Promise<BrowserContext> {
  const profile = join(tmp, `profile-${Math.random().toString(36).slice(2)}`);
  mkdirSync(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1200, height: 900 } });
}

/** A `cgr-playbook ui` server for a test: a plain bash (prompt `term$ `) with `tmp` as cwd and HOME. */
export function startTestUi(tmp: string, siteDir: string, loadGuide: (id: string) => Promise<Guide>, log?: (line: string) => void): Promise<UiServer> {
  return startUiServer({
    siteDir,
    loadGuide,
    shell: { file: 'bash', args: ['--norc', '--noprofile'] },
    cwd: tmp,
    env: { PATH: process.env.PATH, HOME: tmp, PS1: 'term$ ', LANG: 'C.UTF-8' },
    ...(log ? { log } : {}),
  });
}

/** The text of the page's terminal (its xterm buffer). */
export function terminalText(p: Page): Promise<string> {
  return p.evaluate(() => (window as unknown as { cgrTerminal?: { text(): string } }).cgrTerminal?.text() ?? '');
}

/** Waits until the terminal shows `needle` (xterm parses asynchronously) and returns its text. */
export async function waitForText(p: Page, needle: string | RegExp, timeout = 15_000): Promise<string> {
  const end = Date.now() + timeout;
  for (;;) {
    const t = await terminalText(p);
    if (typeof needle === 'string' ? t.includes(needle) : needle.test(t)) return t;
    if (Date.now() > end) throw new Error(`terminal never showed ${String(needle)}; it shows:\n${t.trimEnd().split('\n').slice(-15).join('\n')}`);
    await p.waitForTimeout(100);
  }
}

/** A step's status badge. */
export const badge = (p: Page, stepId: string) => p.locator(`[data-step-id="${stepId}"] [data-step-status]`);

/** Opens the terminal panel (a tab that already has a session reopens it by itself) and waits until it is connected. */
export async function openTerminal(p: Page): Promise<void> {
  const toggle = p.locator('[data-cgr-terminal-toggle]');
  await p.waitForFunction(() => document.querySelector('[data-cgr-terminal]') !== null, undefined, { timeout: 15_000 });
  if (await toggle.isVisible()) await toggle.click();
  await p.waitForFunction(() => document.querySelector('[data-cgr-terminal]')?.hasAttribute('data-connected'), undefined, { timeout: 15_000 });
}

/** The element is on screen (with some height) and not under the open terminal panel. */
export const abovePanel = (page: Page, selector: string): Promise<boolean> =>
  page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const panel = document.querySelector('[data-cgr-terminal]');
    if (!el || !panel) return false;
    const r = el.getBoundingClientRect();
    const top = panel.hasAttribute('data-open') ? panel.getBoundingClientRect().top : innerHeight;
    return r.height > 0 && r.top >= 0 && r.bottom <= top + 0.5;
  }, selector);
