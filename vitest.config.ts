import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One folder per run for the site builds test files share (tests/browser/site-harness.ts buildSite).
    globalSetup: ['tests/support/site-builds.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores on CI: keep heavy suites (lab, browser) from running all at once.
    maxWorkers: 2,
  },
});
