// The lab and the pull probe: `lab up` time (with and without the cache), and the `pull` probe
// (manifest + config + every layer of linux/amd64, digests checked) against `skopeo inspect` and
// `skopeo copy` of the same image from the same lab registry, side by side.
// Run standalone: node_modules/.bin/node bench/lab.mjs  (needs dist/: npm run build:engine)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { labUp, labDown } = await import(join(root, 'dist/playbooks/lab/index.js'));
const { createProbeRunner } = await import(join(root, 'dist/playbooks/probes/index.js'));

const ROUNDS = 5;
const work = mkdtempSync(join(tmpdir(), 'cgr-bench-lab-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}, n=${xs.length})`;

// skopeo as root keeps a blob-info cache in /var/lib/containers/cache: give it a private one.
const blobCache = join(work, 'blob-info-cache');
spawnSync('mkdir', ['-p', blobCache]);
const canUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0 && spawnSync('test', ['-d', '/var/lib/containers/cache']).status === 0;
function skopeo(args) {
  const cmd = canUnshare ? ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /var/lib/containers/cache && exec skopeo "$@"', blobCache, ...args] : ['skopeo', ...args];
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', env: { ...process.env, TMPDIR: work } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`skopeo ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

try {
  // 1. lab up, fresh state dir each round
  const upCache = [];
  const upNoCache = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const [cache, into] of [[true, upCache], [false, upNoCache]]) {
      const stateDir = join(work, `up-${i}-${cache}`);
      const t0 = performance.now();
      await labUp({ stateDir, cache });
      into.push(performance.now() - t0);
      await labDown({ stateDir, purge: true });
    }
  }
  console.log(`lab up (token service + registry + 3 seeded images + cache):  ${fmt(upCache)}`);
  console.log(`lab up --no-cache:                                           ${fmt(upNoCache)}`);

  // 2. pull probe vs skopeo, same image, same registry
  const stateDir = join(work, 'lab');
  const lab = await labUp({ stateDir });
  try {
    const probes = createProbeRunner();
    const cases = [
      { label: 'registry (token auth)', host: lab.upstream.host },
      { label: 'cache (warm)', host: lab.cache.host },
    ];
    for (const c of cases) {
      const image = `${c.host}/chainguard/wolfi-base:latest`;
      const probe = [];
      const inspect = [];
      const copy = [];
      const warm = await probes.run({ type: 'pull', image, insecure: true }, AbortSignal.timeout(30_000));
      if (!warm.ok) throw new Error(warm.summary);
      for (let i = 0; i < ROUNDS * 2; i++) {
        let t0 = performance.now();
        const r = await probes.run({ type: 'pull', image, insecure: true }, AbortSignal.timeout(30_000));
        probe.push(performance.now() - t0);
        if (!r.ok) throw new Error(r.summary);
        inspect.push(skopeo(['inspect', '--tls-verify=false', '--override-os', 'linux', '--override-arch', 'amd64', `docker://${image}`]));
        const dest = join(work, `copy-${c.host.replace(/[^0-9]/g, '')}-${i}`);
        copy.push(skopeo(['copy', '-q', '--src-tls-verify=false', '--override-os', 'linux', '--override-arch', 'amd64', `docker://${image}`, `dir:${dest}`]));
        rmSync(dest, { recursive: true, force: true });
      }
      console.log(`\n${image} via the ${c.label}, linux/amd64 (index + manifest + config + 2 layers):`);
      console.log(`  pull probe (fetch, digests checked): ${fmt(probe)}`);
      console.log(`  skopeo inspect:                      ${fmt(inspect)}`);
      console.log(`  skopeo copy to dir:                  ${fmt(copy)}`);
    }
  } finally {
    await labDown({ stateDir, purge: true });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
