// One terminal session: an interactive shell in a pty, the steps run on the page's behalf, a
// headless screen kept for reattaching, and the output pipeline (mask -> batch -> binary frames,
// with acknowledgement-based flow control). Survives a disconnect for a grace period.
import { randomBytes } from 'node:crypto';
import headless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import type { WebSocket } from 'ws';
import type { Guide } from '../model/guide.ts';
import { resolveValues } from '../plan/values.ts';
import { displayCommand } from '../plan/plan.ts';
import { ClientMessageSchema, clampSize, type ClientMessage, type ServerMessage } from './protocol.ts';
import { FLOW, FlowGate } from './flow.ts';
import { createStreamMasker } from './stream-mask.ts';
import { stopProcessGroup, type IPty, type SpawnPty } from './pty.ts';
import { runSteps, type RunHandle, type StepProcess } from './step-exec.ts';

export interface SessionOptions {
  spawnPty: SpawnPty;
  /** The interactive shell: program and arguments. */
  shell: { file: string; args: string[] };
  cwd: string;
  env: Record<string, string>;
  loadGuide: (id: string) => Promise<Guide>;
  log: (line: string) => void;
  cols?: number;
  rows?: number;
  /** How long a detached session waits for its page to come back. */
  graceMs?: number;
  onDispose?: () => void;
}

type Ws = Pick<WebSocket, 'send' | 'readyState' | 'close' | 'bufferedAmount'>;

export class TerminalSession {
  readonly id = randomBytes(16).toString('hex');
  readonly #o: SessionOptions;
  readonly #shell: IPty;
  readonly #screen: InstanceType<typeof headless.Terminal>;
  readonly #serializer: InstanceType<typeof serializeAddon.SerializeAddon>;
  readonly #masker = createStreamMasker();
  readonly #gate: FlowGate;
  #ws: Ws | undefined;
  #chunks: string[] = [];
  #chunkLen = 0;
  #batchTimer: NodeJS.Timeout | undefined;
  #maskTimer: NodeJS.Timeout | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #replaying = false;
  #step: { pty: IPty; exited: Promise<number> } | undefined;
  #run: { handle: RunHandle; guideId: string } | undefined;
  #disposed = false;
  #size: { cols: number; rows: number };
  /** Per guide: outputs and captures of steps run in this session (memory only). */
  readonly #memory = new Map<string, { outputs: Map<string, { output: string; exitCode: number }>; captures: Record<string, string> }>();

