// Terminal benchmark, side by side with wetty (npm) on the same machine, both driven in headless
// Debian chromium: `cat` of a 100 MB text file (MB/s), keystroke echo latency p50/p95 over
// loopback, time from Ctrl-C to the prompt under `yes`, the page's longest main-thread stall
// during the flood, and the page's JS heap after the floods.
// Targets: >= 15 MB/s and not slower than wetty; Ctrl-C to stop < 250 ms.
import { mkdtempSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { buildFixtureSite, launchChromium, fixtureContent } from '../tests/browser/terminal-helpers.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { startUiServer } = await import(join(root, 'dist/playbooks/server/server.js'));
const { getGuide } = await import(join(root, 'dist/playbooks/guides.js'));

const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.BENCH_TERMINAL_MB ?? 100);
const PROMPT = 'bench$ ';
const tmp = mkdtempSync(join(tmpdir(), 'cgr-bench-term-'));
const bigFile = join(tmp, 'big.txt');
const children = [];
let browser;
let ui;

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function writeBigFile() {
  // Plain text lines of 100 bytes, like a build log: printable ASCII and newlines.
  const line = Buffer.from('0123456789 the quick brown fox jumps over the lazy dog ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnop\n');
  const chunk = Buffer.concat(Array(10_000).fill(line));
  const fd = openSync(bigFile, 'w');
  for (let written = 0; written < SIZE_MB * MB; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, SIZE_MB * MB - written));
  closeSync(fd);
}

/** In-page helpers, given a getter for the xterm Terminal. Installed once per page. */
const PAGE_HELPERS = `
window.__bench = (() => {
  const term = () => window.__benchTerm();
  const cursorLine = () => { const b = term().buffer.active; return b.getLine(b.baseY + b.cursorY)?.translateToString(true) ?? ''; };
  const lastLines = (n) => { const b = term().buffer.active; const out = []; for (let i = Math.max(0, b.baseY + b.cursorY - n); i <= b.baseY + b.cursorY; i++) out.push(b.getLine(i)?.translateToString(true) ?? ''); return out.join('\\n'); };
  const waitFor = (pred, timeout) => new Promise((resolve, reject) => {
    if (pred()) return resolve(performance.now());
    const sub = term().onWriteParsed(() => { if (pred()) { sub.dispose(); clearTimeout(t); resolve(performance.now()); } });
    const t = setTimeout(() => { sub.dispose(); reject(new Error('timeout; screen: ' + lastLines(5))); }, timeout);
  });
  return {
    cursorLine, lastLines,
    async atPrompt(timeout = 20000) { term().input('\\r', true); await waitFor(() => cursorLine().trimEnd() === ${JSON.stringify(PROMPT.trimEnd())}, timeout); },
    async throughput(file, timeout) {
      const t0 = performance.now();
      term().input('cat ' + file + '; echo DONE-$((40+2))\\r', true);
      const t1 = await waitFor(() => /DONE-42$/m.test(lastLines(3)), timeout);
      return t1 - t0;
    },
    async echoLatency(n) {
      const samples = [];
      for (let i = 0; i < n; i++) {
        const before = cursorLine();
        const ch = String.fromCharCode(97 + (i % 26));
        const t0 = performance.now();
        term().input(ch, true);
        const t1 = await waitFor(() => cursorLine() === before + ch, 5000);
        samples.push(t1 - t0);
        await new Promise((r) => setTimeout(r, 10));
      }
      term().input('\\x15', true); // Ctrl-U: clear the typed line
      return samples;
    },
    async ctrlC(floodMs) {
      term().input('yes\\r', true);
      let maxGap = 0, last = performance.now();
      const tick = setInterval(() => { const now = performance.now(); maxGap = Math.max(maxGap, now - last); last = now; }, 5);
      await new Promise((r) => setTimeout(r, floodMs));
      clearInterval(tick);
      const t0 = performance.now();
      term().input('\\x03', true);
      const t1 = await waitFor(() => cursorLine().trimEnd() === ${JSON.stringify(PROMPT.trimEnd())}, 30000);
      return { stopMs: t1 - t0, maxGapMs: maxGap };
    },
  };
})();`;

async function heapMB(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  return used / MB;
}

function pct(samples, p) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const debug = (...a) => process.env.BENCH_DEBUG && console.log(new Date().toISOString().slice(11, 23), ...a);

async function measure(name, page) {
  page.on('crash', () => debug('page crashed'));
  page.on('pageerror', (e) => debug('page error', e.message));
  await page.evaluate(PAGE_HELPERS);
  await page.evaluate(() => window.__bench.atPrompt());
  const info = await page.evaluate(() => ({ cols: window.__benchTerm().cols, rows: window.__benchTerm().rows }));
  // Warm-up: a small cat so that JIT and caches are warm for both.
  await page.evaluate(() => window.__bench.atPrompt());
  debug(name, 'cat');
  const peek = setInterval(() => page.evaluate(() => window.__bench.lastLines(2)).then((t) => debug('screen:', JSON.stringify(t)), (e) => debug('peek failed', e.message)), 3000);
  const ms = await page.evaluate(([f, t]) => window.__bench.throughput(f, t), [bigFile, 300_000]);
  clearInterval(peek);
  debug(name, 'cat done', ms);
  const heapAfterCat = await heapMB(page);
  await page.evaluate(() => window.__bench.atPrompt());
  const echo = await page.evaluate((n) => window.__bench.echoLatency(n), 60);
  await page.evaluate(() => window.__bench.atPrompt());
  const cc = [];
  for (let i = 0; i < 3; i++) {
    cc.push(await page.evaluate((f) => window.__bench.ctrlC(f), 1500));
    await page.evaluate(() => window.__bench.atPrompt());
  }
  const heapAfterYes = await heapMB(page);
  return {
    name,
    size: `${info.cols}x${info.rows}`,
    catMBps: SIZE_MB / (ms / 1000),
    catSeconds: ms / 1000,
    echoP50: pct(echo, 50),
    echoP95: pct(echo, 95),
    ctrlCStopMs: cc.map((c) => c.stopMs),
    maxStallMs: Math.max(...cc.map((c) => c.maxGapMs)),
    heapAfterCatMB: heapAfterCat,
    heapAfterYesMB: heapAfterYes,
  };
}

