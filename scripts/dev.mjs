// `npm run dev`: the site with hot reload for guide authors (`astro dev`) on
// http://127.0.0.1:4321 (PORT or --port to change it). Saving a guide reloads its page; a guide
// that fails validation shows its file:line:col problems in the page (Astro's error overlay, with
// the guide's source around the first one) as well as in this terminal.
// The guides folder is chosen as for the CLI: --content DIR, $CGR_PLAYBOOK_CONTENT,
// cgr-playbook.config.*, else content/.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { siteEnv } from './site-env.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { content: { type: 'string' }, port: { type: 'string' } }, strict: true });
const engine = spawnSync(process.execPath, [join(root, 'scripts', 'build-engine.mjs')], { cwd: root, stdio: 'inherit' });
if (engine.status !== 0) process.exit(engine.status ?? 1);
const { resolveContentDir } = await import('../dist/playbooks/config.js');
let content;
try {
  content = resolveContentDir({ option: values.content, cwd: process.cwd(), env: process.env });
} catch (e) {
  process.stderr.write(`npm run dev: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
  process.exit(2);
}
// No field values, no test runner's mode variables (site-env.mjs says which and why).
const env = siteEnv(process.env);
const port = values.port ?? process.env.PORT ?? '4321';
const astro = spawn(process.execPath, [join(root, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'dev', '--host', '127.0.0.1', '--port', port], {
  cwd: root,
  stdio: 'inherit',
  env: { ...env, CGR_PLAYBOOK_CONTENT: content, ASTRO_TELEMETRY_DISABLED: '1' },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => astro.kill(sig));
astro.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
