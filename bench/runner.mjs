// Runner overhead per step: a guide of 50 `true` commands through runPlaybook (a pty, events,
// masking, checks per step) against the same 50 commands in one shell. Target: < 20 ms a step.
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
