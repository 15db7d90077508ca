// The local ui server as the server tests use it: one server per test on 127.0.0.1 with a
// throwaway site folder (stopped and removed after each test), and pages talking to it over its
// WebSocket with the token, the way the browser does.
import { afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { getGuide } from '../../playbooks/guides.ts';
import { startUiServer, WS_PATH, type UiServer, type UiServerOptions } from '../../playbooks/server/server.ts';
import { TOKEN_PROTOCOL_PREFIX, WS_PROTOCOL } from '../../playbooks/server/security.ts';
import type { ServerMessage } from '../../playbooks/server/protocol.ts';
import { fixtureContent } from '../browser/terminal-helpers.ts';

/** Starts servers for the tests of one file; each is closed, and its folder removed, after its test. */
export function uiServers(folderPrefix: string): { start(opts?: Partial<UiServerOptions>): Promise<UiServer> } {
  let tmp: string | undefined;
  let ui: UiServer | undefined;
  afterEach(async () => {
    await ui?.close();
    ui = undefined;
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });
  return {
    async start(opts = {}) {
      tmp = mkdtempSync(join(tmpdir(), folderPrefix));
      writeFileSync(join(tmp, 'index.html'), '<!doctype html><title>site</title>');
      ui = await startUiServer({
        siteDir: tmp,
        loadGuide: (id) => getGuide(id, fixtureContent),
        shell: { file: 'bash', args: ['--norc', '--noprofile'] },
        cwd: tmp,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, PS1: '$ ' },
        services: {},
        log: () => {},
        ...opts,
      });
      return ui;
    },
  };
}

/** A page's socket: the JSON messages it got, everything its terminal was sent, and how it ended. */
export interface PageSocket {
  ws: WebSocket;
  inbox: ServerMessage[];
  readonly screen: string;
  /** 101 once open; the HTTP status of a refused upgrade; -1 on a socket error. */
  opened: Promise<number>;
  closed: Promise<number>;
}

/** Opens a page's socket to `server` (into session `session` when given, as a reload does). */
export function pageSocket(server: UiServer, session?: string): PageSocket {
  const token = new URL(server.url).hash.slice('#token='.length);
  const query = session ? `?session=${session}` : '';
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}${query}`, [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token], { origin: `http://127.0.0.1:${server.port}` });
  let screen = '';
  const inbox: ServerMessage[] = [];
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (binary) screen += data.toString('utf8');
    else inbox.push(JSON.parse(data.toString()) as ServerMessage);
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  const opened = new Promise<number>((resolve) => {
    ws.on('open', () => resolve(101));
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => resolve(-1));
  });
  return {
    ws,
    inbox,
    get screen() {
      return screen;
    },
    opened,
    closed,
  };
}
