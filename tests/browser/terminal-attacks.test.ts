// Attacks on the terminal server, each refused before a pty exists: another origin (from a real
// page in chromium and from a raw client), DNS rebinding (wrong Host), no or wrong token, a
// non-loopback address; plus the limits (payload, resize, client cap), the process-group stop
// and logs free of the token, secrets and typed input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { WebSocket } from 'ws';
import { getGuide } from '../../playbooks/guides.ts';
import { startUiServer, WS_PATH, type UiServer } from '../../playbooks/server/server.ts';
import { loadSpawnNodePty, type SpawnPty } from '../../playbooks/server/pty.ts';
import { WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../playbooks/server/security.ts';
import type { ServerMessage } from '../../playbooks/server/protocol.ts';
import { buildFixtureSite, fixtureContent, launchChromium } from './terminal-helpers.ts';

const spawnNodePty = await loadSpawnNodePty();

let tmp: string;
let ui: UiServer;
let token: string;
let spawned: string[];
const logs: string[] = [];
const loadGuide = (id: string) => getGuide(id, fixtureContent);

const countingSpawn: SpawnPty = (file, args, opts) => {
  spawned.push(file);
  return spawnNodePty(file, args, opts);
};

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'cgr-term-attack-'));
  const site = await buildFixtureSite(join(tmp, 'site'), [await loadGuide('termtest')]);
  spawned = [];
  ui = await startUiServer({
    siteDir: site,
    loadGuide,
    spawnPty: countingSpawn,
    shell: { file: 'bash', args: ['--norc', '--noprofile'] },
    cwd: tmp,
    env: { PATH: process.env.PATH, HOME: tmp, PS1: '$ ' },
    maxClients: 2,
    graceMs: 200,
    log: (l) => logs.push(l),
  });
  token = new URL(ui.url).hash.slice('#token='.length);
}, 60_000);

