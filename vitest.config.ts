import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Two cores on CI: keep heavy suites (lab, browser) from running all at once.
    maxWorkers: 2,
  },
});