async function benchOurs() {
  const site = await buildFixtureSite(join(tmp, 'site'), [await getGuide('termtest', fixtureContent)]);
  ui = await startUiServer({
    siteDir: site,
    loadGuide: (id) => getGuide(id, fixtureContent),
    shell: { file: 'bash', args: ['--norc', '--noprofile'] },
    cwd: tmp,
    env: { PATH: process.env.PATH, HOME: tmp, PS1: PROMPT, LANG: 'C.UTF-8' },
  });
  const page = await browser.newPage();
  const token = new URL(ui.url).hash.slice('#token='.length);
  await page.goto(`http://127.0.0.1:${ui.port}/guides/termtest/#token=${token}`);
  await page.click('[data-cgr-terminal-toggle]');
  await page.waitForFunction(() => document.querySelector('[data-cgr-terminal]')?.hasAttribute('data-connected'), null, { timeout: 30_000 });
  await page.evaluate(() => (window.__benchTerm = () => window.cgrTerminal.term));
  const renderer = await page.evaluate(() => window.cgrTerminal.renderer);
  const r = await measure('cgr-playbook ui', page);
  await page.close();
  await ui.close();
  ui = undefined;
  return { ...r, renderer };
}

async function benchWetty() {
  const port = await freePort();
  const bin = join(root, 'bench', 'node_modules', 'wetty', 'build', 'main.js');
  // As root on 127.0.0.1, wetty runs the command directly (`env -S bash ...`), no ssh or login.
  const child = spawn(process.execPath, [bin, '--host', '127.0.0.1', '--port', String(port), '--command', 'bash --norc --noprofile', '--log-level', 'warn'], {
    cwd: tmp,
    env: { PATH: process.env.PATH, HOME: tmp, PS1: PROMPT, LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`wetty did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => window.wetty_term && window.wetty_term.buffer.active.length > 0, null, { timeout: 30_000 });
  await page.evaluate(() => (window.__benchTerm = () => window.wetty_term));
  const r = await measure('wetty ' + (await import(join(root, 'node_modules', 'wetty', 'package.json'), { with: { type: 'json' } })).default.version, page);
  await page.close();
  const gone = new Promise((res) => child.once('exit', res));
  process.kill(child.pid, 'SIGTERM');
  await gone;
  return { ...r, renderer: 'wetty default' };
}

function table(rows) {
  const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const lines = [
    ['', ...rows.map((r) => r.name)],
    ['terminal size', ...rows.map((r) => r.size)],
    ['renderer', ...rows.map((r) => r.renderer)],
    [`cat ${SIZE_MB} MB (MB/s)`, ...rows.map((r) => `${f(r.catMBps)} (${f(r.catSeconds)} s)`)],
    ['echo p50 / p95 (ms)', ...rows.map((r) => `${f(r.echoP50)} / ${f(r.echoP95)}`)],
    ['Ctrl-C under yes to prompt (ms)', ...rows.map((r) => r.ctrlCStopMs.map((x) => f(x, 0)).join(', '))],
    ['longest page stall during yes (ms)', ...rows.map((r) => f(r.maxStallMs, 0))],
    ['JS heap after cat / after yes (MB)', ...rows.map((r) => `${f(r.heapAfterCatMB)} / ${f(r.heapAfterYesMB)}`)],
  ];
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  return lines.map((l) => l.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n');
}

try {
  writeBigFile();
  browser = await launchChromium(tmp);
  const results = [await benchOurs()];
  try {
    results.push(await benchWetty());
  } catch (e) {
    process.stdout.write(`wetty could not be measured: ${e.message}\n`);
  }
  process.stdout.write(table(results) + '\n');
  const ours = results[0];
  const wetty = results[1];
  const checks = [
    [`cat >= 15 MB/s`, ours.catMBps >= 15],
    [`cat not slower than wetty`, wetty ? ours.catMBps >= wetty.catMBps : 'wetty not measured'],
    [`Ctrl-C to stop < 250 ms (worst of 3)`, Math.max(...ours.ctrlCStopMs) < 250],
  ];
  for (const [what, ok] of checks) process.stdout.write(`${ok === true ? 'PASS' : ok === false ? 'MISS' : 'N/A '}  ${what}\n`);
  process.stdout.write('JSON ' + JSON.stringify(results) + '\n');
} finally {
  await browser?.close();
  await ui?.close();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
