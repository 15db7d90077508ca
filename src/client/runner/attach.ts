// The runner UI on a guide page served by `cgr-playbook ui`: Run / "Run all from here" buttons on
// command and verify steps, an Apply button on "fill fields" steps that name an adapter
// (data-step-apply: the runner applies them through the product's API), running/passed/failed
// badges, a "Done, continue / Skip" question on a fields or manual step a run reaches (and a
// request for a value a manual step provides, taken from the page's own field), and a
// terminal panel (xterm loaded only when the panel opens) attached to a shell on the reader's
// machine. The page sends step ids and values; the runner takes the commands from its own copy of
// the guide. Browser-only.
import type { AttachRunner, RunnerContext } from './contract.ts';
import type { ServerMessage, StepStatus } from '../../../playbooks/server/protocol.ts';
import type { RunnerConnection } from '../terminal/connection.ts';
import type { TerminalView } from '../terminal/view.ts';

const RUNNABLE = new Set(['command', 'verify']);

const CSS = `
.cgr-run-btn{font:inherit;font-size:.85em;padding:.15em .7em;margin-right:.4em;border:1px solid var(--sl-color-accent,#3b82f6);border-radius:4px;background:transparent;color:var(--sl-color-accent-high,#1d4ed8);cursor:pointer}
.cgr-run-btn:disabled{opacity:.5;cursor:default}
.cgr-step-status[data-status]{display:inline-block;font-size:.8em;padding:.05em .55em;border-radius:999px;margin-left:.4em;font-weight:600}
.cgr-step-status[data-status=running]{background:#dbeafe;color:#1e40af}
.cgr-step-status[data-status=passed]{background:#dcfce7;color:#166534}
.cgr-step-status[data-status=failed]{background:#fee2e2;color:#991b1b}
.cgr-step-status[data-status=skipped]{background:#f3f4f6;color:#374151}
.cgr-term-toggle{position:fixed;right:1rem;bottom:1rem;z-index:60;font:inherit;padding:.4em .9em;border-radius:6px;border:1px solid #30363d;background:#0d1117;color:#e6edf3;cursor:pointer}
.cgr-term-panel{position:fixed;left:0;right:0;bottom:0;height:min(45vh,420px);z-index:59;display:none;flex-direction:column;background:#0d1117;border-top:2px solid #30363d}
.cgr-term-panel[data-open]{display:flex}
.cgr-term-bar{display:flex;gap:.6em;align-items:center;padding:.25em .6em;color:#e6edf3;font-size:.85em;font-family:system-ui,sans-serif}
.cgr-term-bar button{font:inherit;padding:.1em .6em;border-radius:4px;border:1px solid #30363d;background:#161b22;color:#e6edf3;cursor:pointer}
.cgr-term-state{flex:1;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.cgr-term-host{flex:1;min-height:0;padding:0 .4em .4em}
.cgr-confirm{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;margin:.5em 0;padding:.5em .75em;border-radius:6px;border:1px solid #f59e0b;background:#fffbeb;color:#78350f}
.cgr-term-bar .cgr-confirm{margin:0;padding:.1em .5em}
`;

