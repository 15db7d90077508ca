// The local UI server: the built site over HTTP plus the terminal WebSocket, on 127.0.0.1 only.
// Every request and upgrade is checked for Host; upgrades also for Origin, the per-launch token
// (constant time) and the client cap — all before a session (and its shell) exists.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { homedir } from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Guide } from '../model/guide.ts';
import { createToken, hostAllowed, originAllowed, tokenFromProtocols, tokenMatches, WS_PROTOCOL } from './security.ts';
import { createStaticSite, runnerHeadTags } from './static.ts';
import { TerminalSession, parseSessionId } from './session.ts';
import { baseEnv, loadSpawnNodePty, type SpawnPty } from './pty.ts';
import { getDefaultServices, loadDefaultServices, type RunnerServices } from '../runner/services.ts';

export const WS_PATH = '/__cgr/terminal';
/** At most this much of what a page sends before its session exists is kept for it. */
const EARLY_MESSAGES = 256;
const EARLY_BYTES = 256 * 1024;

export interface UiServerOptions {
  /** The built site to serve. */
  siteDir: string;
  /** Loads a guide by id (the server takes commands from it, never from the page). */
  loadGuide: (id: string) => Promise<Guide>;
  /** 0 picks a free port. */
  port?: number;
  /** Only loopback addresses are accepted. */
  host?: '127.0.0.1' | '::1';
  token?: string;
  spawnPty?: SpawnPty;
  shell?: { file: string; args: string[] };
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Most sockets open at once (upgrades in progress included). */
  maxClients?: number;
  /** Most terminal sessions, each an interactive shell, alive at once: attached, waiting for their
   * page to come back, or still stopping (default maxClients). A new page takes the place of the
   * session whose page left longest ago, once that one's shell is gone; with none idle it is refused. */
  maxSessions?: number;
  /** Largest message a page may send, in bytes. */
  maxPayload?: number;
  graceMs?: number;
  /** Probe runner and fields applier for steps run from the page; default the runner's default services (probes, product adapters). */
  services?: RunnerServices;
  /** Where the server's log lines go (never a token, secret or typed input). */
  log?: (line: string) => void;
}

export interface UiServer {
  readonly port: number;
  /** The address to open, token in the fragment (never sent to the server in a request line). */
  readonly url: string;
  readonly sessions: ReadonlyMap<string, TerminalSession>;
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}

