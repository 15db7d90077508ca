// Builds the documentation site into build/site (or $CGR_PLAYBOOK_SITE_OUT) with `astro build`, and records
// what it was built from so `npm start` knows when to rebuild.
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceStamp } from './site-stamp.mjs';
import { siteEnv } from './site-env.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = resolve(root, process.env.CGR_PLAYBOOK_SITE_OUT ?? 'build/site');
const astro = join(root, 'node_modules', 'astro', 'bin', 'astro.mjs');
const started = Date.now();
// No field values, no test runner's mode variables (site-env.mjs says which and why).
const env = siteEnv(process.env);
// The guides: as for the CLI, $CGR_PLAYBOOK_CONTENT, else "content" of a cgr-playbook.config.* in the
// working folder or above (read with the built engine), else content/.
if (!env.CGR_PLAYBOOK_CONTENT) {
  try {
    const { loadToolConfig } = await import('../dist/playbooks/config.js');
    const config = loadToolConfig(process.cwd(), env);
    if (config.content) env.CGR_PLAYBOOK_CONTENT = config.content;
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write(`build-site: ${e.message}\n`);
      process.exit(2);
    }
  }
}
const r = spawnSync(process.execPath, [astro, 'build', '--silent'], { cwd: root, stdio: 'inherit', env: { ...env, CGR_PLAYBOOK_SITE_OUT: out, ASTRO_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' } });
if (r.status !== 0) process.exit(r.status ?? 1);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, '.source-stamp'), sourceStamp(root));
process.stdout.write(`site built in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${out}\n`);
