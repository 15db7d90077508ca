// `npm start`: build the site if it is missing or older than its sources, then serve build/site
// on http://127.0.0.1:4321 (PORT to change it).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceStamp } from './site-stamp.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'build', 'site');
const stampFile = join(out, '.source-stamp');
const fresh = existsSync(join(out, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === sourceStamp(root);
if (!fresh) {
  process.stdout.write('building the site (npm run build)...\n');
  for (const script of ['build-engine.mjs', 'build-site.mjs']) {
    const r = spawnSync(process.execPath, [join(root, 'scripts', script)], { cwd: root, stdio: 'inherit', env: { ...process.env, CGR_SITE_OUT: out } });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
const server = spawn(process.execPath, [join(root, 'scripts', 'static-server.mjs'), '--root', out, '--port', process.env.PORT ?? '4321'], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));
