// The lab's life cycle through the real CLI code: up, status, token (chainctl's format, matched
// by the distribution guide's own Capture regexes), down leaving nothing running, clear errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from '../../playbooks/cli/main.ts';
import type { CliIO } from '../../playbooks/cli/io.ts';
import { isAlive, labDown, labStatus, labUp, startDistribution } from '../../playbooks/lab/index.ts';
import { PlaybookError } from '../../playbooks/errors.ts';
import { tempDir } from '../support/lab.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function io(env: NodeJS.ProcessEnv = {}): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d) => (o += d));
  stderr.on('data', (d) => (e += d));
  return { stdout, stderr, stdin: new PassThrough(), env: { ...process.env, ...env }, cwd: root, out: () => o, err: () => e };
}

/** The distribution guide's Capture regexes, read from the guide itself. */
function guideCaptures(): Record<string, RegExp> {
  const src = readFileSync(join(root, 'content', 'distribution.mdx'), 'utf8');
  const out: Record<string, RegExp> = {};
  for (const m of src.matchAll(/<Capture name="([A-Za-z]+)" regex=\{'([^']+)'\}/g)) out[m[1]!] = new RegExp(m[2]!);
  return out;
}

describe('cgr-playbook lab', () => {
  const dir = tempDir('lab');
  const stateDir = join(dir, 'state');
  afterAll(async () => {
    await labDown({ stateDir });
    rmSync(dir, { recursive: true, force: true });
  });

  it('up starts token service, registry and cache; status shows them answering', async () => {
    const a = io();
    expect(await runCli(['lab', 'up', '--state-dir', stateDir, '--json'], a)).toBe(0);
    const st = JSON.parse(a.out()) as { upstream: { url: string }; cache: { url: string }; images: Array<{ reference: string; visibility: string }> };
    expect(st.images.map((i) => i.reference.replace(/^[^/]+\//, ''))).toEqual(['chainguard/wolfi-base:latest', 'chainguard/static:latest', 'acme.example/wolfi-base:latest']);
    expect(st.images.map((i) => i.visibility)).toEqual(['public', 'public', 'private']);
    const b = io();
    expect(await runCli(['lab', 'status', '--state-dir', stateDir], b)).toBe(0);
    expect(b.out()).toMatch(/lab running/);
    expect(b.out()).toMatch(/upstream\s+up\s+http:\/\/127\.0\.0\.1:\d+\s+pid \d+\s+answers 401/);
    expect(b.out()).toMatch(/cache\s+up .* answers 200/);
    // Running `up` again returns the running lab unchanged.
    const c = io();
    expect(await runCli(['lab', 'up', '--state-dir', stateDir, '--json'], c)).toBe(0);
    expect(JSON.parse(c.out()).upstream.url).toBe(st.upstream.url);
  });

  it('token prints a docker login line that the guide\'s captures read, like chainctl does', async () => {
    const a = io({ CGR_PLAYBOOK_LAB_STATE_DIR: stateDir });
    expect(await runCli(['lab', 'token', '--ttl', '2h'], a)).toBe(0);
    const caps = guideCaptures();
    expect(Object.keys(caps).sort()).toEqual(['identityId', 'pullToken']);
    const id = caps['identityId']!.exec(a.out())?.[1];
    const tok = caps['pullToken']!.exec(a.out())?.[1];
    expect(id).toMatch(/^[0-9a-f]{40}\/[0-9a-f]{16}$/);
    expect(tok).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a.out()).toMatch(/^    docker login "127\.0\.0\.1:\d+" --username "/m);
  });

  it('token rejects a bad ttl with a hint', async () => {
    const a = io();
    expect(await runCli(['lab', 'token', '--state-dir', stateDir, '--ttl', 'forever'], a)).toBe(2);
    expect(a.err()).toMatch(/ttl "forever"/);
    expect(a.err()).toMatch(/hint: e\.g\. --ttl 720h/);
  });

  it('the cache\'s pull token reaches it through the environment, never its config file', () => {
    const cfg = readFileSync(join(stateDir, 'cache', 'config.yml'), 'utf8');
    expect(cfg).toMatch(/remoteurl: http:\/\/127\.0\.0\.1:\d+/);
    expect(cfg).not.toMatch(/password|username|eyJ/);
  });

  it('down stops every process by pid and --purge removes the state directory', async () => {
    const st = await labStatus({ stateDir });
    const pids = st.components.map((c) => c.pid!);
    expect(pids).toHaveLength(3);
    const a = io();
    expect(await runCli(['lab', 'down', '--state-dir', stateDir, '--purge'], a)).toBe(0);
    expect(a.out()).toMatch(/stopped cache, upstream, token/);
    for (const p of pids) expect(isAlive(p)).toBe(false);
    expect(existsSync(stateDir)).toBe(false);
    const b = io();
    expect(await runCli(['lab', 'status', '--state-dir', stateDir], b)).toBe(1);
    expect(b.out()).toMatch(/no lab/);
  });

  it('token without a running lab says how to start one', async () => {
    const a = io();
    expect(await runCli(['lab', 'token', '--state-dir', stateDir], a)).toBe(2);
    expect(a.err()).toMatch(/no running lab/);
    expect(a.err()).toMatch(/cgr-playbook lab up/);
  });
});

describe('lab errors', () => {
  const dir = tempDir('lab-err');
  afterAll(async () => {
    for (const s of ['s1', 's2', 's3']) await labDown({ stateDir: join(dir, s) });
    rmSync(dir, { recursive: true, force: true });
  });

  it('a missing docker-registry names the package to install', async () => {
    const a = io({ CGR_PLAYBOOK_REGISTRY_BIN: join(dir, 'no-such-registry') });
    expect(await runCli(['lab', 'up', '--state-dir', join(dir, 's1')], a)).toBe(2);
    expect(a.err()).toMatch(/was not found/);
    expect(a.err()).toMatch(/apt-get install docker-registry/);
    expect(existsSync(join(dir, 's1', 'token'))).toBe(false);
  });

  it('a cache whose upstream is down is refused before Distribution would panic', async () => {
    const e = await startDistribution({ name: 'cache', stateDir: join(dir, 's2'), proxy: { remoteUrl: 'http://127.0.0.1:9' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PlaybookError);
    expect((e as PlaybookError).code).toBe('LAB_UPSTREAM_DOWN');
    expect((e as PlaybookError).hint).toMatch(/start the upstream first/);
  });

  it('rejects an organization that cannot be a namespace', async () => {
    await expect(labUp({ stateDir: join(dir, 's3'), org: 'Bad Org' })).rejects.toThrow(/cannot be a repository namespace/);
    expect(readdirSync(dir)).not.toContain('s3');
  });
});

describe('startDistribution', () => {
  const dir = tempDir('dist');
  let stop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a plain registry on a free loopback port and stops it by pid', async () => {
    const r = await startDistribution({ name: 'plain', stateDir: dir });
    stop = r.stop;
    expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${r.url}/v2/`)).status).toBe(200);
    expect(readFileSync(r.pidFile, 'utf8').trim()).toBe(String(r.pid));
    await r.stop();
    expect(isAlive(r.pid)).toBe(false);
    expect(existsSync(r.pidFile)).toBe(false);
  });

  it('does not mistake another server on its port for itself', async () => {
    const other = createServer((_req, res) => res.writeHead(200).end('{}'));
    const port = await new Promise<number>((r) => other.listen(0, '127.0.0.1', () => r((other.address() as AddressInfo).port)));
    try {
      const e = await startDistribution({ name: 'taken', stateDir: dir, port, readyTimeoutMs: 5000 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PlaybookError);
      expect((e as PlaybookError).code).toBe('LAB_REGISTRY_START');
      expect((e as PlaybookError).message).toMatch(/address already in use/);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });
});
