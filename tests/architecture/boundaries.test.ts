// Enforces the layering: the engine never imports the CLI or the server; browser code (and the
// browser-safe engine modules it uses) never imports Node, directly or through another file.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|mts|js|mjs)$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
  });
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return [...src.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3]!).filter(Boolean);
}

const NODE_BUILTINS = new Set(['fs', 'path', 'os', 'child_process', 'http', 'https', 'net', 'tls', 'dns', 'crypto', 'stream', 'url', 'util', 'events', 'worker_threads', 'zlib', 'readline', 'process', 'buffer', 'module', 'fs/promises']);
const NODE_ONLY_PACKAGES = new Set(['node-pty', 'ws', 'yaml', 'mdast-util-from-markdown', 'micromark-extension-mdxjs']);

function isNodeImport(spec: string): boolean {
  return spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_ONLY_PACKAGES.has(spec);
}

/** Follows relative imports from `file` and returns every Node import reachable, with the chain. */
function nodeImportsReachable(file: string, seen = new Set<string>(), chain: string[] = []): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const found: string[] = [];
  for (const spec of importsOf(file)) {
    const here = [...chain, relative(root, file)];
    if (isNodeImport(spec)) found.push(`${here.join(' -> ')} imports ${spec}`);
    else if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      const candidates = [target, target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')];
      const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile());
      if (hit) found.push(...nodeImportsReachable(hit, seen, here));
    }
  }
  return found;
}

describe('layering', () => {
  it('the engine never imports the CLI or the server', () => {
    const engine = walk(join(root, 'playbooks')).filter((f) => !/playbooks\/(cli|server)\//.test(f));
    const offenders = engine.flatMap((f) =>
      importsOf(f)
        .filter((s) => s.startsWith('.'))
        .map((s) => resolve(dirname(f), s))
        .filter((t) => /playbooks\/(cli|server)\//.test(t))
        .map((t) => `${relative(root, f)} imports ${relative(root, t)}`),
    );
    expect(engine.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  it('browser-safe engine modules (model, template, plan) never reach Node', () => {
    const safe = walk(join(root, 'playbooks')).filter((f) => /playbooks\/(template|plan|mask)\//.test(f) || /playbooks\/model\/(when|props|field-check)\.ts$/.test(f));
    expect(safe.length).toBeGreaterThan(4);
    expect(safe.flatMap((f) => nodeImportsReachable(f))).toEqual([]);
  });

  it('browser code under src/ never imports Node', () => {
    const browser = walk(join(root, 'src')).filter((f) => /\/(client|scripts)\//.test(f));
    expect(browser.flatMap((f) => nodeImportsReachable(f))).toEqual([]);
  });

  it('the checker itself sees a Node import (so the rules above can fail)', () => {
    expect(nodeImportsReachable(join(root, 'playbooks/guides.ts')).length).toBeGreaterThan(0);
  });
});