export async function startUiServer(o: UiServerOptions): Promise<UiServer> {
  const host = o.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1') throw new Error('the UI server listens on loopback only');
  const token = o.token ?? createToken();
  const log = o.log ?? (() => {});
  const maxClients = o.maxClients ?? 4;
  const maxSessions = o.maxSessions ?? maxClients;
  /** Upgrades accepted but not yet connected: they hold a socket slot already. */
  let upgrading = 0;
  /** Sessions admitted but not yet created (waiting for an evicted session's shell to end). */
  let starting = 0;
  const evicting = new Set<TerminalSession>();
  const spawnPty = o.spawnPty ?? (await loadSpawnNodePty());
  const sessions = new Map<string, TerminalSession>();
  const sockets = new Set<WebSocket>();
  const site = createStaticSite(o.siteDir, runnerHeadTags(WS_PATH));
  let services = o.services;
  if (!services) {
    await loadDefaultServices();
    services = getDefaultServices();
  }
  let port = 0;
  let closing = false;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: o.maxPayload ?? 64 * 1024,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, port)) {
      log(`refused an HTTP request: Host not allowed`);
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('forbidden host');
      return;
    }
    site.handle(req, res, req.headers.host!.toLowerCase()).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req.headers.host, port)) return refuseLogged(socket, 403, 'Forbidden', 'Host not allowed');
    if (url.pathname !== WS_PATH) return refuseLogged(socket, 404, 'Not Found', 'unknown path');
    if (!originAllowed(req.headers.origin, port)) return refuseLogged(socket, 403, 'Forbidden', 'Origin not allowed');
    if (!tokenMatches(token, tokenFromProtocols(req.headers['sec-websocket-protocol']))) return refuseLogged(socket, 401, 'Unauthorized', 'missing or wrong token');
    if (sockets.size + upgrading >= maxClients) return refuseLogged(socket, 503, 'Service Unavailable', `client cap (${maxClients}) reached`);
    upgrading++;
    let counted = true;
    const release = () => {
      if (counted) upgrading--;
      counted = false;
    };
    socket.once('close', release);
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        release();
        sockets.add(ws);
        onConnection(ws, url).catch((e: unknown) => {
          log(`terminal connection failed while starting a session (${e instanceof Error ? e.name : typeof e})`);
          sockets.delete(ws);
          ws.close(1011, 'internal error');
        });
      });
    } catch (e) {
      release();
      log(`terminal upgrade failed (${e instanceof Error ? e.name : typeof e})`);
      socket.destroy();
    }
  });

  /** A place for one more session: free, or freed by ending the longest-idle one (its shell is
   * gone when this resolves). False when every session has a page attached. */
  async function admitSession(): Promise<boolean> {
    if (sessions.size + starting < maxSessions) {
      starting++;
      return true;
    }
    // A session already ending (its page gone past the grace period) frees its place first;
    // then the one whose page left longest ago. Sessions with a page attached are never taken.
    const candidates = [...sessions.values()].filter((x) => !x.attached && !evicting.has(x));
    const idle = candidates.find((x) => x.disposed) ?? candidates.sort((a, b) => a.detachedAt - b.detachedAt)[0];
    if (!idle) return false;
    evicting.add(idle);
    starting++;
    if (!idle.disposed) log('terminal session ended to make room for a new page');
    try {
      await idle.dispose();
    } finally {
      evicting.delete(idle);
    }
    return true;
  }

  function refuseLogged(socket: Duplex, status: number, text: string, why: string): void {
    log(`refused a terminal connection: ${why}`);
    refuse(socket, status, text);
  }

  async function onConnection(ws: WebSocket, url: URL): Promise<void> {
    // What the page sends while its session is still being made (room made by ending an idle
    // session can take that session's stop) is kept, bounded, and handed over in order.
    const early: Array<{ data: Buffer; isBinary: boolean }> = [];
    let earlyBytes = 0;
    let deliver: ((data: Buffer, isBinary: boolean) => void) | undefined;
    ws.on('message', (raw, isBinary) => {
      const data = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
      if (deliver) return deliver(data, isBinary);
      earlyBytes += data.length;
      if (early.length >= EARLY_MESSAGES || earlyBytes > EARLY_BYTES) return ws.close(1008, 'too much sent before the session started');
      early.push({ data, isBinary });
    });
    const cols = Number(url.searchParams.get('cols')) || 80;
    const rows = Number(url.searchParams.get('rows')) || 24;
    const wanted = parseSessionId(url.searchParams.get('session'));
    let session = wanted ? sessions.get(wanted) : undefined;
    let resumed = true;
    if (session?.disposed) session = undefined;
    if (!session) {
      // Make room by ending the session whose page left longest ago; live ones are never taken.
      if (!(await admitSession())) {
        log(`refused a terminal session: session cap (${maxSessions}) reached`);
        ws.close(1013, 'too many sessions');
        sockets.delete(ws);
        return;
      }
      if (ws.readyState !== ws.OPEN || closing) {
        starting--;
        sockets.delete(ws);
        return;
      }
      resumed = false;
      let s: TerminalSession;
      try {
        s = new TerminalSession({
          spawnPty,
          shell: o.shell ?? { file: process.env.SHELL && /\/(bash|zsh|sh)$/.test(process.env.SHELL) ? process.env.SHELL : 'bash', args: [] },
          cwd: o.cwd ?? homedir(),
          env: baseEnv(o.env ?? process.env),
          loadGuide: o.loadGuide,
          services,
          log,
          cols,
          rows,
          ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}),
          onDispose: () => sessions.delete(s.id),
        });
      } finally {
        starting--;
      }
      session = s;
      sessions.set(s.id, s);
      log(`terminal session started`);
    } else {
      session.resize(cols, rows);
      log(`terminal session resumed`);
    }
    const s = session;
    // Every event of this socket runs guarded: an error ends this session only (see TerminalSession.guard).
    s.guard('attach', () => s.attach(ws, resumed));
    deliver = (data, isBinary) => s.guard(isBinary ? 'keyboard input' : 'message', () => s.handleMessage(ws, data, isBinary));
    for (const m of early.splice(0)) deliver(m.data, m.isBinary);
    ws.on('close', () => {
      sockets.delete(ws);
      s.guard('close', () => s.detach(ws));
    });
    ws.on('error', () => ws.terminate());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;
  const shownHost = host === '::1' ? '[::1]' : host;

  return {
    port,
    url: `http://${shownHost}:${port}/#token=${token}`,
    sessions,
    async close() {
      closing = true;
      for (const ws of sockets) ws.terminate();
      await Promise.all([...sessions.values()].map((s) => s.dispose()));
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
