// Shared set-up of the browser tests: build the site into the test's temp dir, serve it on
// 127.0.0.1 with `cgr-playbook ui` (the server readers get), drive Debian's chromium with playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { inject } from 'vitest';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CGR_PLAYBOOK_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function makeTemp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Astro keeps build state in the repo's .astro/, so two Astro processes at once (test files run in
 * parallel workers: builds, and the dev server of the live-preview test) break each other: they
 * take turns through a lock directory. Returns the release.
 */
export function acquireAstroLock(): () => void {
  const lock = join(tmpdir(), `cgr-site-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is stale after 5 minutes.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the site build lock ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  return () => rmSync(lock, { recursive: true, force: true });
}

function withBuildLock<T>(fn: () => T): T {
  const release = acquireAstroLock();
  try {
    return fn();
  } finally {
    release();
  }
}

/**
 * The site built from `content` (default the repo's guides) into `out` (engine already built by
 * `npm test`): `npm run build:site` once per test run and guides folder, into the run's shared
 * folder (tests/support/site-builds.ts), copied from there by every later caller.
 */
export function buildSite(out: string, content?: string): void {
  const guides = resolve(content ?? join(root, 'content'));
  const shared = join(inject('siteBuilds'), createHash('sha256').update(guides).digest('hex').slice(0, 16));
  withBuildLock(() => {
    // build-site.mjs writes .source-stamp last: a folder without it is a build that failed.
    if (existsSync(join(shared, '.source-stamp'))) return;
    rmSync(shared, { recursive: true, force: true });
    buildSiteNow(shared, content);
  });
  cpSync(shared, out, { recursive: true });
}

function buildSiteNow(out: string, content?: string): void {
  const env = { ...process.env, CGR_PLAYBOOK_SITE_OUT: out, ...(content ? { CGR_PLAYBOOK_CONTENT: content } : {}) };
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-site.mjs')], { cwd: root, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`site build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export interface Served {
  /** The site's origin, e.g. http://127.0.0.1:40123 */
  url: string;
  /** The address `cgr-playbook ui` printed (token in the fragment). */
  tokenUrl: string;
  proc: ChildProcess;
  /** What the server wrote to stderr so far (its log). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Serves `dir` the way readers get the site: `cgr-playbook ui --port 0 --site dir` (the one
 * server: gzip, caching, CSP, the runner's meta tag), with `home` as its HOME and working folder;
 * `content`: the guides its runner reads (default the repo's).
 */
export function serve(dir: string, home = dirname(dir), content?: string): Promise<Served> {
  const proc = spawn(process.execPath, [join(root, 'bin', 'cgr-playbook.js'), 'ui', '--port', '0', '--site', dir, ...(content ? ['--content', content] : [])], {
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, SHELL: '/bin/bash', LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`cgr-playbook ui did not start: ${out}${err}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+)\/(#token=[0-9a-f]{32})/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({
          url: m[1]!,
          tokenUrl: `${m[1]!}/${m[2]!}`,
          proc,
          log: () => err,
          stop: () =>
            new Promise<void>((done) => {
              if (proc.exitCode !== null) return done();
              proc.once('exit', () => done());
              process.kill(proc.pid!, 'SIGTERM');
            }),
        });
      }
    });
    proc.once('exit', (code) => fail(new Error(`cgr-playbook ui exited (${code}): ${out}${err}`)));
  });
}

export function launch(profileDir: string, opts: { javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
  });
}
