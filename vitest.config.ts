import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One folder per run for the site builds test files share (tests/browser/site-harness.ts buildSite).
    globalSetup: ['tests/support/site-builds.ts'],
    pool: 'forks',
    // Hang guards, not speed limits (speed is measured in bench/). Tests that start registries,
    // podman pulls, emulators or chromium took 15-19 s at a load of 25 on two cores, too close
    // to a 30 s limit; a hang still fails within a minute.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: keep heavy suites (lab, browser) from running all at once.
    maxWorkers: 2,
  },
});
