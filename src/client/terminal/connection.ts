// The page's end of the terminal WebSocket: token in the subprotocol list, binary output written to
// xterm and acknowledged once written (the server pauses the pty when too much is unacknowledged),
// keyboard input as binary frames, JSON control messages, and reconnection to the same session.
// Browser-only.
import type { Terminal } from '@xterm/xterm';
import type { ClientMessageInput, ServerMessage } from '../../../playbooks/server/protocol.ts';
import { SESSION_KEY } from './keys.ts';

export const WS_PROTOCOL = 'cgr-playbook.v1';
const TOKEN_PREFIX = 'cgr-token.';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionHandlers {
  onState(state: ConnectionState, detail?: string): void;
  onMessage(msg: ServerMessage): void;
}

export class RunnerConnection {
  readonly #path: string;
  readonly #token: string;
  readonly #term: Terminal;
  readonly #h: ConnectionHandlers;
  #ws: WebSocket | undefined;
  #ackEvery = 32 * 1024;
  #written = 0;
  #everOpened = false;
  /** The current socket's session said hello (its states are on the page): requests may go. */
  #ready = false;
  #state: ConnectionState = 'closed';
  #retryUntil = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #encoder = new TextEncoder();
  readonly #disposers: { dispose(): void }[] = [];

  constructor(wsPath: string, token: string, term: Terminal, handlers: ConnectionHandlers) {
    this.#path = wsPath;
    this.#token = token;
    this.#term = term;
    this.#h = handlers;
    this.#disposers.push(
      term.onData((d) => this.#sendBytes(this.#encoder.encode(d))),
      term.onBinary((d) => this.#sendBytes(Uint8Array.from(d, (c) => c.charCodeAt(0) & 0xff))),
      term.onResize(({ cols, rows }) => this.send({ type: 'resize', cols, rows })),
    );
  }

  /** Closed for good (the shell ended, the runner stopped or refused, another page took the session): only connect() opens it again. */
  get ended(): boolean {
    return this.#state === 'closed';
  }

  #set(state: ConnectionState, detail?: string): void {
    this.#state = state;
    this.#h.onState(state, detail);
  }

  /**
   * The session said hello on the current socket and the page has handled it. Before that the
   * socket may be open, but what the page asks for (a run) would race the hello's older states.
   */
  get ready(): boolean {
    return this.#ready && this.#ws?.readyState === WebSocket.OPEN;
  }

  connect(): void {
    this.#closed = false;
    // Opened again after it closed for good: a fresh minute of retries.
    if (this.#state === 'closed') this.#retryUntil = 0;
    const url = new URL(this.#path, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('cols', String(this.#term.cols));
    url.searchParams.set('rows', String(this.#term.rows));
    const session = sessionStorage.getItem(SESSION_KEY);
    if (session) url.searchParams.set('session', session);
    this.#set(this.#everOpened ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(url, [WS_PROTOCOL, TOKEN_PREFIX + this.#token]);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    this.#ready = false;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.#everOpened = true;
      this.#written = 0;
    };
    ws.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
      // A socket this connection has left (closed, replaced) speaks for no session of this page.
      if (this.#ws !== ws) return;
      if (typeof ev.data !== 'string') {
        const bytes = new Uint8Array(ev.data);
        this.#term.write(bytes, () => this.#wrote(bytes.length, ws));
        return;
      }
      let msg: ServerMessage;
      try {
        msg = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return;
      }
      if (msg.type === 'hello') {
        this.#ackEvery = msg.ackEvery;
        sessionStorage.setItem(SESSION_KEY, msg.session);
        this.#retryUntil = 0;
        this.#ready = true;
        this.#set('open', msg.resumed ? 'resumed' : 'new');
        if (!msg.resumed) this.send({ type: 'resize', cols: this.#term.cols, rows: this.#term.rows });
      }
      if (msg.type === 'exit') sessionStorage.removeItem(SESSION_KEY);
      this.#h.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.#ready = false;
      if (this.#closed) return this.#set('closed');
      if (ev.code === 4001) return this.#set('closed', 'the terminal was opened in another page of this tab');
      if (ev.code === 1000 && ev.reason === 'session ended') {
        sessionStorage.removeItem(SESSION_KEY);
        return this.#set('closed', 'the shell ended');
      }
      // Keep trying for a minute (the server keeps a detached session that long).
      const now = Date.now();
      if (!this.#retryUntil) this.#retryUntil = now + 60_000;
      if (now > this.#retryUntil) return this.#set('closed', opened || this.#everOpened ? 'lost the connection to the runner' : 'refused');
      this.#set('reconnecting', opened ? 'connection lost' : undefined);
      this.#retryTimer = setTimeout(() => this.connect(), opened ? 200 : 1000);
    };
  }

  #wrote(n: number, ws: WebSocket): void {
    this.#written += n;
    if (this.#written >= this.#ackEvery && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: 'ack', bytes: this.#written }));
      this.#written = 0;
    }
  }

  #sendBytes(bytes: Uint8Array): void {
    const ws = this.#ws;
    if (ws?.readyState !== WebSocket.OPEN) return;
    for (let i = 0; i < bytes.length; i += 32 * 1024) ws.send(bytes.subarray(i, i + 32 * 1024));
  }

  send(msg: ClientMessageInput): boolean {
    const ws = this.#ws;
    if (ws?.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }

  dispose(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#ws?.close();
    for (const d of this.#disposers) d.dispose();
  }
}
