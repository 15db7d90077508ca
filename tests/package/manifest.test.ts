// The published manifest: what is imported is declared (runtime imports in "dependencies"), no
// Node runtime rides along, no lifecycle script needs a file the tarball does not carry, and the
// licence it names is there.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { repoRoot } from '../cli/memory-io.ts';

interface Manifest {
  version: string;
  license: string;
  files: string[];
  scripts: Record<string, string>;
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const benchManifest = JSON.parse(readFileSync(join(repoRoot, 'bench/package.json'), 'utf8')) as { dependencies: Record<string, string> };

function walk(dir: string, exts: RegExp, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === 'dist' || e === 'build' || e.startsWith('.')) continue;
    const full = join(dir, e);
    if (statSync(full).isDirectory()) walk(full, exts, out);
    else if (exts.test(e)) out.push(full);
  }
  return out;
}

/** Bare package names a file imports (static, dynamic, side-effect; skips builtins and virtual modules). */
function importedPackages(file: string): string[] {
  // Type-only imports vanish at build time: they need no runtime package.
  const text = readFileSync(file, 'utf8').replace(/^\s*(?:import|export)\s+type\s[^;]*;/gm, '');
  const specs = [...text.matchAll(/(?:^|[^.\w])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return specs
    .filter((s) => !/^(\.|\/|node:|virtual:|astro:|file:)/.test(s) && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

describe('package.json', () => {
  it('runtime code (bin/, playbooks/ except tests) imports only packages in "dependencies"', () => {
    const files = [...walk(join(repoRoot, 'bin'), /\.js$/), ...walk(join(repoRoot, 'playbooks'), /\.ts$/)];
    const missing = files.flatMap((f) => importedPackages(f).filter((p) => !(p in manifest.dependencies)).map((p) => `${relative(repoRoot, f)}: ${p}`));
    expect(missing).toEqual([]);
  });

  it('the site, scripts and tests import only declared packages; the benches use bench/package.json too', () => {
    const declared = { ...manifest.dependencies, ...manifest.devDependencies };
    const files = [join(repoRoot, 'astro.config.mjs'), ...walk(join(repoRoot, 'src'), /\.(ts|mjs|astro)$/), ...walk(join(repoRoot, 'scripts'), /\.mjs$/), ...walk(join(repoRoot, 'tests'), /\.ts$/)];
    const missing = files.flatMap((f) => importedPackages(f).filter((p) => !(p in declared)).map((p) => `${relative(repoRoot, f)}: ${p}`));
    expect(missing).toEqual([]);
    const benchMissing = walk(join(repoRoot, 'bench'), /\.mjs$/).flatMap((f) => importedPackages(f).filter((p) => !(p in declared) && !(p in benchManifest.dependencies)).map((p) => `${relative(repoRoot, f)}: ${p}`));
    expect(benchMissing).toEqual([]);
  });

  it('what Starlight brings is not declared again, and bench-only weight stays out of the repository install', () => {
    expect(manifest.devDependencies).not.toHaveProperty('@astrojs/mdx');
    for (const p of Object.keys(benchManifest.dependencies)) {
      expect(manifest.dependencies).not.toHaveProperty(p);
      expect(manifest.devDependencies).not.toHaveProperty(p);
    }
  });

  it('no Node runtime for users: nothing named node or node-<platform> outside devDependencies', () => {
    const userDeps = { ...manifest.dependencies, ...(manifest.optionalDependencies ?? {}) };
    expect(Object.keys(userDeps).filter((p) => p === 'node' || p === 'node-bin' || /^node-(linux|darwin|win|sunos|aix)-/.test(p))).toEqual([]);
    expect(manifest.devDependencies).toHaveProperty('node');
  });

  it('no install-time lifecycle script, and every script the tarball may run has its file inside it', () => {
    for (const s of ['prepare', 'preinstall', 'install', 'postinstall']) expect(manifest.scripts).not.toHaveProperty(s);
    // prepack/postpack run in the repository (npm pack), not where the tarball is installed.
    expect(manifest.files).not.toContain('scripts');
  });

  it('the licence named in package.json is in the repository (npm adds LICENSE to every tarball)', () => {
    expect(manifest.license).toBe('Apache-2.0');
    const text = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
    expect(text.trimStart().startsWith('Apache License\n                           Version 2.0, January 2004')).toBe(true);
    expect(text).toContain('END OF TERMS AND CONDITIONS');
    expect(existsSync(join(repoRoot, 'LICENSE'))).toBe(true);
  });
});
