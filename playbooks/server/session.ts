// One terminal session: an interactive shell in a pty, the steps run on the page's behalf, a
// headless screen kept for reattaching, and the output pipeline (mask -> batch -> binary frames,
// with acknowledgement-based flow control). Survives a disconnect for a grace period.
import { randomBytes } from 'node:crypto';
import headless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import type { WebSocket } from 'ws';
import type { Guide } from '../model/guide.ts';
import { resolveValues, usedFields } from '../plan/values.ts';
import { createMasker } from '../mask/masker.ts';
import { ownValue, valueRecord } from '../model/own.ts';
import type { PtyProcess, RunHandle } from '../runner/types.ts';
import { ClientMessageSchema, clampSize, type ClientMessage, type ServerMessage, type StepMessage } from './protocol.ts';
import { FLOW, FlowGate } from './flow.ts';
import { stopProcessGroup, type IPty, type SpawnPty } from './pty.ts';
import { selectSteps, startStepRun, summarize } from './step-run.ts';
import { templatesOf } from '../model/guide.ts';
import { findRefs } from '../template/refs.ts';
import { evaluateCondition, parseCondition } from '../model/when.ts';
import { isCleanupStep } from '../model/step.ts';
import { PagePrompter } from './page-prompter.ts';
import type { RunnerServices } from '../runner/services.ts';

export interface SessionOptions {
  spawnPty: SpawnPty;
  /** The interactive shell: program and arguments. */
  shell: { file: string; args: string[] };
  cwd: string;
  env: Record<string, string>;
  loadGuide: (id: string) => Promise<Guide>;
  /** The probe runner and fields applier steps run with (the server passes the runner's defaults). */
  services?: RunnerServices;
  log: (line: string) => void;
  cols?: number;
  rows?: number;
  /** How long a detached session waits for its page to come back. */
  graceMs?: number;
  onDispose?: () => void;
}

type Ws = Pick<WebSocket, 'send' | 'readyState' | 'close' | 'bufferedAmount'>;

/** How long a first run waits for the shell's first prompt (see #shellReady). */
const SHELL_READY_WAIT_MS = 2_000;