  constructor(o: SessionOptions) {
    this.#o = o;
    this.#size = clampSize(o.cols ?? 80, o.rows ?? 24);
    this.#screen = new headless.Terminal({ ...this.#size, scrollback: 1000, allowProposedApi: true });
    this.#serializer = new serializeAddon.SerializeAddon();
    this.#screen.loadAddon(this.#serializer);
    this.#gate = new FlowGate(
      () => this.#ptys().forEach((p) => p.pause()),
      () => this.#ptys().forEach((p) => p.resume()),
    );
    this.#shell = o.spawnPty(o.shell.file, o.shell.args, { name: 'xterm-256color', ...this.#size, cwd: o.cwd, env: o.env });
    this.#shell.onData((d) => this.#output(d));
    this.#shell.onExit(({ exitCode }) => {
      this.#send({ type: 'exit', code: exitCode });
      this.dispose();
    });
  }

  /** When the page last went away (0: never detached). */
  detachedAt = 0;

  get attached(): boolean {
    return this.#ws !== undefined;
  }

  #ptys(): IPty[] {
    return this.#step ? [this.#shell, this.#step.pty] : [this.#shell];
  }

  /** Binds a page's socket. A resumed session first replays its screen. */
  attach(ws: Ws, resumed: boolean): void {
    // The same tab came back (a navigation or reload) before its old socket closed: take over.
    const old = this.#ws;
    if (old && old !== ws) {
      this.#ws = undefined;
      old.close(4001, 'taken over');
    }
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#ws = ws;
    this.#gate.reset();
    this.#send({ type: 'hello', session: this.id, resumed, ackEvery: FLOW.ackEvery });
    if (resumed) {
      // Everything queued so far is in the screen: drop it, wait for the screen to catch up, send it whole.
      this.#chunks = [];
      this.#chunkLen = 0;
      this.#replaying = true;
      this.#screen.write('', () => {
        if (this.#ws !== ws) return;
        this.#replaying = false;
        const screen = this.#serializer.serialize({ scrollback: 1000 });
        this.#sendBinary('\x1bc' + screen);
        this.#flush();
      });
    }
  }

  /** The page went away: keep the session for the grace period, then end it. */
  detach(ws: Ws): void {
    if (this.#ws !== ws) return;
    this.#ws = undefined;
    this.detachedAt = Date.now();
    this.#gate.reset();
    this.#graceTimer = setTimeout(() => this.dispose(), this.#o.graceMs ?? 60_000);
  }

  handleMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      // Keyboard input: to the running step when there is one, else to the shell. Never logged.
      const text = data.toString('utf8');
      (this.#step?.pty ?? this.#shell).write(text);
      return;
    }
    let msg: ClientMessage;
    try {
      const parsed = ClientMessageSchema.safeParse(JSON.parse(data.toString('utf8')));
      if (!parsed.success) {
        this.#send({ type: 'error', code: 'bad-message', message: `malformed message: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
        return;
      }
      msg = parsed.data;
    } catch {
      this.#send({ type: 'error', code: 'bad-message', message: 'malformed message: not JSON' });
      return;
    }
    switch (msg.type) {
      case 'ack':
        this.#gate.acked(msg.bytes);
        return;
      case 'resize':
        this.resize(msg.cols, msg.rows);
        return;
      case 'cancel':
        this.#run?.handle.cancel();
        return;
      case 'run':
      case 'run-from':
        void this.#startRun(msg);
        return;
    }
  }

  resize(cols: number, rows: number): void {
    this.#size = clampSize(cols, rows);
    for (const p of this.#ptys()) {
      try {
        p.resize(this.#size.cols, this.#size.rows);
      } catch {
        /* pty already gone */
      }
    }
    this.#screen.resize(this.#size.cols, this.#size.rows);
  }

  get size(): { cols: number; rows: number } {
    return { ...this.#size };
  }

  async #startRun(msg: Extract<ClientMessage, { type: 'run' | 'run-from' }>): Promise<void> {
    if (this.#run) {
      this.#send({ type: 'error', code: 'busy', message: 'a step is already running; stop it first' });
      return;
    }
    let guide: Guide;
    try {
      guide = await this.#o.loadGuide(msg.guideId);
    } catch (e) {
      this.#send({ type: 'error', code: 'unknown-guide', message: e instanceof Error ? e.message : 'cannot load the guide' });
      return;
    }
    if (this.#run) return;
    const resolved = resolveValues(guide, msg.path, msg.values);
    const bad = resolved.invalid[0];
    if (bad) {
      this.#send({ type: 'error', code: 'invalid-value', field: bad.field, message: `${bad.label}: ${bad.message}` });
      return;
    }
    if (!guide.steps.some((s) => s.id === msg.stepId && s.paths.includes(msg.path))) {
      this.#send({ type: 'error', code: 'unknown-step', message: `no step "${msg.stepId}" on the ${msg.path} path of ${guide.meta.id}` });
      return;
    }
    const secretIds = new Set(guide.fields.filter((f) => f.secret).map((f) => f.id));
    this.#masker.add(Object.entries(resolved.values).filter(([k]) => secretIds.has(k)).map(([, v]) => v));
    let memory = this.#memory.get(guide.meta.id);
    if (!memory) this.#memory.set(guide.meta.id, (memory = { outputs: new Map(), captures: {} }));
    const secretCaptures = new Set(guide.steps.flatMap((s) => (s.kind === 'command' ? s.captures.filter((c) => c.secret).map((c) => c.name) : [])));
    const values = { ...memory.captures, ...resolved.values };

    const handle = runSteps(guide, {
      path: msg.path,
      values,
      ...(msg.type === 'run' ? { only: msg.stepId } : { from: msg.stepId }),
      spawn: (script, env) => this.#spawnStep(script, env),
      outputs: memory.outputs,
      captures: memory.captures,
    });
    this.#run = { handle, guideId: guide.meta.id };
    const stepsById = new Map(guide.steps.map((s) => [s.id, s]));
    handle.subscribe((e) => {
      if (e.type === 'step-start') {
        const step = stepsById.get(e.stepId);
        const cmd = step && (step.kind === 'command' || (step.kind === 'verify' && step.run !== undefined)) ? displayCommand(guide, step.run!, values) : undefined;
        this.#output(`\r\n\x1b[1;36m▶ ${e.title}\x1b[0m\r\n${cmd ? `\x1b[2m$ ${cmd.replace(/\n/g, '\r\n  ')}\x1b[0m\r\n` : ''}`);
        this.#send({ type: 'step', guideId: guide.meta.id, stepId: e.stepId, status: 'running' });
      } else {
        const mark = e.status === 'passed' ? '\x1b[32m✔ passed' : e.status === 'failed' ? '\x1b[31m✘ failed' : '\x1b[33m– skipped';
        this.#output(`${mark}\x1b[0m: ${e.summary}\r\n`);
        this.#send({ type: 'step', guideId: guide.meta.id, stepId: e.stepId, status: e.status, summary: e.summary });
      }
      // Newly captured secrets are masked from now on.
      this.#masker.add(Object.entries(memory.captures).filter(([k]) => secretCaptures.has(k)).map(([, v]) => v));
    });
    const result = await handle.done;
    this.#run = undefined;
    this.#send({ type: 'run-end', guideId: guide.meta.id, ok: result.ok, cancelled: result.cancelled, summary: result.summary });
    this.#o.log(`run ${msg.type === 'run' ? 'step' : 'from'} ${guide.meta.id}/${msg.stepId}: ${result.ok ? 'ok' : result.cancelled ? 'cancelled' : 'failed'}`);
  }

  #spawnStep(script: string, env: Record<string, string>): StepProcess {
    const pty = this.#o.spawnPty('bash', ['-c', script], { name: 'xterm-256color', ...this.#size, cwd: this.#o.cwd, env: { ...this.#o.env, ...env } });
    if (this.#gate.paused) pty.pause();
    const listeners: ((d: string) => void)[] = [];
    const exited = new Promise<number>((resolve) => {
      pty.onExit(({ exitCode, signal }) => resolve(signal ? 128 + signal : exitCode));
    });
    pty.onData((d) => {
      this.#output(d);
      for (const l of listeners) l(d);
    });
    const step = { pty, exited };
    this.#step = step;
    void exited.then(() => {
      if (this.#step === step) this.#step = undefined;
    });
    return {
      onData: (l) => listeners.push(l),
      exited,
      stop: () => stopProcessGroup(pty, exited),
    };
  }

  /** All terminal output enters here: masked, recorded in the screen, batched for the page. */
  #output(data: string): void {
    const masked = this.#masker.write(data);
    if (this.#maskTimer) clearTimeout(this.#maskTimer);
    this.#maskTimer = this.#masker.holding ? setTimeout(() => this.#push(this.#masker.flush()), 25) : undefined;
    if (masked) this.#push(masked);
  }

  #push(text: string): void {
    if (!text || this.#disposed) return;
    const n = text.length;
    this.#gate.enqueued(n);
    this.#screen.write(text, () => this.#gate.dequeued(n));
    if (!this.#ws) return;
    this.#chunks.push(text);
    this.#chunkLen += n;
    if (this.#chunkLen >= FLOW.batchMax) this.#flush();
    else this.#batchTimer ??= setTimeout(() => this.#flush(), FLOW.batchMs);
  }

  #flush(): void {
    if (this.#batchTimer) clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    if (this.#replaying || this.#chunkLen === 0) return;
    const text = this.#chunks.join('');
    this.#chunks = [];
    this.#chunkLen = 0;
    this.#sendBinary(text);
  }

  #sendBinary(text: string): void {
    const ws = this.#ws;
    if (!ws || ws.readyState !== 1) return;
    const buf = Buffer.from(text, 'utf8');
    ws.send(buf, { binary: true });
    this.#gate.sent(buf.length);
  }

  #send(msg: ServerMessage): void {
    const ws = this.#ws;
    if (ws && ws.readyState === 1) ws.send(JSON.stringify(msg));
  }

  /** Ends the session: stops a running step and the shell (whole process groups), frees the screen. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const t of [this.#batchTimer, this.#maskTimer, this.#graceTimer]) if (t) clearTimeout(t);
    this.#run?.handle.cancel();
    const shellExited = new Promise<void>((r) => {
      this.#shell.onExit(() => r());
    });
    const stops: Promise<void>[] = [];
    if (this.#step) stops.push(stopProcessGroup(this.#step.pty, this.#step.exited));
    stops.push(stopProcessGroup(this.#shell, shellExited));
    await Promise.all(stops);
    this.#ws?.close(1000, 'session ended');
    this.#ws = undefined;
    this.#screen.dispose();
    this.#o.onDispose?.();
  }
}

export function parseSessionId(raw: string | null): string | undefined {
  return raw && /^[0-9a-f]{32}$/.test(raw) ? raw : undefined;
}
