// Runner overhead per step: a guide of 50 `true` commands through runPlaybook (a pty, events,
// masking, checks per step) against the same 50 commands in one shell. Target: < 20 ms a step.
// Then the runner's own work per step without a command: a dry run of 200 steps, each showing a
// command with values of 40 fields (8 of them secrets), so the masking of the values shown counts.
// Run standalone: node_modules/.bin/node bench/runner.mjs  (needs dist/: npm run build:engine)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { loadGuideSource, runPlaybook } = await import(join(root, 'dist/playbooks/index.js'));

const N = 50;
const ROUNDS = 5;
const steps = Array.from({ length: N }, (_, i) => `<Command id="s${i + 1}" title="true number ${i + 1}">\n  \`\`\`sh\n  true\n  \`\`\`\n</Command>\n`).join('\n');
const source = `---\nid: bench\ntitle: Fifty trues\nproduct: bash\nsummary: Runner overhead benchmark.\n---\n\n${steps}`;
const { guide, diagnostics } = loadGuideSource(source, 'bench.mdx');
if (!guide) throw new Error(`bench guide invalid: ${JSON.stringify(diagnostics)}`);

const cpu = [];
async function viaRunner() {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await runPlaybook(guide, { path: 'developer', ci: true }).done;
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  if (result.exitCode !== 0 || result.steps.length !== N) throw new Error(`run failed: ${result.status}`);
  return ms;
}

function oneShell() {
  const script = Array.from({ length: N }, () => 'true').join('\n');
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', script]);
  if (r.status !== 0) throw new Error('shell failed');
  return performance.now() - t0;
}

await viaRunner(); // warm up: loads node-pty
cpu.length = 0;
const runner = [];
const shell = [];
for (let i = 0; i < ROUNDS; i++) {
  runner.push(await viaRunner());
  shell.push(oneShell());
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const perStep = (median(runner) - median(shell)) / N;
console.log(`runner: ${N} steps of \`true\`: median ${median(runner).toFixed(1)} ms (${(median(runner) / N).toFixed(2)} ms/step); one shell: ${median(shell).toFixed(1)} ms`);
console.log(`runner process CPU: ${(median(cpu) / N).toFixed(2)} ms/step (user+system of this process; the shells' own CPU not counted)`);
console.log(`load average: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} on ${(await import('node:os')).availableParallelism()} cores (wall-clock figures grow with load)`);
console.log(`runner overhead: ${perStep.toFixed(2)} ms/step wall clock (target < 20 ms) ${perStep < 20 ? 'OK' : 'OVER TARGET'}`);
if (perStep >= 20) process.exitCode = 1;

// Values shown per step: a dry run runs no command, so what is left is planning, showing each
// step's command (its values masked) and the events.
const F = 40;
const SECRETS = 8;
const D = 200;
const fields = Array.from({ length: F }, (_, i) => `<Field id="v${i}" label="Value ${i}" type="${i < SECRETS ? 'secret' : 'text'}" />`).join('\n');
const refs = (i) => Array.from({ length: 6 }, (_, k) => `{{v${(i + k * 7) % F}}}`).join(' ');
const dsteps = Array.from({ length: D }, (_, i) => `<Command id="d${i + 1}" title="step ${i + 1}">\n  \`\`\`sh\n  echo ${refs(i)}\n  \`\`\`\n</Command>\n`).join('\n');
const dsource = `---\nid: bench-values\ntitle: Values shown\nproduct: bash\nsummary: Runner overhead benchmark.\n---\n\n${fields}\n\n${dsteps}`;
const loaded = loadGuideSource(dsource, 'bench-values.mdx');
if (!loaded.guide) throw new Error(`bench guide invalid: ${JSON.stringify(loaded.diagnostics)}`);
const dvalues = Object.fromEntries(Array.from({ length: F }, (_, i) => [`v${i}`, i < SECRETS ? `Secret-${i}-${'x'.repeat(24)}-${i}` : `value-${i}-${'y'.repeat(40)}`]));
const dryCpu = [];
async function dryRun() {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await runPlaybook(loaded.guide, { path: 'developer', ci: true, dryRun: true, values: dvalues }).done;
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  dryCpu.push((c.user + c.system) / 1000);
  if (result.exitCode !== 0 || result.steps.length !== D) throw new Error(`dry run failed: ${result.status}`);
  return ms;
}
for (let i = 0; i < 3; i++) await dryRun(); // warm up
dryCpu.length = 0;
const dry = [];
for (let i = 0; i < 15; i++) dry.push(await dryRun());
const us = (ms) => ((ms / D) * 1000).toFixed(0);
console.log(`dry run: ${D} steps showing 6 of ${F} values (${SECRETS} secret): median ${median(dry).toFixed(1)} ms wall (${us(median(dry))} µs/step), CPU median ${median(dryCpu).toFixed(1)} ms (${us(median(dryCpu))} µs/step), min ${Math.min(...dryCpu).toFixed(1)} ms`);

