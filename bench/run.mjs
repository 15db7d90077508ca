// `npm run bench`: runs every other bench/*.mjs, in name order, each as its own process on the
// project's Node (node_modules/.bin/node), and prints their output. Exit 1 if any bench failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const localNode = join(root, 'node_modules', '.bin', 'node');
const node = existsSync(localNode) ? localNode : process.execPath;
const self = basename(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);

const files = readdirSync(here)
  .filter((n) => n.endsWith('.mjs') && n !== self)
  .filter((n) => only.length === 0 || only.some((o) => n.includes(o)))
  .sort();

// The benches' own dependencies (wetty, lighthouse, chrome-launcher) live in bench/package.json,
// out of the repository's install: fetch them on first use.
if (!existsSync(join(here, 'node_modules')) && files.some((n) => ['site.mjs', 'terminal.mjs'].includes(n))) {
  process.stdout.write('installing the benches\' dependencies (bench/package.json)...\n');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: here, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const failed = [];
for (const name of files) {
  process.stdout.write(`\n== bench/${name}\n`);
  const started = process.hrtime.bigint();
  const r = spawnSync(node, [join(here, name)], { cwd: root, stdio: 'inherit' });
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  const status = r.error ? `could not start: ${r.error.message}` : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  process.stdout.write(`-- bench/${name}: ${status}, ${secs.toFixed(1)} s\n`);
  if (r.error || r.status !== 0) failed.push(name);
}
process.stdout.write(`\n${files.length - failed.length} of ${files.length} bench file(s) ran cleanly${failed.length ? `; failed: ${failed.join(', ')}` : ''}\n`);
process.exitCode = failed.length ? 1 : 0;
