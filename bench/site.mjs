// Site benchmarks: build time, JavaScript a guide page loads before any terminal is opened
// (gzip, target <= 50 KB), Lighthouse performance (>= 95) and accessibility (= 100) on every
// guide page. Builds into a temp dir, serves it with `cgr-playbook ui` (what readers get) on
// 127.0.0.1, drives Debian's chromium.
// Usage: node bench/site.mjs [--json <file>]   (exit 1 when a target is missed)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const CHROMIUM = process.env.CGR_PLAYBOOK_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TARGETS = { jsKbGzip: 50, performance: 95, accessibility: 100 };
const tmp = mkdtempSync(join(tmpdir(), 'cgr-bench-site-'));
const out = join(tmp, 'site');

const guideIds = readdirSync(join(root, 'content'))
  .filter((n) => n.endsWith('.mdx'))
  .map((n) => /^id:\s*(\S+)/m.exec(readFileSync(join(root, 'content', n), 'utf8'))?.[1] ?? n.slice(0, -4));

function build() {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-site.mjs')], { cwd: root, env: { ...process.env, CGR_PLAYBOOK_SITE_OUT: out }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`site build failed:\n${r.stdout}\n${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

/** `cgr-playbook ui` on the built site: the server readers get (gzip, caching, CSP, the runner's meta tag). */
function serve() {
  const proc = spawn(process.execPath, [join(root, 'bin', 'cgr-playbook.js'), 'ui', '--port', '0', '--site', out], {
    cwd: tmp,
    env: { PATH: process.env.PATH, HOME: tmp, SHELL: '/bin/bash', LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    let buf = '';
    proc.stdout.on('data', (d) => {
      buf += d;
      const m = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(buf);
      if (m) ok({ url: m[1], stop: () => new Promise((done) => (proc.exitCode !== null ? done() : (proc.once('exit', done), process.kill(proc.pid, 'SIGTERM')))) });
    });
    proc.once('exit', (c) => fail(new Error(`cgr-playbook ui exited ${c}`)));
  });
}

/** Every script the page loads until the network is idle, in the bytes the server sent (gzip). */
async function pageScripts(browser, url, { runnerMeta }) {
  // A fresh context each time: nothing comes from the cache of an earlier page.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  if (!runnerMeta) {
    // The same pages from any other static host: no runner meta tag, so attach() never loads.
    await page.route(url, async (route) => {
      const res = await route.fetch();
      const html = (await res.text()).replace(/<meta name="cgr-runner"[^>]*>/, '');
      await route.fulfill({ response: res, body: html });
    });
  }
  const scripts = [];
  page.on('response', async (res) => {
    if (res.request().resourceType() !== 'script') return;
    // What the server sent: the encoded (gzip) body size, as the reader downloads it.
    scripts.push(
      Promise.all([res.body(), res.request().sizes()])
        .then(([b, sizes]) => ({ url: res.url().replace(/^https?:\/\/[^/]+/, ''), raw: b.length, gzip: sizes.responseBodySize, encoding: res.headers()['content-encoding'] ?? 'identity' }))
        .catch(() => ({ url: res.url(), raw: 0, gzip: 0, encoding: '?' })),
    );
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  // Inline scripts count too.
  const inline = await page.evaluate(() => [...document.querySelectorAll('script:not([src])')].filter((s) => !s.type || s.type === 'module' || s.type === 'text/javascript').map((s) => s.textContent ?? ''));
  const files = await Promise.all(scripts);
  await ctx.close();
  const inlineGzip = inline.reduce((n, s) => n + gzipSync(Buffer.from(s)).length, 0);
  return { files, inlineGzip, totalGzip: files.reduce((n, f) => n + f.gzip, 0) + inlineGzip };
}

async function lighthouseScores(url, port) {
  const r = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] });
  const lhr = r.lhr;
  const failing = Object.values(lhr.audits)
    .filter((a) => lhr.categories.accessibility.auditRefs.some((ref) => ref.id === a.id && ref.weight > 0) && a.score !== null && a.score < 1)
    .map((a) => a.id);
  return {
    performance: Math.round(lhr.categories.performance.score * 100),
    accessibility: Math.round(lhr.categories.accessibility.score * 100),
    lcpMs: Math.round(lhr.audits['largest-contentful-paint'].numericValue),
    tbtMs: Math.round(lhr.audits['total-blocking-time'].numericValue),
    cls: Number(lhr.audits['cumulative-layout-shift'].numericValue.toFixed(3)),
    a11yFailing: failing,
  };
}

const result = { buildSeconds: 0, pages: {} };
let server;
let browser;
let chrome;
try {
  result.buildSeconds = Number(build().toFixed(1));
  server = await serve();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  for (const id of guideIds) {
    const url = `${server.url}/guides/${id}/`;
    const plain = await pageScripts(browser, url, { runnerMeta: false });
    const withRunner = await pageScripts(browser, url, { runnerMeta: true });
    result.pages[id] = {
      jsKbGzip: Number((plain.totalGzip / 1024).toFixed(1)),
      jsKbGzipWithRunner: Number((withRunner.totalGzip / 1024).toFixed(1)),
      scripts: withRunner.files.map((f) => `${f.url} ${(f.gzip / 1024).toFixed(1)} KB`),
    };
  }
  await browser.close();
  browser = undefined;
  mkdirSync(join(tmp, 'profile-lh'), { recursive: true });
  chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: FLAGS, userDataDir: join(tmp, 'profile-lh') });
  for (const id of guideIds) Object.assign(result.pages[id], await lighthouseScores(`${server.url}/guides/${id}/`, chrome.port));
} finally {
  await browser?.close();
  if (chrome) await chrome.kill();
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
}

const misses = [];
for (const [id, p] of Object.entries(result.pages)) {
  if (p.jsKbGzipWithRunner > TARGETS.jsKbGzip) misses.push(`${id}: ${p.jsKbGzipWithRunner} KB of JS (target <= ${TARGETS.jsKbGzip})`);
  if (p.performance < TARGETS.performance) misses.push(`${id}: Lighthouse performance ${p.performance} (target >= ${TARGETS.performance})`);
  if (p.accessibility < TARGETS.accessibility) misses.push(`${id}: Lighthouse accessibility ${p.accessibility} (target ${TARGETS.accessibility}; failing: ${p.a11yFailing.join(', ')})`);
}
console.log(`site build: ${result.buildSeconds} s`);
for (const [id, p] of Object.entries(result.pages)) {
  console.log(`/guides/${id}/: JS ${p.jsKbGzip} KB gzip (${p.jsKbGzipWithRunner} KB with the runner announced, before a terminal opens); Lighthouse performance ${p.performance}, accessibility ${p.accessibility} (LCP ${p.lcpMs} ms, TBT ${p.tbtMs} ms, CLS ${p.cls})`);
}
const jsonAt = process.argv.indexOf('--json');
if (jsonAt !== -1 && process.argv[jsonAt + 1]) writeFileSync(process.argv[jsonAt + 1], JSON.stringify(result, null, 2) + '\n');
if (misses.length) {
  console.log(`targets missed:\n  ${misses.join('\n  ')}`);
  process.exit(1);
}
console.log('all site targets met');
