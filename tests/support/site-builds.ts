// Global set-up (vitest.config.ts `globalSetup`): one folder per test run where the test files
// that need the built site share its builds. Six files (browser tests, the tarball test) build a
// site, five of them from the same guides; each `astro build` takes a core for 30-60 s on a loaded
// two-core machine and builds take turns (site-harness.ts `acquireAstroLock`), so a file waiting
// behind the others ran past its beforeAll time limit. Now the first file builds each guides folder
// once per run and the others copy it. The folder is removed when the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder holding this run's shared site builds. */
    siteBuilds: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'cgr-site-builds-'));
  project.provide('siteBuilds', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
