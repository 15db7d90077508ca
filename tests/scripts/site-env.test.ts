// The environment the site is built with (scripts/build-site.mjs) and served with in development
// (scripts/dev.mjs): one rule, scripts/site-env.mjs. A reader's field values (CGR_<FIELD>, secrets
// among them) never reach it; the tool's own settings (CGR_PLAYBOOK_*) and everything else do; a
// test runner's mode variables do not.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../cli/memory-io.ts';

type Env = Record<string, string | undefined>;
const load = async () => (await import(pathToFileURL(join(repoRoot, 'scripts', 'site-env.mjs')).href)) as { siteEnv(env: Env): Env };

describe('siteEnv', () => {
  it('drops field values (every CGR_* but CGR_PLAYBOOK_*), secrets among them, and keeps the tool settings and the rest', async () => {
    const { siteEnv } = await load();
    const env: Env = {
      PATH: '/usr/bin',
      HOME: '/home/r',
      HTTPS_PROXY: 'http://proxy:3128',
      CGR_PULL_TOKEN: 'pull-token-Secret-1234',
      CGR_IDENTITY_ID: 'abc/def',
      CGR_NEXUS_PASSWORD: 'nexus-Secret-5678',
      CGR_: 'x',
      CGR_PLAYBOOK_CONTENT: '/guides',
      CGR_PLAYBOOK_SITE_OUT: '/out',
      CGR_PLAYBOOK_CONFIG: '/c.json',
      CGRX: 'not a field value',
    };
    expect(siteEnv(env)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/r',
      HTTPS_PROXY: 'http://proxy:3128',
      CGR_PLAYBOOK_CONTENT: '/guides',
      CGR_PLAYBOOK_SITE_OUT: '/out',
      CGR_PLAYBOOK_CONFIG: '/c.json',
      CGRX: 'not a field value',
    });
  });

  it("drops a test runner's mode variables (Vite would read them into import.meta.env) and NODE_ENV, which each script sets itself", async () => {
    const { siteEnv } = await load();
    const env: Env = { DEV: '1', PROD: '', SSR: '1', MODE: 'test', BASE_URL: '/', TEST: 'true', VITEST: 'true', VITEST_POOL_ID: '1', VITEST_WORKER_ID: '2', NODE_ENV: 'test', DEVELOPER: 'kept', MODE_X: 'kept' };
    expect(siteEnv(env)).toEqual({ DEVELOPER: 'kept', MODE_X: 'kept' });
  });

  it('returns a copy: the caller’s environment is left as it was', async () => {
    const { siteEnv } = await load();
    const env: Env = { CGR_PULL_TOKEN: 's', PATH: '/bin' };
    siteEnv(env);
    expect(env).toEqual({ CGR_PULL_TOKEN: 's', PATH: '/bin' });
  });

  it('build-site.mjs and dev.mjs start Astro with siteEnv(process.env) and filter nothing themselves', () => {
    for (const f of ['build-site.mjs', 'dev.mjs']) {
      const src = readFileSync(join(repoRoot, 'scripts', f), 'utf8');
      expect(src, f).toContain("{ siteEnv } from './site-env.mjs';");
      expect(src, f).toMatch(/= siteEnv\(process\.env\)/);
      expect(src, f).not.toMatch(/Object\.entries\(process\.env\)/);
    }
  });
});
