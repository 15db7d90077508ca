// What a user downloads: `npm pack` (its prepack builds the engine and the site), then the tarball
// installed into an empty folder with a fresh npm cache, as `npm install ./cgr-playbook-*.tgz`
// and as `npx ./cgr-playbook-*.tgz --help` would. Reports the tarball size, install time,
// node_modules size (target <= 90 MB), its largest packages, whether any Node runtime came with it
// (target: none), and whether `npx … --help` works. Needs the npm registry; runs on the Node that
// runs it (npm run bench: the repository's Node 24) and on this machine's npm. When the machine's
// own Node is older than package.json "engines" (Debian's Node 20), also checks that the installed
// command and `npx ./….tgz --help` on that Node refuse with the one-line error, not a stack trace.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, lstatSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const TARGET_MB = 90;
const work = mkdtempSync(join(tmpdir(), 'cgr-bench-pack-'));
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
  npm_config_cache: join(work, 'npm-cache'),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  NO_COLOR: '1',
};

function timed(cmd, args, opts) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 64 << 20, ...opts });
  return { ...r, secs: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** Bytes under a folder (files only, symlinks not followed). */
function du(p) {
  const st = lstatSync(p);
  if (st.isSymbolicLink()) return 0;
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(p)) n += du(join(p, e));
  return n;
}

/** ELF executables named `node` (a Node runtime) anywhere below. */
function nodeBinaries(p, found = []) {
  for (const e of readdirSync(p, { withFileTypes: true })) {
    const full = join(p, e.name);
    if (e.isDirectory()) nodeBinaries(full, found);
    else if (e.isFile() && e.name === 'node') {
      const fd = openSync(full, 'r');
      const head = Buffer.alloc(4);
      readSync(fd, head, 0, 4, 0);
      closeSync(fd);
      if (head.toString('latin1') === '\x7fELF') found.push(full);
    }
  }
  return found;
}

function packages(nm) {
  const out = [];
  for (const e of readdirSync(nm)) {
    if (e.startsWith('.')) continue;
    if (e.startsWith('@')) for (const s of readdirSync(join(nm, e))) out.push({ name: `${e}/${s}`, bytes: du(join(nm, e, s)) });
    else out.push({ name: e, bytes: du(join(nm, e)) });
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}

const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
let failed = false;
try {
  console.log(`node ${process.version}, npm ${spawnSync('npm', ['--version'], { encoding: 'utf8', env }).stdout.trim()}`);
  const pack = timed('npm', ['pack', '--pack-destination', work], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  if (pack.status !== 0) throw new Error('npm pack failed');
  const tgz = pack.stdout.trim().split('\n').at(-1);
  console.log(`npm pack (prepack builds engine + site): ${pack.secs.toFixed(1)} s -> ${tgz}, ${(statSync(join(work, tgz)).size / 1e3).toFixed(0)} kB`);

  const app = join(work, 'app');
  spawnSync('mkdir', [app]);
  spawnSync('npm', ['init', '-y'], { cwd: app, env, stdio: 'ignore' });
  const install = timed('npm', ['install', `../${tgz}`], { cwd: app });
  if (install.status !== 0) throw new Error(`npm install failed:\n${install.stderr}`);
  const nm = join(app, 'node_modules');
  const total = du(nm);
  const bins = nodeBinaries(nm);
  const withinTarget = total <= TARGET_MB * 1e6;
  console.log(`npm install ./${tgz} into an empty folder (fresh cache): ${install.secs.toFixed(1)} s`);
  console.log(`node_modules: ${mb(total)} (target <= ${TARGET_MB} MB: ${withinTarget ? 'met' : 'MISSED'}), ${packages(nm).length} top-level packages`);
  console.log(`largest: ${packages(nm).slice(0, 6).map((p) => `${p.name} ${mb(p.bytes)}`).join(', ')}`);
  console.log(`Node runtime inside: ${bins.length ? `YES: ${bins.join(', ')}` : 'none'}`);
  if (!withinTarget || bins.length) failed = true;

  const empty = join(work, 'npx');
  spawnSync('mkdir', [empty]);
  const npx = timed('npx', ['--yes', `../${tgz}`, '--help'], { cwd: empty });
  const ok = npx.status === 0 && /Usage: cgr-playbook <command>/.test(npx.stdout);
  console.log(`npx ./${tgz} --help in an empty folder (same cache): exit ${npx.status}, ${npx.secs.toFixed(1)} s, ${ok ? 'prints the help' : `BROKEN: ${npx.stderr.slice(-500)}`}`);
  if (!ok) failed = true;

  // The machine's own Node (PATH without node_modules folders), when older than "engines".
  const sysPath = (process.env.PATH ?? '').split(':').filter((d) => !d.includes('node_modules')).join(':');
  const sys = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8', env: { ...env, PATH: sysPath } }).stdout.trim();
  const sysVersion = sys ? spawnSync(sys, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const need = /(\d+)\.(\d+)/.exec(manifest.engines.node);
  const [maj, min] = sysVersion.replace(/^v/, '').split('.').map(Number);
  if (sys && (maj < Number(need[1]) || (maj === Number(need[1]) && min < Number(need[2])))) {
    const refusal = new RegExp(`^cgr-playbook: Node\\.js ${sysVersion.slice(1).replace(/\./g, '\\.')} is not supported; cgr-playbook ${manifest.version.replace(/\./g, '\\.')} needs Node\\.js ${need[1]}\\.${need[2]} or newer\\.\n  hint: [^\n]+\n$`);
    const direct = spawnSync(sys, [join(nm, '.bin', 'cgr-playbook'), '--help'], { encoding: 'utf8', cwd: app, env: { ...env, PATH: sysPath } });
    const viaNpx = timed('npx', ['--yes', `../${tgz}`, '--help'], { cwd: empty, env: { ...env, PATH: sysPath } });
    const npxErr = viaNpx.stderr.split('\n').filter((l) => l && !/^npm warn/i.test(l)).join('\n') + '\n';
    const directOk = direct.status === 2 && direct.stdout === '' && refusal.test(direct.stderr);
    const npxOk = viaNpx.status === 2 && viaNpx.stdout === '' && refusal.test(npxErr);
    console.log(`on the system node ${sysVersion} (older than engines ${manifest.engines.node}): installed bin ${directOk ? 'refuses in one line (exit 2)' : `NOT A CLEAR REFUSAL (exit ${direct.status}): ${direct.stderr.slice(-400)}`}; npx ./${tgz} --help ${npxOk ? 'refuses in one line (exit 2)' : `NOT A CLEAR REFUSAL (exit ${viaNpx.status}): ${viaNpx.stderr.slice(-400)}`}`);
    if (directOk) console.log(`  ${direct.stderr.split('\n')[0]}`);
    if (!directOk || !npxOk) failed = true;
  } else {
    console.log(`system node ${sysVersion || 'none'}: not older than engines ${manifest.engines.node}, no refusal to check`);
  }
} catch (e) {
  console.log(`pack bench failed: ${e.message}`);
  failed = true;
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
