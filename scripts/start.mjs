// `npm start`: build the site if it is missing or older than its sources, then run
// `cgr-playbook ui`: the site and the terminal runner on http://127.0.0.1:4321 (PORT to change it;
// extra arguments go to `ui`, e.g. `npm start -- --open`).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceStamp } from './site-stamp.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'build', 'site');
const stampFile = join(out, '.source-stamp');
const fresh = existsSync(join(out, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === sourceStamp(root);
const engine = spawnSync(process.execPath, [join(root, 'scripts', 'build-engine.mjs')], { cwd: root, stdio: 'inherit' });
if (engine.status !== 0) process.exit(engine.status ?? 1);
if (!fresh) {
  process.stdout.write('building the site (npm run build)...\n');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build-site.mjs')], { cwd: root, stdio: 'inherit', env: { ...process.env, CGR_PLAYBOOK_SITE_OUT: out } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const ui = spawn(process.execPath, [join(root, 'bin', 'cgr-playbook.js'), 'ui', '--port', process.env.PORT ?? '4321', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => ui.kill(sig));
ui.on('exit', (code) => process.exit(code ?? 0));
