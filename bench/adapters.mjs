// Product adapters against the product EMULATORS (test doubles, not the products), over real
// HTTP on 127.0.0.1: wall time of apply (create), apply again (no change), check; median and p95
// of 20 runs each. Then the data plane against the lab: the first pull through each emulator
// (starts its Distribution cache, fetches from the lab upstream) and a second pull (served from
// the cache). Uses the built engine (dist/).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = (p) => import(join(root, 'dist', 'playbooks', p));
const { getGuide } = await dist('guides.js');
const { createFieldsApplier, resolveFieldsStep } = await dist('adapters/index.js');
const { startNexusEmulator, startArtifactoryEmulator, startCloudsmithEmulator } = await dist('emulators/index.js');
const { labUp, labDown, startDistribution } = await dist('lab/index.js');
const { createProbeRunner } = await dist('probes/index.js');

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const content = join(root, 'content');
const applier = createFieldsApplier();
const signal = () => AbortSignal.timeout(30_000);

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const pick = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return `median ${pick(0.5).toFixed(1)} ms, p95 ${pick(0.95).toFixed(1)} ms`;
}
async function ms(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  return p;
}

const guides = { nexus: await getGuide('nexus', content), artifactory: await getGuide('artifactory', content), cloudsmith: await getGuide('cloudsmith', content) };

async function controlPlane(name, guide, stepId, valuesFor, stop) {
  const create = [], rerun = [], check = [];
  for (let i = 0; i < RUNS; i++) {
    const step = resolveFieldsStep(guides[guide], stepId, 'developer', await valuesFor(i));
    create.push(await ms(() => applier.apply(step, signal())));
    rerun.push(await ms(() => applier.apply(step, signal())));
    check.push(await ms(() => applier.check(step, signal())));
  }
  await stop();
  console.log(`${name}: apply/create ${stats(create)}; apply/no change ${stats(rerun)}; check ${stats(check)}`);
}

const nexus = await startNexusEmulator({ adminPassword: 'bench-pw', eulaAccepted: true });
await controlPlane('nexus.docker-proxy', 'nexus', 'create-proxy', async (i) => ({ nexusUrl: nexus.url, nexusUser: 'admin', nexusPassword: 'bench-pw', repoName: `r${i}`, repoPort: String(await freePort()), nexusHost: 'x' }), () => nexus.stop());
const art = await startArtifactoryEmulator({ accessToken: 'bench-token' });
await controlPlane('artifactory.docker-remote', 'artifactory', 'create-remote-developer', async (i) => ({ artifactoryUrl: art.url, artifactoryToken: 'bench-token', publicRepoKey: `k${i}`, artifactoryHost: art.host }), () => art.stop());
const cs = await startCloudsmithEmulator({ apiKey: 'bench-key', repositories: Array.from({ length: RUNS }, (_, i) => ({ owner: 'acme', slug: `r${i}` })) });
await controlPlane('cloudsmith.docker-upstream', 'cloudsmith', 'upstream-developer', async (i) => ({ cloudsmithApiUrl: cs.apiUrl, cloudsmithApiKey: 'bench-key', cloudsmithOrg: 'acme', cloudsmithRepo: `r${i}`, cloudsmithRegistry: cs.registryHost }), () => cs.stop());

// Data plane: one lab, one emulator per product, first and second pull of the public image.
const dir = mkdtempSync(join(tmpdir(), 'cgr-bench-adapters-'));
const stateDir = join(dir, 'lab');
try {
  const lab = await labUp({ stateDir, cache: false });
  const dataPlane = { start: startDistribution, stateDir: join(dir, 'caches'), upstreamMap: { 'https://cgr.dev': lab.upstream.url } };
  const probes = createProbeRunner();
  const pullTwice = async (name, image, username, password) => {
    const run = () => probes.run({ type: 'pull', image, username, password, insecure: true }, signal());
    let r1, r2;
    const first = await ms(async () => (r1 = await run()));
    const second = await ms(async () => (r2 = await run()));
    if (!r1.ok || !r2.ok) throw new Error(`${name}: pull failed: ${r1.summary} / ${r2.summary}`);
    console.log(`${name} data plane: first pull (cache start + upstream fetch) ${first.toFixed(0)} ms, second pull ${second.toFixed(0)} ms`);
  };
  const nx = await startNexusEmulator({ adminPassword: 'bench-pw', eulaAccepted: true, activeRealms: ['NexusAuthenticatingRealm', 'DockerToken'], dataPlane });
  const port = await freePort();
  await applier.apply(resolveFieldsStep(guides.nexus, 'create-proxy', 'developer', { nexusUrl: nx.url, nexusUser: 'admin', nexusPassword: 'bench-pw', repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}` }), signal());
  await pullTwice('nexus', `127.0.0.1:${port}/chainguard/wolfi-base:latest`, 'admin', 'bench-pw');
  await nx.stop();
  const a = await startArtifactoryEmulator({ accessToken: 'bench-token', dataPlane });
  await applier.apply(resolveFieldsStep(guides.artifactory, 'create-remote-developer', 'developer', { artifactoryUrl: a.url, artifactoryToken: 'bench-token', publicRepoKey: 'cgr-public', artifactoryHost: a.host }), signal());
  await pullTwice('artifactory', `${a.host}/cgr-public/chainguard/wolfi-base:latest`, 'admin', 'bench-token');
  await a.stop();
  const c = await startCloudsmithEmulator({ apiKey: 'bench-key', repositories: [{ owner: 'acme', slug: 'cg' }], dataPlane });
  await applier.apply(resolveFieldsStep(guides.cloudsmith, 'upstream-developer', 'developer', { cloudsmithApiUrl: c.apiUrl, cloudsmithApiKey: 'bench-key', cloudsmithOrg: 'acme', cloudsmithRepo: 'cg', cloudsmithRegistry: c.registryHost }), signal());
  await pullTwice('cloudsmith', `${c.registryHost}/acme/cg/wolfi-base:latest`, 'jane', 'bench-key');
  await c.stop();
} finally {
  await labDown({ stateDir });
  rmSync(dir, { recursive: true, force: true });
}
