// `npm run bench`: runs every bench/*.mjs other than this one, one after another.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
let failed = 0;
for (const name of readdirSync(here).filter((n) => n.endsWith('.mjs') && n !== 'run.mjs').sort()) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  process.stdout.write(`\n== bench/${name}\n`);
  const r = spawnSync(process.execPath, [join(here, name)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`bench/${name} failed (exit ${r.status ?? r.signal})\n`);
  }
}
process.exit(failed ? 1 : 0);
