// Whole-process wall time of the CLI as a user starts it: `cgr-playbook --help` and
// `cgr-playbook validate` (every guide). 20 runs each after one warm-up; median and p95.
// Measured through bin/cgr-playbook.js on the system `node` (what `npx cgr-playbook` does) when
// that Node meets package.json "engines" (an older one gets a one-line refusal, checked here
// too), and on the repository's Node 24.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(root, 'bin', 'cgr-playbook.js');
const node24 = existsSync(join(root, 'node_modules', '.bin', 'node')) ? join(root, 'node_modules', '.bin', 'node') : process.execPath;
const RUNS = Number(process.env.BENCH_RUNS ?? 20);

/** The machine's own `node`: PATH without the node_modules/.bin folders npm puts first. */
function systemNode() {
  const PATH = (process.env.PATH ?? '').split(':').filter((d) => !d.includes('node_modules')).join(':');
  const r = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8', env: { ...process.env, PATH } });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function time(cmd, args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  return { ms, status: r.status, stderr: r.stderr };
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const pick = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: pick(0.5), p95: pick(0.95), min: s[0], max: s.at(-1) };
}

const sys = systemNode();
const sysVersion = sys ? spawnSync(sys, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'none';
const n24Version = spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim();

const cases = [
  { name: '--help', args: ['--help'], targetMs: 300, expectStatus: 0 },
  { name: 'validate', args: ['validate'], targetMs: 1000, expectStatus: 0 },
];
const need = /(\d+)\.(\d+)/.exec(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node);
const [sysMajor, sysMinor] = sysVersion.replace(/^v/, '').split('.').map(Number);
const sysSupported = sys !== undefined && (sysMajor > Number(need[1]) || (sysMajor === Number(need[1]) && sysMinor >= Number(need[2])));
let broken = 0;
if (sys && !sysSupported) {
  const r = spawnSync(sys, [bin, '--help'], { encoding: 'utf8' });
  const ok = r.status === 2 && /is not supported; cgr-playbook .* needs Node\.js/.test(r.stderr) && r.stderr.trim().split('\n').length === 2;
  console.log(`system node ${sysVersion} is older than engines ${need[0]}: bin refuses with a one-line error: ${ok ? 'yes' : `NO (exit ${r.status}): ${r.stderr}`}`);
  if (!ok) broken++;
}
const launchers = [
  ...(sysSupported ? [{ name: `bin on system node ${sysVersion}`, cmd: sys, pre: [bin] }] : []),
  { name: `bin on node ${n24Version}`, cmd: node24, pre: [bin] },
];

let over = 0;
console.log(`runs per case: ${RUNS} (after 1 warm-up); wall time of the whole process`);
for (const c of cases) {
  for (const l of launchers) {
    const warm = time(l.cmd, [...l.pre, ...c.args]);
    if (warm.status !== c.expectStatus) {
      console.log(`${c.name.padEnd(9)} ${l.name}: exit ${warm.status}, expected ${c.expectStatus}\n${warm.stderr}`);
      broken++;
      continue;
    }
    const samples = [];
    for (let i = 0; i < RUNS; i++) samples.push(time(l.cmd, [...l.pre, ...c.args]).ms);
    const s = stats(samples);
    const ok = s.median < c.targetMs;
    if (!ok) over++;
    console.log(
      `${c.name.padEnd(9)} ${l.name.padEnd(34)} median ${s.median.toFixed(0).padStart(4)} ms  p95 ${s.p95.toFixed(0).padStart(4)} ms  ` +
        `min ${s.min.toFixed(0).padStart(4)}  max ${s.max.toFixed(0).padStart(4)}  target < ${c.targetMs} ms: ${ok ? 'met' : 'MISSED'}`,
    );
  }
}
if (over) console.log(`${over} measurement(s) above target`);
// Missing a target is reported, not a failure of the bench; a CLI that does not run is.
process.exitCode = broken ? 1 : 0;