afterAll(async () => {
  await ui?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const origin = () => `http://127.0.0.1:${ui.port}`;

/** Tries a WebSocket upgrade; resolves with the HTTP status (101 when it opened) and the socket. */
function tryUpgrade(opts: { host?: string; origin?: string | null; protocols?: string[]; address?: string; query?: string }): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const addr = opts.address ?? '127.0.0.1';
    const headers: Record<string, string> = {};
    if (opts.host) headers.Host = opts.host;
    const ws = new WebSocket(`ws://${addr}:${ui.port}${WS_PATH}${opts.query ?? ''}`, opts.protocols ?? [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token], {
      headers,
      ...(opts.origin !== null ? { origin: opts.origin ?? origin() } : {}),
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    const inbox: ServerMessage[] = [];
    inboxes.set(ws, inbox);
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) inbox.push(JSON.parse(data.toString()) as ServerMessage);
    });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

const inboxes = new WeakMap<WebSocket, ServerMessage[]>();

/** The next JSON message of this type (messages are collected from the moment the socket opens). */
async function nextMessage(ws: WebSocket, type: ServerMessage['type'], timeout = 10_000): Promise<ServerMessage> {
  const inbox = inboxes.get(ws)!;
  const end = Date.now() + timeout;
  for (;;) {
    const i = inbox.findIndex((m) => m.type === type);
    if (i >= 0) return inbox.splice(0, i + 1).pop()!;
    if (Date.now() > end) throw new Error(`no ${type} message; got ${JSON.stringify(inbox)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function closeAll(...sockets: (WebSocket | undefined)[]): Promise<void> {
  await Promise.all(sockets.map((ws) => ws && new Promise((r) => (ws.once('close', r), ws.close()))));
  // grace period 200 ms in this suite: wait for the sessions to end
  await expect.poll(() => ui.sessions.size, { timeout: 5000 }).toBe(0);
}

describe('terminal server: refused before anything is spawned', () => {
  it('refuses other origins, a missing Origin and "null"', async () => {
    for (const o of ['http://evil.example', `http://127.0.0.1:${ui.port + 1}`, 'null', `https://127.0.0.1:${ui.port}`]) {
      expect((await tryUpgrade({ origin: o })).status, o).toBe(403);
    }
    expect((await tryUpgrade({ origin: null })).status).toBe(403);
    expect(spawned).toEqual([]);
  });

  it('refuses a wrong Host header (DNS rebinding) on pages and on the socket', async () => {
    expect((await tryUpgrade({ host: `evil.example:${ui.port}` })).status).toBe(403);
    expect((await tryUpgrade({ host: `127.0.0.1:${ui.port + 1}` })).status).toBe(403);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: ui.port, path: '/', headers: { Host: `rebind.example:${ui.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect(spawned).toEqual([]);
  });

  it('refuses no token and a wrong token, and opens with the right one', async () => {
    expect((await tryUpgrade({ protocols: [WS_PROTOCOL] })).status).toBe(401);
    expect((await tryUpgrade({ protocols: [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + '0'.repeat(32)] })).status).toBe(401);
    expect((await tryUpgrade({ protocols: [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token.slice(0, -1)] })).status).toBe(401);
    expect((await tryUpgrade({ protocols: [TOKEN_PROTOCOL_PREFIX + token] })).status).toBe(401);
    expect(spawned).toEqual([]);
    const ok = await tryUpgrade({});
    expect(ok.status).toBe(101);
    expect(spawned).toEqual(['bash']);
    await closeAll(ok.ws);
  });

  it('is not reachable on a non-loopback address of this machine', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a!.address);
    expect(external.length, 'this test needs a non-loopback interface').toBeGreaterThan(0);
    for (const address of external) {
      const outcome = await new Promise<string>((resolve) => {
        const s = connect({ host: address, port: ui.port, timeout: 2000 });
        s.on('connect', () => (s.destroy(), resolve('connected')));
        s.on('timeout', () => (s.destroy(), resolve('timeout')));
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(outcome, address).not.toBe('connected');
    }
  });

  it('a page on another origin cannot open the socket, even knowing the token', async () => {
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>evil</title>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const browser = await launchChromium(tmp);
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
      // The page's own script: a plain string, so nothing of this test file leaks into it.
      const script = `new Promise((resolve) => {
        const ws = new WebSocket(${JSON.stringify(`ws://127.0.0.1:${ui.port}${WS_PATH}`)}, ${JSON.stringify([WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token])});
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('error');
        setTimeout(() => resolve('timeout'), 5000);
      })`;
      const result = await page.evaluate(script);
      expect(result).toBe('error');
      expect(ui.sessions.size).toBe(0);
    } finally {
      await browser.close();
      await new Promise((r) => evil.close(r));
    }
  });
});

describe('terminal server: limits', () => {
  it('closes a connection that sends more than the max payload', async () => {
    const { ws } = await tryUpgrade({});
    const closed = new Promise<number>((r) => ws!.once('close', (code) => r(code)));
    ws!.send(Buffer.alloc(200 * 1024, 0x61));
    expect(await closed).toBe(1009);
    await expect.poll(() => ui.sessions.size, { timeout: 5000 }).toBe(0);
  });

  it('clamps resize values', async () => {
    const { ws } = await tryUpgrade({ query: '?cols=99999&rows=-3' });
    const session = [...ui.sessions.values()][0]!;
    expect(session.size).toEqual({ cols: 500, rows: 1 });
    ws!.send(JSON.stringify({ type: 'resize', cols: 1e9, rows: -5 }));
    await expect.poll(() => session.size).toEqual({ cols: 500, rows: 1 });
    ws!.send(JSON.stringify({ type: 'resize', cols: 100, rows: 30 }));
    await expect.poll(() => session.size).toEqual({ cols: 100, rows: 30 });
    await closeAll(ws);
  });

  it('caps the number of clients', async () => {
    const a = await tryUpgrade({});
    const b = await tryUpgrade({});
    expect([a.status, b.status]).toEqual([101, 101]);
    expect((await tryUpgrade({})).status).toBe(503);
    await closeAll(a.ws, b.ws);
  });

  it('does not serve files outside the site', async () => {
    for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd']) {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: ui.port, path, headers: { Host: `127.0.0.1:${ui.port}` } }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(`${res.statusCode} ${b}`));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body).not.toContain('root:');
    }
  });
});

describe('terminal server: runs', () => {
  it('stop kills the step whole process group', async () => {
    const { ws } = await tryUpgrade({});
    await nextMessage(ws!, 'hello');
    const running = nextMessage(ws!, 'step');
    ws!.send(JSON.stringify({ type: 'run', guideId: 'termtest', stepId: 'long-sleep', path: 'developer', values: {} }));
    expect(await running).toMatchObject({ stepId: 'long-sleep', status: 'running' });
    const sleeps = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => /^sleep 317[12]$/.test(l.trim())).length;
    await expect.poll(sleeps, { timeout: 5000 }).toBe(2);
    const end = nextMessage(ws!, 'run-end');
    ws!.send(JSON.stringify({ type: 'cancel' }));
    expect(await end).toMatchObject({ ok: false, cancelled: true });
    expect(sleeps()).toBe(0);
    await closeAll(ws);
  });

  it('takes commands only from the guide: unknown steps and unknown guides are refused', async () => {
    const { ws } = await tryUpgrade({});
    await nextMessage(ws!, 'hello');
    const before = spawned.length;
    let err = nextMessage(ws!, 'error');
    ws!.send(JSON.stringify({ type: 'run', guideId: 'termtest', stepId: 'no-such-step', path: 'developer', values: {} }));
    expect(await err).toMatchObject({ code: 'unknown-step' });
    err = nextMessage(ws!, 'error');
    ws!.send(JSON.stringify({ type: 'run', guideId: 'termtest', stepId: 'say-hello', path: 'developer', values: {}, command: 'rm -rf /' }));
    expect(await err).toMatchObject({ code: 'bad-message' });
    err = nextMessage(ws!, 'error');
    ws!.send(JSON.stringify({ type: 'run', guideId: 'etc-passwd', stepId: 'say-hello', path: 'developer', values: {} }));
    expect(await err).toMatchObject({ code: 'unknown-guide' });
    // Apply is only for "fill fields" steps that name an adapter: a command step is refused.
    err = nextMessage(ws!, 'error');
    ws!.send(JSON.stringify({ type: 'apply', guideId: 'termtest', stepId: 'say-hello', path: 'developer', values: {} }));
    expect(await err).toMatchObject({ code: 'not-applicable' });
    expect(spawned.length).toBe(before);
    await closeAll(ws);
  });

  it('refuses a step whose value is invalid (never its default instead), naming field and step; an invalid value the step does not use is no obstacle', async () => {
    const { ws } = await tryUpgrade({});
    await nextMessage(ws!, 'hello');
    const before = spawned.length;
    const err = nextMessage(ws!, 'error');
    ws!.send(JSON.stringify({ type: 'run-from', guideId: 'pagetest', stepId: 'registry-answers', path: 'developer', values: { registry: 'http://127.0.0.1:44767 x' } }));
    expect(await err).toMatchObject({ code: 'invalid-value', field: 'registry', stepId: 'registry-answers', message: expect.stringContaining('Registry address') });
    expect(spawned.length).toBe(before);
    // "Prepare" uses the greeting, not the registry: it runs.
    const end = nextMessage(ws!, 'run-end');
    ws!.send(JSON.stringify({ type: 'run', guideId: 'pagetest', stepId: 'prepare', path: 'developer', values: { registry: 'http://127.0.0.1:44767 x' } }));
    expect(await end).toMatchObject({ ok: true });
    await closeAll(ws);
  });

  it('refuses a step whose required value is missing or empty, naming field and step; a run from an earlier step names the step that needs it', async () => {
    const { ws } = await tryUpgrade({});
    await nextMessage(ws!, 'hello');
    const before = spawned.length;
    for (const values of [{}, { labHost: '' }]) {
      const err = nextMessage(ws!, 'error');
      ws!.send(JSON.stringify({ type: 'run', guideId: 'statetest', stepId: 'use-host', path: 'developer', values }));
      expect(await err).toMatchObject({ code: 'missing-value', field: 'labHost', stepId: 'use-host', message: 'Test lab host: a value is needed for this step' });
    }
    const err = nextMessage(ws!, 'error');
    ws!.send(JSON.stringify({ type: 'run-from', guideId: 'statetest', stepId: 'say-hello', path: 'developer', values: { labHost: '' } }));
    expect(await err).toMatchObject({ code: 'missing-value', field: 'labHost', stepId: 'say-hello', message: 'Test lab host: a value is needed for step “Use the test lab host”' });
    expect(spawned.length).toBe(before);
    expect((inboxes.get(ws!) ?? []).filter((m) => m.type === 'step' || m.type === 'run-end')).toEqual([]);
    // Given, the step runs.
    const end = nextMessage(ws!, 'run-end');
    ws!.send(JSON.stringify({ type: 'run', guideId: 'statetest', stepId: 'use-host', path: 'developer', values: { labHost: '127.0.0.1:5000' } }));
    expect(await end).toMatchObject({ ok: true });
    await closeAll(ws);
  });

  it('refuses a step that needs a value an earlier step captures until that step ran, naming the step to run first', async () => {
    const { ws } = await tryUpgrade({});
    await nextMessage(ws!, 'hello');
    const before = spawned.length;
    const err = nextMessage(ws!, 'error');
    ws!.send(JSON.stringify({ type: 'run', guideId: 'termtest', stepId: 'use-token', path: 'developer', values: {} }));
    expect(await err).toMatchObject({ code: 'missing-capture', stepId: 'use-token', runFirst: 'get-token', message: expect.stringContaining('Print a token (captured, secret)') });
    expect(spawned.length).toBe(before);
    expect((inboxes.get(ws!) ?? []).filter((m) => m.type === 'step')).toEqual([]);
    // The capturing step runs first.
    let end = nextMessage(ws!, 'run-end');
    ws!.send(JSON.stringify({ type: 'run', guideId: 'termtest', stepId: 'get-token', path: 'developer', values: {} }));
    expect(await end).toMatchObject({ ok: true });
    // Captured in this session: the step runs on its own now.
    end = nextMessage(ws!, 'run-end');
    ws!.send(JSON.stringify({ type: 'run', guideId: 'termtest', stepId: 'use-token', path: 'developer', values: {} }));
    expect(await end).toMatchObject({ ok: true });
    await closeAll(ws);
  });

  it('keeps the token, secrets and typed input out of the log', async () => {
    const { ws } = await tryUpgrade({});
    await nextMessage(ws!, 'hello');
    ws!.send(Buffer.from('echo typed-input-7781\n'));
    const end = nextMessage(ws!, 'run-end');
    ws!.send(JSON.stringify({ type: 'run', guideId: 'termtest', stepId: 'show-key', path: 'developer', values: { apiKey: 'secret-value-5531' } }));
    expect(await end).toMatchObject({ ok: true });
    await closeAll(ws);
    await tryUpgrade({ protocols: [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + 'f'.repeat(32)] });
    const all = logs.join('\n');
    expect(logs.length).toBeGreaterThan(5);
    for (const needle of [token, 'f'.repeat(32), 'secret-value-5531', 'typed-input-7781']) expect(all).not.toContain(needle);
  });
});
