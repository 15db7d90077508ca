// The ui server's life cycle under stress: an error in one session ends that session only (it
// used to end the whole server through an unhandled rejection), and a burst of connections never
// leaves more interactive shells alive than the session cap (3 idle sessions + 12 parallel
// connections used to leave 7 shells with a cap of 4).
import { describe, expect, it } from 'vitest';
import { getGuide } from '../../playbooks/guides.ts';
import { loadGuideSource } from '../../playbooks/extract/load.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import type { UiServer } from '../../playbooks/server/server.ts';
import { pageSocket, uiServers, type PageSocket } from './ui-harness.ts';
import { loadSpawnNodePty, type SpawnPty } from '../../playbooks/server/pty.ts';
import type { ServerMessage } from '../../playbooks/server/protocol.ts';
import { fixtureContent } from '../browser/terminal-helpers.ts';

const spawnNodePty = await loadSpawnNodePty();

const servers = uiServers('cgr-ui-life-');

/** Shells alive now and the most alive at any moment. */
function liveShells() {
  const c = { live: 0, peak: 0 };
  const spawn: SpawnPty = (file, args, opts) => {
    const p = spawnNodePty(file, args, opts);
    if (file !== 'bash' || args[0] !== '-c') {
      c.live++;
      c.peak = Math.max(c.peak, c.live);
      p.onExit(() => c.live--);
    }
    return p;
  };
  return { c, spawn };
}

function start(opts: { loadGuide?: (id: string) => Promise<Guide>; spawnPty?: SpawnPty; graceMs?: number; logs?: string[] }): Promise<UiServer> {
  return servers.start({
    ...(opts.loadGuide ? { loadGuide: opts.loadGuide } : {}),
    ...(opts.spawnPty ? { spawnPty: opts.spawnPty } : {}),
    maxClients: 4,
    graceMs: opts.graceMs ?? 60_000,
    log: (l) => opts.logs?.push(l),
  });
}

interface Client {
  ws?: PageSocket['ws'];
  status: number;
  inbox: ServerMessage[];
  closed: Promise<number>;
}

/** A page's socket; `ws` only when the upgrade was accepted (`status` 101). */
async function connect(server: UiServer): Promise<Client> {
  const page = pageSocket(server);
  const status = await page.opened;
  return { ...(status === 101 ? { ws: page.ws } : {}), status, inbox: page.inbox, closed: page.closed };
}

async function next(c: Client, type: ServerMessage['type']): Promise<ServerMessage> {
  await expect.poll(() => c.inbox.some((m) => m.type === type), { timeout: 10_000 }).toBe(true);
  const i = c.inbox.findIndex((m) => m.type === type);
  return c.inbox.splice(0, i + 1).pop()!;
}

describe('ui server: one session cannot end the others', () => {
  it('an error while running a step ends that session only; the others and new pages go on', async () => {
    const logs: string[] = [];
    const real = (id: string) => getGuide(id, fixtureContent);
    // A guide whose steps cannot be read: any bug inside a run behaves like this.
    const broken = async (): Promise<Guide> => {
      const g = await real('termtest');
      return Object.defineProperty({ ...g }, 'steps', {
        get() {
          throw new TypeError('boom');
        },
      });
    };
    const server = await start({ loadGuide: (id) => (id === 'broken' ? broken() : real(id)), logs });
    const a = await connect(server);
    const b = await connect(server);
    await next(a, 'hello');
    await next(b, 'hello');

    b.ws!.send(JSON.stringify({ type: 'run', guideId: 'broken', stepId: 'say-hello', path: 'developer', values: {} }));
    expect(await next(b, 'error')).toMatchObject({ code: 'internal' });
    expect(await b.closed).toBe(1000);
    await expect.poll(() => server.sessions.size).toBe(1);

    a.ws!.send(JSON.stringify({ type: 'run', guideId: 'termtest', stepId: 'say-hello', path: 'developer', values: {} }));
    expect(await next(a, 'run-end')).toMatchObject({ ok: true });
    const c = await connect(server);
    expect(c.status).toBe(101);
    await next(c, 'hello');
    expect(logs).toContain('terminal session ended by an internal error while handling run (TypeError)');
    expect(logs.join('\n')).not.toContain('boom');
    a.ws!.close();
    c.ws!.close();
  });
});

describe('ui server: a field named like a built-in property', () => {
  it('a page run of a guide with a field "constructor" is refused for the missing value; the session goes on', async () => {
    // validate refuses the name; this guide bypasses it, as one built by code could
    const source = `---
id: ctor
title: Ctor
product: Test
summary: A field renamed to a built-in property name below.
---

<Field id="ctorField" label="Constructor" />

<Command id="hello" title="Say hello">
  \`\`\`sh
  echo {{ctorField}}
  \`\`\`
</Command>
`;
    const ctor = JSON.parse(JSON.stringify(loadGuideSource(source, 'ctor.mdx').guide!).replaceAll('CGR_CTOR_FIELD', 'CGR_CONSTRUCTOR').replaceAll('ctorField', 'constructor')) as Guide;
    const server = await start({ loadGuide: async (id) => (id === 'ctor' ? ctor : getGuide(id, fixtureContent)) });
    const a = await connect(server);
    await next(a, 'hello');
    a.ws!.send(JSON.stringify({ type: 'run', guideId: 'ctor', stepId: 'hello', path: 'developer', values: {} }));
    expect(await next(a, 'error')).toMatchObject({ code: 'missing-value', field: 'constructor' });
    a.ws!.send(JSON.stringify({ type: 'run', guideId: 'ctor', stepId: 'hello', path: 'developer', values: { constructor: 'made-by-me' } }));
    expect(await next(a, 'run-end')).toMatchObject({ ok: true });
    a.ws!.send(JSON.stringify({ type: 'run', guideId: 'termtest', stepId: 'say-hello', path: 'developer', values: {} }));
    expect(await next(a, 'run-end')).toMatchObject({ ok: true });
    a.ws!.close();
  });
});

describe('ui server: live shells stay within the cap', () => {
  it('3 idle sessions and 12 parallel connections never leave more than 4 shells alive', async () => {
    const { c, spawn } = liveShells();
    const server = await start({ spawnPty: spawn });
    for (let i = 0; i < 3; i++) {
      const cl = await connect(server);
      await next(cl, 'hello');
      cl.ws!.close();
      await cl.closed;
    }
    await expect.poll(() => [...server.sessions.values()].filter((s) => !s.attached).length).toBe(3);
    expect(c.live).toBe(3);

    const burst = await Promise.all(Array.from({ length: 12 }, () => connect(server)));
    const opened = burst.filter((b) => b.status === 101);
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.length).toBeLessThanOrEqual(4);
    // Every connection that got in gets a session (or is closed with "too many sessions").
    await Promise.all(opened.map((o) => expect.poll(() => o.inbox.some((m) => m.type === 'hello') || o.ws!.readyState !== WebSocket.OPEN, { timeout: 10_000 }).toBe(true)));
    expect(c.peak).toBeLessThanOrEqual(4);
    expect(server.sessions.size).toBeLessThanOrEqual(4);
    expect(c.live).toBeLessThanOrEqual(4);
    for (const o of opened) o.ws!.close();
  });
});