export class TerminalSession {
  readonly id = randomBytes(16).toString('hex');
  readonly #o: SessionOptions;
  readonly #shell: IPty;
  readonly #screen: InstanceType<typeof headless.Terminal>;
  readonly #serializer: InstanceType<typeof serializeAddon.SerializeAddon>;
  /** Secrets the page sent; everything shown in the terminal passes through this. */
  readonly #masker = createMasker();
  readonly #stream = this.#masker.stream();
  readonly #gate: FlowGate;
  #ws: Ws | undefined;
  #chunks: string[] = [];
  #chunkLen = 0;
  #batchTimer: NodeJS.Timeout | undefined;
  #maskTimer: NodeJS.Timeout | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #replaying = false;
  #step: { pty: IPty; exited: Promise<unknown> } | undefined;
  #run: { handle: RunHandle; guideId: string; prompter: PagePrompter } | undefined;
  /** The last state of every step runs of this session reached, by guide then step (memory only). */
  readonly #states = new Map<string, Map<string, StepMessage>>();
  #disposed = false;
  /** Values steps captured, by guide (e.g. the pull token a later Apply needs); memory only, secret ones masked. */
  readonly #captured = new Map<string, Record<string, { value: string; secret: boolean }>>();
  #size: { cols: number; rows: number };
  /** Settles once the shell has printed something (its first prompt), or after a short wait: a
   * step started before that would have the prompt land in the middle of its output. */
  readonly #shellReady: Promise<void>;
  /** Shell output that arrived while a step ran (a late prompt, a job notice): shown after the
   * step's own output so it never lands inside it. `undefined` when no run is on. */
  #heldShell: string[] | undefined;
  /**
   * The page run from its acceptance to its end; `#run` exists only once its steps start (after
   * the shell's first prompt and the guide's loading). A page that comes back meanwhile is told a
   * run is on, and a Stop sent meanwhile stops it before its first step.
   */
  #accepted: { guideId: string; cancelled: boolean } | undefined;

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
    let ready!: () => void;
    this.#shellReady = new Promise<void>((r) => (ready = r));
    const readyTimer = setTimeout(ready, SHELL_READY_WAIT_MS);
    readyTimer.unref();
    this.#shell.onData((d) =>
      this.guard('shell output', () => {
        ready();
        if (this.#heldShell) this.#heldShell.push(d);
        else this.#output(d);
      }),
    );
    this.#shell.onExit(({ exitCode }) =>
      this.guard('shell exit', () => {
        this.#send({ type: 'exit', code: exitCode });
        void this.dispose();
      }),
    );
  }

  /** Runs one event's handler: an error in it ends this session (logged by event name, the page
   * told), never the server and never another session. */
  guard(event: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fail(event, e);
    }
  }

  /** An unexpected error in this session: log the event and the error's kind (not its message,
   * which could quote a value), tell the page, end this session only. */
  fail(event: string, e: unknown): void {
    if (this.#disposed) return;
    this.#o.log(`terminal session ended by an internal error while handling ${event} (${e instanceof Error ? e.name : typeof e})`);
    try {
      this.#send({ type: 'error', code: 'internal', message: 'the local runner hit an internal error and ended this terminal session; reload the page to start a new one' });
    } catch {
      /* the socket is gone too */
    }
    void this.dispose().catch(() => {});
  }

  /** Ended (or ending): its shell is stopped or being stopped. */
  get disposed(): boolean {
    return this.#disposed;
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
    // A page that comes back (during a run or after one) gets its step states again.
    const steps = [...this.#states.values()].flatMap((m) => [...m.values()]);
    this.#send({ type: 'hello', session: this.id, resumed, ackEvery: FLOW.ackEvery, ...(this.#accepted ? { running: this.#accepted.guideId } : {}), steps });
    if (resumed) {
      // Everything queued so far is in the screen: drop it, wait for the screen to catch up, send it whole.
      this.#chunks = [];
      this.#chunkLen = 0;
      this.#replaying = true;
      this.#screen.write('', () => this.guard('reattach', () => {
        if (this.#ws !== ws) return;
        this.#replaying = false;
        const screen = this.#serializer.serialize({ scrollback: 1000 });
        this.#sendBinary('\x1bc' + screen);
        this.#flush();
        // A run waiting for the reader asks the page that came back.
        this.#run?.prompter.resend();
      }));
    }
  }

  /** The page went away: keep the session for the grace period, then end it. */
  detach(ws: Ws): void {
    if (this.#ws !== ws) return;
    this.#ws = undefined;
    // A session being ended (server shutdown, eviction) closes its socket: nothing to wait for.
    if (this.#disposed) return;
    this.detachedAt = Date.now();
    this.#gate.reset();
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = setTimeout(() => void this.dispose().catch(() => {}), this.#o.graceMs ?? 60_000);
    // The timer alone never keeps the process up (a stopping `ui` exits at once).
    this.#graceTimer.unref();
  }

  /** A message from page socket `ws`; one from a socket another page took the session from (still on its way) is dropped. */
  handleMessage(ws: Ws, data: Buffer, isBinary: boolean): void {
    if (this.#ws !== ws) return;
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
        if (this.#accepted) this.#accepted.cancelled = true;
        this.#run?.handle.cancel();
        return;
      case 'answer':
        this.#run?.prompter.answer(msg.id, msg.yes);
        return;
      case 'value':
        this.#run?.prompter.provide(msg.id, msg.value);
        return;
      case 'run':
      case 'run-from':
      case 'apply':
        this.#startRun(msg).catch((e: unknown) => this.fail(msg.type, e));
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

  async #startRun(msg: Extract<ClientMessage, { type: 'run' | 'run-from' | 'apply' }>): Promise<void> {
    // A run is on from here until its end: refuse a second one, also while the first still waits
    // for the shell's first prompt.
    if (this.#accepted) {
      this.#send({ type: 'error', code: 'busy', message: 'a step is already running; stop it first' });
      return;
    }
    const accepted = { guideId: msg.guideId, cancelled: false };
    this.#accepted = accepted;
    try {
      await this.#shellReady;
      this.#heldShell = [];
      try {
        await this.#runSteps(msg, accepted);
      } finally {
        const held = this.#heldShell.join('');
        this.#heldShell = undefined;
        if (held) this.#output(held);
      }
    } finally {
      this.#accepted = undefined;
    }
  }

  async #runSteps(msg: Extract<ClientMessage, { type: 'run' | 'run-from' | 'apply' }>, accepted: { cancelled: boolean }): Promise<void> {
    let guide: Guide;
    try {
      guide = await this.#o.loadGuide(msg.guideId);
    } catch (e) {
      this.#send({ type: 'error', code: 'unknown-guide', message: e instanceof Error ? e.message : 'cannot load the guide' });
      return;
    }
    if (!guide.steps.some((s) => s.id === msg.stepId && s.paths.includes(msg.path))) {
      this.#send({ type: 'error', code: 'unknown-step', message: `no step "${msg.stepId}" on the ${msg.path} path of ${guide.meta.id}` });
      return;
    }
    if (msg.type === 'apply') {
      const step = guide.steps.find((s) => s.id === msg.stepId)!;
      if (step.kind !== 'fields' || step.apply === undefined) {
        this.#send({ type: 'error', code: 'not-applicable', message: `step "${msg.stepId}" names no adapter: only "fill fields" steps with apply= can be applied` });
        return;
      }
      if (!this.#o.services?.fieldsApplier?.canApply(step)) {
        this.#send({ type: 'error', code: 'no-adapter', message: `no adapter for "${step.apply}" is available in this runner` });
        return;
      }
    }
    // Values are checked against the guide's own fields; unknown ids are dropped. A value the steps
    // use that is invalid refuses the run: never fall back to a default the page does not show.
    const selected = selectSteps(guide, msg.type, msg.stepId);
    const resolved = resolveValues({ ...guide, steps: selected }, msg.path, msg.values);
    const used = usedFields({ ...guide, steps: selected }, msg.path, resolved.values);
    const bad = resolved.invalid.find((p) => used.has(p.field));
    if (bad) {
      this.#send({ type: 'error', code: 'invalid-value', field: bad.field, stepId: msg.stepId, message: `${bad.label}: ${bad.message}` });
      return;
    }
    // A value a manual step of the run provides ("have your API key at hand") is asked for at that
    // step, in the page, as the CLI asks for it; any other missing value stops the run here.
    const provided = new Set(selected.flatMap((s) => (s.kind === 'manual' ? s.provides : [])));
    const missing = resolved.missing.find((f) => !provided.has(f.id));
    if (missing) {
      // Said at the step the reader ran from: a later step of "Run all from here" that needs it is named.
      const needs = selected.find((s) => usedFields({ ...guide, steps: [s] }, msg.path, resolved.values).has(missing.id));
      const where = needs && needs.id !== msg.stepId ? `step “${needs.title}”` : 'this step';
      this.#send({ type: 'error', code: 'missing-value', field: missing.id, stepId: msg.stepId, message: `${missing.label}: a value is needed for ${where}` });
      return;
    }
    const guideId = guide.meta.id;
    // Stopped before its first step (a Stop sent while the shell started or the guide loaded).
    if (accepted.cancelled) {
      this.#send({ type: 'run-end', guideId, ok: false, cancelled: true, summary: 'stopped before any step ran' });
      return;
    }
    const captured = this.#captured.get(guideId) ?? valueRecord<{ value: string; secret: boolean }>();
    // A value an earlier step captures (a token it prints): the step waits until that step ran,
    // in this session or earlier in this run; refused up front, naming the step to run first.
    const needs = missingCapture(guide, selected, msg.path, resolved.values, captured);
    if (needs) {
      this.#send({ type: 'error', code: 'missing-capture', stepId: msg.stepId, ...(needs.by ? { runFirst: needs.by.id } : {}), message: needs.by ? `it needs ${needs.name}, which step “${needs.by.title}” prints: run that step first` : `it needs ${needs.name}, which no step of this path captures` });
      return;
    }
    for (const f of guide.fields) if (f.secret) this.#masker.add(ownValue(resolved.values, f.id));

    this.#captured.set(guideId, captured);
    const onCapture = (name: string, value: string, secret: boolean) => {
      captured[name] = { value, secret };
      if (secret) this.#masker.add(value);
    };
    const prompter = new PagePrompter(guideId, (m) => this.#send(m), (secret) => this.#masker.add(secret));
    // Verdicts of the steps about to run are stale from now on.
    const states = this.#states.get(guideId) ?? new Map<string, StepMessage>();
    this.#states.set(guideId, states);
    for (const s of selected) states.delete(s.id);
    const handle = startStepRun(
      { guide, path: msg.path, values: resolved.values, mode: msg.type, stepId: msg.stepId, captured: Object.assign(valueRecord<{ value: string; secret: boolean }>(), captured), onCapture },
      { spawn: (script, options) => this.#spawnStep(script, options), env: this.#o.env, cwd: this.#o.cwd, ...this.#size, prompter, ...(this.#o.services ? { services: this.#o.services } : {}) },
      {
        output: (text) => this.#output(text),
        status: (stepId, status, summary, explain) => {
          const m: StepMessage = { type: 'step', guideId, stepId, status, ...(summary !== undefined ? { summary } : {}), ...(explain ? { explain } : {}) };
          states.set(stepId, m);
          this.#send(m);
        },
        asking: (stepId) => (prompter.stepId = stepId),
      },
    );
    this.#run = { handle, guideId, prompter };
    const result = await handle.done;
    this.#run = undefined;
    const cancelled = result.status === 'interrupted';
    if (result.error) this.#send({ type: 'error', code: result.error.code, message: result.error.message, ...(result.error.invalid?.[0] ? { field: result.error.invalid[0].id } : result.error.missing?.[0] ? { field: result.error.missing[0].id } : {}) });
    this.#send({ type: 'run-end', guideId, ok: result.status === 'passed', cancelled, summary: summarize(result) });
    this.#o.log(`${msg.type === 'run' ? 'run step' : msg.type === 'apply' ? 'apply step' : 'run from'} ${guideId}/${msg.stepId}: ${result.status}`);
  }

  /** The runner's SpawnPty: `bash -c <script>` in a pty of its own, wired to this terminal's keyboard, size and flow control. */
  #spawnStep(script: string, options: { env: Record<string, string>; stdin: 'pty' | 'null'; cwd?: string; cols?: number; rows?: number }): PtyProcess {
    const body = options.stdin === 'null' ? `exec </dev/null\n${script}` : script;
    const pty = this.#o.spawnPty('bash', ['-c', body], { name: 'xterm-256color', ...this.#size, cwd: options.cwd ?? this.#o.cwd, env: options.env });
    if (this.#gate.paused) pty.pause();
    let exited = false;
    const exitedP = new Promise<void>((r) =>
      pty.onExit(() => {
        exited = true;
        r();
      }),
    );
    const step = { pty, exited: exitedP };
    this.#step = step;
    void exitedP.then(() => {
      if (this.#step === step) this.#step = undefined;
    });
    return {
      pid: pty.pid,
      onData: (l) => pty.onData(l),
      onExit: (l) => pty.onExit((e) => l(e.signal ? { exitCode: e.exitCode, signal: e.signal } : { exitCode: e.exitCode })),
      write: (d) => pty.write(d),
      resize: (c, r) => pty.resize(c, r),
      killGroup: (signal) => {
        try {
          process.kill(-pty.pid, signal);
        } catch {
          /* group gone */
        }
      },
      dispose: () => {
        if (exited) return;
        try {
          pty.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      },
    };
  }

  /** All terminal output enters here: masked, recorded in the screen, batched for the page. */
  #output(data: string): void {
    if (this.#masker.size === 0) return this.#push(data);
    const masked = this.#stream.write(data);
    // A tail that could start a secret is held back; when no more output follows, the flush lets
    // it out as the mask (the masker masks the rest of that secret if it comes later).
    if (this.#maskTimer) clearTimeout(this.#maskTimer);
    this.#maskTimer = setTimeout(() => this.guard('output', () => this.#push(this.#stream.flush())), 25);
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
    else this.#batchTimer ??= setTimeout(() => this.guard('output', () => this.#flush()), FLOW.batchMs);
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
    if (!ws || ws.readyState !== 1) return;
    // A verdict or a question follows the output it is about: send the batch (and the masker's
    // held-back tail) first, so the page never shows "passed" above output still on its way.
    if (msg.type === 'step' || msg.type === 'run-end' || msg.type === 'confirm' || msg.type === 'ask-value') this.#drainOutput();
    ws.send(JSON.stringify(msg));
  }

  #drainOutput(): void {
    if (this.#maskTimer) {
      clearTimeout(this.#maskTimer);
      this.#maskTimer = undefined;
      this.#push(this.#stream.flush());
    }
    this.#flush();
  }

  /** Ends the session: stops a running step and the shell (whole process groups), frees the screen. */
  dispose(): Promise<void> {
    // A second call (the shell exiting during a shutdown, say) waits for the same end.
    this.#ended ??= this.#end();
    return this.#ended;
  }

  #ended: Promise<void> | undefined;

  async #end(): Promise<void> {
    this.#disposed = true;
    for (const t of [this.#batchTimer, this.#maskTimer, this.#graceTimer]) if (t) clearTimeout(t);
    this.#run?.handle.cancel();
    const shellExited = new Promise<void>((r) => {
      this.#shell.onExit(() => r());
    });
    const stops: Promise<void>[] = [];
    if (this.#step) stops.push(stopProcessGroup(this.#step.pty, this.#step.exited));
    stops.push(stopProcessGroup(this.#shell, shellExited));
    await Promise.allSettled(stops);
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    try {
      this.#ws?.close(1000, 'session ended');
    } catch {
      /* already closed */
    }
    this.#ws = undefined;
    try {
      this.#screen.dispose();
    } finally {
      this.#o.onDispose?.();
    }
  }
}

/**
 * The first value a step of the run reads that an earlier step captures but that is not known yet
 * (not captured in this session, nor by a step before it in this run), with the step that captures
 * it (of alternatives, the one whose `when` holds). Steps whose `when` does not hold and cleanup
 * steps (they skip what was never made) are left out.
 */
export function missingCapture(
  guide: Guide,
  selected: Guide['steps'],
  path: Guide['steps'][number]['paths'][number],
  values: Readonly<Record<string, string>>,
  captured: Readonly<Record<string, unknown>>,
): { name: string; by?: Guide['steps'][number] } | undefined {
  const fields = new Set(guide.fields.map((f) => f.id));
  const known = new Set(Object.keys(captured));
  const holds = (step: Guide['steps'][number]) => {
    const cond = step.when !== undefined ? parseCondition(step.when) : undefined;
    return !cond || evaluateCondition(cond, values);
  };
  for (const step of selected) {
    if (!step.paths.includes(path) || !holds(step)) continue;
    const cleanup = isCleanupStep(step);
    if (!cleanup) {
      for (const site of templatesOf(step, guide.steps.indexOf(step))) {
        for (const ref of findRefs(site.template)) {
          if (fields.has(ref.name) || known.has(ref.name)) continue;
          // Of alternatives capturing the same value, the one that runs with these values.
          const capturing = guide.steps.filter((s) => s.kind === 'command' && s.paths.includes(path) && s.captures.some((c) => c.name === ref.name));
          const by = capturing.find(holds) ?? capturing[0];
          return { name: ref.name, ...(by ? { by } : {}) };
        }
      }
    }
    if (step.kind === 'command') for (const c of step.captures) known.add(c.name);
  }
  return undefined;
}

export function parseSessionId(raw: string | null): string | undefined {
  return raw && /^[0-9a-f]{32}$/.test(raw) ? raw : undefined;
}