interface Ui {
  panel: HTMLElement;
  host: HTMLElement;
  state: HTMLElement;
  stop: HTMLButtonElement;
  toggle: HTMLButtonElement;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function buildUi(): Ui {
  document.head.append(el('style', { textContent: CSS }));
  const panel = el('section', {}, { class: 'cgr-term-panel', 'aria-label': 'Terminal', 'data-cgr-terminal': '' });
  const bar = el('div', {}, { class: 'cgr-term-bar' });
  const title = el('strong', { textContent: 'Terminal' });
  const state = el('span', { textContent: 'not connected' }, { class: 'cgr-term-state', 'data-cgr-terminal-state': '' });
  const stop = el('button', { type: 'button', textContent: 'Stop', disabled: true }, { 'data-cgr-stop': '' });
  const hide = el('button', { type: 'button', textContent: 'Hide' });
  bar.append(title, state, stop, hide);
  const host = el('div', {}, { class: 'cgr-term-host' });
  panel.append(bar, host);
  const toggle = el('button', { type: 'button', textContent: 'Terminal' }, { class: 'cgr-term-toggle', 'data-cgr-terminal-toggle': '', 'aria-expanded': 'false' });
  document.body.append(panel, toggle);
  hide.addEventListener('click', () => {
    panel.removeAttribute('data-open');
    toggle.hidden = false;
    toggle.setAttribute('aria-expanded', 'false');
  });
  return { panel, host, state, stop, toggle };
}

export const attach: AttachRunner = (ctx: RunnerContext) => {
  const wsPath = document.querySelector<HTMLMetaElement>('meta[name="cgr-runner"]')?.content || '/__cgr/terminal';
  const ui = buildUi();
  let view: TerminalView | undefined;
  let conn: RunnerConnection | undefined;
  let opening: Promise<RunnerConnection | undefined> | undefined;
  let running = false;
  let queued: (() => void) | undefined;
  const buttons: HTMLButtonElement[] = [];
  const stepEls = new Map<string, HTMLElement>();

  const setState = (text: string) => {
    ui.state.textContent = text;
  };
  const setRunning = (on: boolean) => {
    running = on;
    ui.stop.disabled = !on;
    for (const b of buttons) b.disabled = on;
  };
  const setBadge = (stepId: string, status: StepStatus | undefined, summary?: string) => {
    const step = stepEls.get(stepId);
    const badge = step?.querySelector<HTMLElement>('[data-step-status]');
    if (!step || !badge) return;
    if (status === undefined) {
      badge.removeAttribute('data-status');
      badge.textContent = '';
      badge.title = '';
      step.removeAttribute('data-run-status');
      return;
    }
    badge.dataset.status = status;
    badge.textContent = status;
    badge.title = summary ?? '';
    step.dataset.runStatus = status;
  };

  // Questions of a run waiting for the reader, by confirm id.
  const questions = new Map<number, HTMLElement>();
  const dropQuestion = (id: number) => {
    questions.get(id)?.remove();
    questions.delete(id);
  };
  /** Shows a question box in the step it is about (else in the terminal bar). */
  const showQuestion = (msg: Extract<ServerMessage, { type: 'confirm' | 'ask-value' }>, parts: HTMLElement[], focus: HTMLElement, state: string) => {
    dropQuestion(msg.id);
    const step = msg.guideId === ctx.guideId && msg.stepId ? stepEls.get(msg.stepId) : undefined;
    const box = el('div', {}, { class: 'cgr-confirm', role: 'group', 'aria-label': 'The run waits for you', 'data-confirm': String(msg.id), ...(msg.stepId ? { 'data-confirm-step': msg.stepId } : {}) });
    box.append(...parts);
    const actions = step?.querySelector<HTMLElement>('[data-step-actions]');
    if (actions) actions.after(box);
    else ui.state.after(box);
    questions.set(msg.id, box);
    setState(`waiting for you: ${state}`);
    step?.scrollIntoView({ block: 'nearest' });
    focus.focus({ preventScroll: true });
  };
  const confirm = (msg: Extract<ServerMessage, { type: 'confirm' }>) => {
    const yes = el('button', { type: 'button', textContent: 'Done, continue' }, { class: 'cgr-run-btn', 'data-confirm-yes': '' });
    const no = el('button', { type: 'button', textContent: 'Skip this step' }, { class: 'cgr-run-btn', 'data-confirm-no': '' });
    const reply = (answer: boolean) => {
      if (conn?.send({ type: 'answer', id: msg.id, yes: answer })) dropQuestion(msg.id);
    };
    yes.addEventListener('click', () => reply(true));
    no.addEventListener('click', () => reply(false));
    showQuestion(msg, [el('span', { textContent: msg.message }), yes, no], yes, msg.message);
  };
  const askValue = (msg: Extract<ServerMessage, { type: 'ask-value' }>) => {
    const text = el('span', { textContent: `${msg.label} is needed: fill it in on this page, then press Use it.` });
    const note = el('span', { textContent: msg.error ? `The last one was refused: ${msg.error}` : '' }, { 'data-ask-note': '', role: 'status' });
    const use = el('button', { type: 'button', textContent: 'Use it' }, { class: 'cgr-run-btn', 'data-ask-use': '' });
    const go = el('button', { type: 'button', textContent: 'Go to the field' }, { class: 'cgr-run-btn', 'data-ask-go': '' });
    use.addEventListener('click', () => {
      // The page's own field: typed and checked there, a secret never stored.
      const value = ctx.getValues()[msg.fieldId];
      if (value === undefined) {
        note.textContent = `${msg.label} is still empty or not valid on this page.`;
        ctx.focusField?.(msg.fieldId);
        return;
      }
      if (conn?.send({ type: 'value', id: msg.id, value })) dropQuestion(msg.id);
    });
    go.addEventListener('click', () => ctx.focusField?.(msg.fieldId));
    showQuestion(msg, [text, use, go, note], use, `${msg.label} is needed`);
  };

  const onMessage = (msg: ServerMessage) => {
    switch (msg.type) {
      case 'confirm':
        confirm(msg);
        break;
      case 'ask-value':
        askValue(msg);
        break;
      case 'question-end':
        dropQuestion(msg.id);
        break;
      case 'step':
        if (msg.guideId === ctx.guideId) setBadge(msg.stepId, msg.status, msg.summary);
        break;
      case 'run-end':
        for (const id of [...questions.keys()]) dropQuestion(id);
        setRunning(false);
        setState(msg.cancelled ? 'stopped' : msg.ok ? `done: ${msg.summary}` : msg.summary);
        break;
      case 'error':
        setRunning(false);
        setState(msg.field ? `check the value of ${msg.message}` : msg.message);
        break;
      case 'exit':
        setState('the shell ended; reopen the terminal for a new one');
        break;
      case 'hello':
        // Back during a run (a reload): Stop works and the Run buttons wait for its end.
        if (msg.running) setRunning(true);
        break;
    }
  };

  const open = (): Promise<RunnerConnection | undefined> => {
    ui.panel.setAttribute('data-open', '');
    ui.toggle.hidden = true;
    ui.toggle.setAttribute('aria-expanded', 'true');
    view?.fit();
    if (conn && !opening) {
      view?.term.focus();
      return Promise.resolve(conn);
    }
    opening ??= (async () => {
      const token = (await import('../terminal/connection.ts')).readToken();
      if (!token) {
        setState('no access token: open the address that `cgr-playbook ui` printed (it ends in #token=…)');
        opening = undefined;
        return undefined;
      }
      setState('loading the terminal…');
      const [{ createTerminalView }, { RunnerConnection }] = await Promise.all([import('../terminal/view.ts'), import('../terminal/connection.ts')]);
      view = await createTerminalView(ui.host);
      (window as unknown as { cgrTerminal?: TerminalView }).cgrTerminal = view;
      const c = new RunnerConnection(wsPath, token, view.term, {
        onState: (s, detail) => {
          if (s === 'open') {
            setState(detail === 'resumed' ? 'connected (session resumed)' : 'connected');
            ui.panel.dataset.connected = '';
            const go = queued;
            queued = undefined;
            go?.();
          } else {
            delete ui.panel.dataset.connected;
            if (s === 'connecting') setState('connecting…');
            else if (s === 'reconnecting') setState('reconnecting…');
            else {
              setRunning(false);
              setState(
                detail === 'refused'
                  ? 'the runner refused the connection or is not running: start `npx cgr-playbook ui` and open the address it prints'
                  : `disconnected (${detail ?? 'closed'}); start \`npx cgr-playbook ui\` again and open the address it prints`,
              );
            }
          }
        },
        onMessage,
      });
      conn = c;
      c.connect();
      view.term.focus();
      opening = undefined;
      return c;
    })();
    return opening;
  };

  const run = async (type: 'run' | 'run-from' | 'apply', stepId: string) => {
    if (running) return;
    const c = await open();
    if (!c) return;
    const go = () => {
      const sent = c.send({ type, guideId: ctx.guideId, stepId, path: ctx.getPath(), values: ctx.getValues() });
      if (sent) {
        // Verdicts of the steps about to run are stale from now on.
        const ids = [...stepEls.keys()];
        for (const id of type === 'run-from' ? ids.slice(ids.indexOf(stepId)) : [stepId]) setBadge(id, undefined);
        setRunning(true);
        setState(`${type === 'apply' ? 'applying' : 'running'} ${stepId}…`);
      }
    };
    if (c.open) go();
    else queued = go;
  };

  ui.toggle.addEventListener('click', () => void open());
  ui.stop.addEventListener('click', () => conn?.send({ type: 'cancel' }));

  for (const step of ctx.steps()) {
    const id = step.dataset.stepId;
    const kind = step.dataset.stepKind;
    if (!id) continue;
    stepEls.set(id, step);
    const actions = step.querySelector<HTMLElement>('[data-step-actions]');
    if (actions && kind === 'fields' && step.dataset.stepApply) {
      const applyBtn = el('button', { type: 'button', textContent: 'Apply', title: `apply through the product's API (${step.dataset.stepApply})` }, { class: 'cgr-run-btn', 'data-apply-step': id });
      applyBtn.addEventListener('click', () => void run('apply', id));
      actions.append(applyBtn);
      buttons.push(applyBtn);
      continue;
    }
    if (!actions || !kind || !RUNNABLE.has(kind)) continue;
    const runBtn = el('button', { type: 'button', textContent: 'Run' }, { class: 'cgr-run-btn', 'data-run-step': id });
    const fromBtn = el('button', { type: 'button', textContent: 'Run all from here' }, { class: 'cgr-run-btn', 'data-run-from': id });
    runBtn.addEventListener('click', () => void run('run', id));
    fromBtn.addEventListener('click', () => void run('run-from', id));
    actions.append(runBtn, fromBtn);
    buttons.push(runBtn, fromBtn);
  }
  // A changed value or path makes earlier verdicts stale.
  ctx.onChange(() => {
    if (!running) for (const id of stepEls.keys()) setBadge(id, undefined);
  });
};

export default attach;
