// The runner UI on a guide page served by `cgr-playbook ui`: Run / "Run all from here" buttons on
// command and verify steps, an Apply button on "fill fields" steps that name an adapter
// (data-step-apply: the runner applies them through the product's API), running/passed/failed/
// skipped badges (announced to screen readers), a failed step explained in the reader's words, a
// "Done, continue / Skip" question on a fields or manual step a run reaches (and a request for a
// value a manual step provides, taken from the page's own field), and a terminal panel (xterm
// loaded only when the panel opens) attached to a shell on the reader's machine. The page keeps
// room for the panel, follows a run to its running, waiting or failed step, and keeps focus where
// the reader acted; Shift+Tab leaves the terminal. A reload reconnects to the tab's session and
// gets the badges back. The page sends step ids and values; the runner takes the commands from its
// own copy of the guide. Browser-only.
import type { AttachRunner, RunnerContext } from './contract.ts';
import type { FailureExplanation, ServerMessage, StepMessage, StepStatus } from '../../../playbooks/server/protocol.ts';
import type { RunnerConnection } from '../terminal/connection.ts';
import type { TerminalView } from '../terminal/view.ts';
import { PANEL_KEY, readSession, readToken } from '../terminal/keys.ts';
import { splitCodeSpans } from '../code-spans.ts';

const RUNNABLE = new Set(['command', 'verify']);
const PHONE = '(max-width: 50rem)';

const CSS = `
.cgr-run-btn{font:inherit;font-size:.85em;padding:.15em .7em;margin-right:.4em;border:1px solid var(--sl-color-accent,#3b82f6);border-radius:4px;background:transparent;color:var(--sl-color-accent-high,#1d4ed8);cursor:pointer}
.cgr-run-btn:disabled,.cgr-run-btn[aria-disabled=true]{opacity:.5;cursor:default}
.cgr-step-status[data-status]{display:inline-block;font-size:.8em;padding:.05em .55em;border-radius:999px;margin-left:.4em;font-weight:600}
.cgr-step-status[data-status=running]{background:#dbeafe;color:#1e40af}
.cgr-step-status[data-status=passed]{background:#dcfce7;color:#166534}
.cgr-step-status[data-status=failed]{background:#fee2e2;color:#991b1b}
.cgr-step-status[data-status=skipped]{background:#f3f4f6;color:#374151}
.cgr-term-toggle{position:fixed;right:1rem;bottom:1rem;z-index:60;font:inherit;padding:.4em .9em;border-radius:6px;border:1px solid #30363d;background:#0d1117;color:#e6edf3;cursor:pointer}
.cgr-term-panel{position:fixed;left:0;right:0;bottom:0;height:min(45vh,420px);z-index:59;display:none;flex-direction:column;background:#0d1117;border-top:2px solid #30363d}
.cgr-term-panel[data-open]{display:flex}
html.cgr-term-open{scroll-padding-bottom:calc(var(--cgr-term-h,45vh) + 1rem)}
html.cgr-term-open body{padding-bottom:var(--cgr-term-h,45vh)}
.cgr-term-bar{display:flex;flex-wrap:wrap;gap:.3em .6em;align-items:center;padding:.25em .6em;color:#e6edf3;font-size:.85em;font-family:system-ui,sans-serif}
.cgr-term-bar button{font:inherit;padding:.1em .6em;border-radius:4px;border:1px solid #30363d;background:#161b22;color:#e6edf3;cursor:pointer}
.cgr-term-state{flex:1;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.cgr-term-keys{color:#9ca3af}
.cgr-term-host{flex:1;min-height:0;padding:0 .4em .4em}
.cgr-confirm,.cgr-run-error,.cgr-failure{margin:.5em 0;padding:.5em .75em;border-radius:6px}
.cgr-confirm{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;border:1px solid #f59e0b;background:#fffbeb;color:#78350f}
.cgr-run-error,.cgr-failure{border:1px solid #ef4444;background:#fef2f2;color:#7f1d1d}
.cgr-failure p,.cgr-failure ul,.cgr-run-error p{margin:.2em 0 !important}
.cgr-failure ul{padding-left:1.2em}
.cgr-term-bar .cgr-confirm{margin:0;padding:.1em .5em}
.cgr-confirm .cgr-run-btn,.cgr-failure .cgr-run-btn,.cgr-run-error .cgr-run-btn{color:inherit;border-color:currentColor;background:transparent}
.cgr-confirm code,.cgr-failure code{color:inherit;background:rgba(0,0,0,.06)}
@media (max-width:50rem){.cgr-term-toggle{position:static;display:block;width:100%;margin:1rem 0 0}.cgr-term-slot .cgr-term-toggle{margin:0;height:100%}.cgr-term-keys{display:none}}
`;

interface Ui {
  panel: HTMLElement;
  host: HTMLElement;
  state: HTMLElement;
  stop: HTMLButtonElement;
  hide: HTMLButtonElement;
  toggle: HTMLButtonElement;
  live: HTMLElement;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** Author text with `code` spans (a success statement, a manual step's question): code as code, the rest as text. */
function inline(text: string): (HTMLElement | string)[] {
  return splitCodeSpans(text).map((t, i) => (i % 2 ? el('code', { textContent: t }) : t));
}

function remember(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    /* storage blocked */
  }
}

function buildUi(): Ui {
  document.head.append(el('style', { textContent: CSS }));
  const panel = el('section', {}, { class: 'cgr-term-panel', 'aria-label': 'Terminal', 'data-cgr-terminal': '' });
  const bar = el('div', {}, { class: 'cgr-term-bar' });
  const title = el('strong', { textContent: 'Terminal' });
  const state = el('span', { textContent: 'not connected' }, { class: 'cgr-term-state', 'data-cgr-terminal-state': '', role: 'status', 'aria-live': 'polite' });
  const keys = el('span', { id: 'cgr-term-keys', textContent: 'Shift+Tab leaves the terminal' }, { class: 'cgr-term-keys' });
  const stop = el('button', { type: 'button', textContent: 'Stop', disabled: true }, { 'data-cgr-stop': '' });
  const hide = el('button', { type: 'button', textContent: 'Hide' }, { 'data-cgr-hide': '' });
  bar.append(title, state, keys, stop, hide);
  const host = el('div', {}, { class: 'cgr-term-host' });
  panel.append(bar, host);
  const toggle = el('button', { type: 'button', textContent: 'Terminal' }, { class: 'cgr-term-toggle', 'data-cgr-terminal-toggle': '', 'aria-expanded': 'false' });
  // Step verdicts for screen readers (the badges themselves are not live).
  const live = el('p', {}, { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-cgr-announce': '' });
  document.body.append(panel, live);
  // On a phone the toggle sits in the page's flow at the top of the guide, over no text; on a wide
  // screen it floats in the corner (the body, not the content, whose containment would hold it).
  // The site keeps a place for it (data-cgr-term-slot), so the page does not shift when it comes.
  const slot = document.querySelector('[data-cgr-term-slot]');
  const root = document.querySelector('.cgr-guide, [data-guide-id]');
  const phone = matchMedia(PHONE);
  const place = () => {
    if (phone.matches && slot) slot.append(toggle);
    else if (phone.matches && root) root.prepend(toggle);
    else document.body.append(toggle);
  };
  phone.addEventListener('change', place);
  place();
  return { panel, host, state, stop, hide, toggle, live };
}

const STATUS_TEXT: Record<StepStatus, string> = { running: 'running…', passed: 'passed', failed: 'failed', skipped: 'skipped' };

/** The bar's words once the session's shell has ended (a new connection starts a new one). */
const SHELL_ENDED = 'the shell ended; Run (or the Terminal button) starts a new one';

export const attach: AttachRunner = (ctx: RunnerContext) => {
  const wsPath = document.querySelector<HTMLMetaElement>('meta[name="cgr-runner"]')?.content || '/__cgr/terminal';
  const ui = buildUi();
  let view: TerminalView | undefined;
  let conn: RunnerConnection | undefined;
  let opening: Promise<RunnerConnection | undefined> | undefined;
  let running = false;
  /** The run follows its steps on the page (scrolls to the running, waiting or failed one). */
  let follow = false;
  /** A run asked for before the session's hello: it goes once the hello is handled. */
  let queued: (() => void) | undefined;
  /** Where focus goes back when the reader leaves or hides the terminal. */
  let returnFocus: HTMLElement | undefined;
  const buttons: HTMLButtonElement[] = [];
  const stepEls = new Map<string, HTMLElement>();

  const setState = (text: string) => {
    ui.state.textContent = text;
  };
  const setRunning = (on: boolean) => {
    running = on;
    ui.stop.disabled = !on;
    // aria-disabled, not disabled: a disabled button would drop the focus of the reader who pressed it.
    for (const b of buttons) b.setAttribute('aria-disabled', String(on));
    if (!on) follow = false;
  };
  /** The step's title as shown (with its number on the real site), without the badge. */
  const stepTitle = (step: HTMLElement) => {
    const h = step.querySelector<HTMLElement>('.cgr-step-title, h3');
    if (!h) return step.dataset.stepId ?? '';
    const badgeText = h.querySelector<HTMLElement>('[data-step-status]')?.innerText ?? '';
    return (badgeText ? h.innerText.replace(badgeText, '') : h.innerText).replace(/\s+/g, ' ').trim();
  };
  /** Brings a step's part into view above the terminal panel (the page's scroll padding keeps room for it). */
  const reveal = (target: HTMLElement | undefined) => target?.scrollIntoView({ block: 'nearest' });
  const head = (step: HTMLElement) => step.querySelector<HTMLElement>('.cgr-step-head, h3') ?? step;

  const clearNotes = (step: HTMLElement) => step.querySelectorAll('.cgr-failure, .cgr-run-error').forEach((n) => n.remove());
  const afterActions = (step: HTMLElement, box: HTMLElement) => {
    const actions = step.querySelector<HTMLElement>('[data-step-actions]');
    if (actions) actions.after(box);
    else step.append(box);
  };
  const fieldButton = (field: string, label: string) => {
    const go = el('button', { type: 'button', textContent: `Go to ${label}` }, { class: 'cgr-run-btn', 'data-go-field': field });
    go.addEventListener('click', () => ctx.focusField?.(field));
    return go;
  };
  /** A failed step in the reader's words: expected, got, the values to check. */
  const explainFailure = (step: HTMLElement, ex: FailureExplanation) => {
    const box = el('div', {}, { class: 'cgr-failure', 'data-failure': '' });
    box.append(el('p', {}, {}));
    box.firstElementChild!.append(el('strong', { textContent: 'This step failed.' }));
    if (ex.expected.length === 1) {
      const p = el('p', {}, { 'data-failure-expected': '' });
      p.append('Expected: ', ...inline(ex.expected[0]!), '.');
      box.append(p);
    } else if (ex.expected.length > 1) {
      const ul = el('ul', {}, { 'data-failure-expected': '' });
      for (const e of ex.expected) {
        const li = el('li');
        li.append(...inline(e));
        ul.append(li);
      }
      box.append(el('p', { textContent: 'Expected:' }), ul);
    }
    box.append(el('p', { textContent: `Got: ${ex.got}.` }, { 'data-failure-got': '' }));
    if (ex.check.length) {
      const p = el('p', { textContent: `Check ${ex.check.length === 1 ? 'this value' : 'these values'}: ` }, { 'data-failure-check': '' });
      ex.check.forEach((c, i) => {
        if (i > 0) p.append(', ');
        p.append(el('strong', { textContent: c.label }), c.value !== undefined ? ` (${c.value})` : '');
      });
      box.append(p);
      const actions = el('p');
      for (const c of ex.check.slice(0, 3)) actions.append(fieldButton(c.field, c.label));
      box.append(actions);
    }
    afterActions(step, box);
  };

  const setBadge = (stepId: string, status: StepStatus | undefined, summary?: string, explain?: FailureExplanation, announce = true) => {
    const step = stepEls.get(stepId);
    const badge = step?.querySelector<HTMLElement>('[data-step-status]');
    if (!step || !badge) return;
    clearNotes(step);
    if (status === undefined) {
      badge.removeAttribute('data-status');
      badge.textContent = '';
      badge.title = '';
      step.removeAttribute('data-run-status');
      return;
    }
    badge.dataset.status = status;
    badge.textContent = STATUS_TEXT[status];
    badge.title = summary ?? '';
    step.dataset.runStatus = status;
    if (status === 'failed' && explain) explainFailure(step, explain);
    if (announce) ui.live.textContent = `${stepTitle(step)}: ${STATUS_TEXT[status]}${status === 'failed' && explain ? ` — got ${explain.got}` : status === 'skipped' && summary ? ` (${summary})` : ''}`;
    // A run follows its steps: the running one's title, a failed one's explanation.
    if (follow && status === 'running') reveal(head(step));
    if (follow && status === 'failed') reveal(step.querySelector<HTMLElement>('[data-failure]') ?? head(step));
  };

  /** A run refused before it started: said at the step, with a way to the field. */
  const refuse = (msg: Extract<ServerMessage, { type: 'error' }>) => {
    const step = msg.stepId ? stepEls.get(msg.stepId) : undefined;
    if (!step) return;
    clearNotes(step);
    const box = el('div', {}, { class: 'cgr-run-error', role: 'alert', 'data-run-error': '' });
    box.append(el('p', { textContent: `Not run: ${msg.message}.`.replace(/\.\.$/, '.') }));
    if (msg.field) {
      ctx.markField?.(msg.field);
      const label = msg.message.split(':')[0] ?? msg.field;
      box.append(el('p', {}, {}));
      box.lastElementChild!.append(fieldButton(msg.field, label));
    }
    // A value an earlier step prints: a way to that step's Run button.
    const first = msg.runFirst ? stepEls.get(msg.runFirst) : undefined;
    if (first) {
      const go = el('button', { type: 'button', textContent: `Go to “${stepTitle(first)}”` }, { class: 'cgr-run-btn', 'data-go-step': msg.runFirst! });
      go.addEventListener('click', () => {
        const target = first.querySelector<HTMLElement>('[data-run-step]') ?? head(first);
        first.scrollIntoView({ block: 'center' });
        if (!target.hasAttribute('tabindex') && !(target instanceof HTMLButtonElement)) target.tabIndex = -1;
        target.focus({ preventScroll: true });
      });
      box.append(el('p', {}, {}));
      box.lastElementChild!.append(go);
    }
    afterActions(step, box);
    reveal(box);
  };

  // Questions of a run waiting for the reader, by confirm id.
  const questions = new Map<number, HTMLElement>();
  const dropQuestion = (id: number) => {
    questions.get(id)?.remove();
    questions.delete(id);
  };
  /** Shows a question box in the step it is about (else in the terminal bar). */
  const showQuestion = (msg: Extract<ServerMessage, { type: 'confirm' | 'ask-value' }>, parts: (HTMLElement | string)[], focus: HTMLElement, state: string) => {
    dropQuestion(msg.id);
    const step = msg.guideId === ctx.guideId && msg.stepId ? stepEls.get(msg.stepId) : undefined;
    const box = el('div', {}, { class: 'cgr-confirm', role: 'group', 'aria-label': 'The run waits for you', 'data-confirm': String(msg.id), ...(msg.stepId ? { 'data-confirm-step': msg.stepId } : {}) });
    box.append(...parts);
    // The question's words describe the button that takes focus: a screen reader says them with it.
    const words = parts[0];
    if (words instanceof HTMLElement) {
      words.id = `cgr-question-${msg.id}`;
      focus.setAttribute('aria-describedby', words.id);
    }
    const actions = step?.querySelector<HTMLElement>('[data-step-actions]');
    if (actions) actions.after(box);
    else ui.state.after(box);
    questions.set(msg.id, box);
    setState(`waiting for you: ${state}`);
    if (step) reveal(box);
    // The question needs the reader: focus it, unless they are typing in the terminal.
    if (!ui.panel.contains(document.activeElement)) focus.focus({ preventScroll: true });
  };
  const confirm = (msg: Extract<ServerMessage, { type: 'confirm' }>) => {
    const yes = el('button', { type: 'button', textContent: 'Done, continue' }, { class: 'cgr-run-btn', 'data-confirm-yes': '' });
    const no = el('button', { type: 'button', textContent: 'Skip this step' }, { class: 'cgr-run-btn', 'data-confirm-no': '' });
    const reply = (answer: boolean) => {
      if (conn?.send({ type: 'answer', id: msg.id, yes: answer })) dropQuestion(msg.id);
    };
    yes.addEventListener('click', () => reply(true));
    no.addEventListener('click', () => reply(false));
    const step = msg.stepId ? stepEls.get(msg.stepId) : undefined;
    // A "fill fields" step: the runner's question is about the terminal's listing; the page says
    // it in its own words. A manual step asks its own question.
    const text = step?.dataset.stepKind === 'fields' ? 'The run waits for you: enter the values above in the product, then choose Done, continue.' : msg.message;
    // `code` in the guide's question shows as code, not as backticks.
    const words = el('span');
    words.append(...inline(text));
    showQuestion(msg, [words, yes, no], yes, step ? stepTitle(step) : msg.message);
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

  const showPanel = (show: boolean) => {
    if (show) {
      ui.panel.setAttribute('data-open', '');
      document.documentElement.classList.add('cgr-term-open');
      document.documentElement.style.setProperty('--cgr-term-h', `${ui.panel.offsetHeight}px`);
      ui.toggle.hidden = true;
      view?.fit();
    } else {
      ui.panel.removeAttribute('data-open');
      document.documentElement.classList.remove('cgr-term-open');
      ui.toggle.hidden = false;
    }
    ui.toggle.setAttribute('aria-expanded', String(show));
    remember(PANEL_KEY, show ? '1' : '0');
  };
  new ResizeObserver(() => {
    if (ui.panel.hasAttribute('data-open')) document.documentElement.style.setProperty('--cgr-term-h', `${ui.panel.offsetHeight}px`);
  }).observe(ui.panel);
  /** Focus back where the reader was before the terminal (the toggle when it was hidden meanwhile). */
  const leave = () => {
    const back = returnFocus && returnFocus.isConnected && !returnFocus.hidden ? returnFocus : ui.toggle.hidden ? ui.hide : ui.toggle;
    back.focus();
  };
  ui.hide.addEventListener('click', () => {
    showPanel(false);
    leave();
  });
  // Escape in the panel's bar (not in the terminal, where programs need it) hides the panel.
  ui.panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !ui.host.contains(e.target as Node)) {
      showPanel(false);
      leave();
    }
  });

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
        if (msg.guideId === ctx.guideId) setBadge(msg.stepId, msg.status, msg.summary, msg.explain);
        break;
      case 'run-end':
        for (const id of [...questions.keys()]) dropQuestion(id);
        setRunning(false);
        setState(msg.cancelled ? 'stopped' : msg.ok ? `done: ${msg.summary}` : msg.summary);
        break;
      case 'error':
        setRunning(false);
        setState(msg.field ? `not run: check ${msg.message}` : msg.stepId ? `not run: ${msg.message}` : msg.message);
        refuse(msg);
        break;
      case 'exit':
        setState(SHELL_ENDED);
        break;
      case 'hello': {
        // The session (re)connected: it is the truth from here. Questions shown are from before (a
        // run waiting for the reader asks again after its hello); the badges of this session's
        // runs come back; the run state is the session's (a run that ended while the page was
        // away sent its run-end nowhere): during a run Stop works, the Run buttons wait for its
        // end and the panel shows it.
        for (const id of [...questions.keys()]) dropQuestion(id);
        for (const m of msg.steps as StepMessage[]) if (m.guideId === ctx.guideId) setBadge(m.stepId, m.status, m.summary, m.explain, false);
        setRunning(msg.running !== undefined);
        if (msg.running) showPanel(true);
        // A run asked for meanwhile goes now, after the session's older states are on the page
        // (so they cannot land over the badges it resets), unless the session's own run goes on.
        const go = takeQueued();
        if (go && msg.running) setState('not run: a run is going on in this terminal; stop it or wait for its end, then run again');
        else go?.();
        break;
      }
    }
  };
  const takeQueued = () => {
    const go = queued;
    queued = undefined;
    delete ui.panel.dataset.runQueued;
    return go;
  };

  const open = (opts: { focus: boolean; show?: boolean }): Promise<RunnerConnection | undefined> => {
    if (opts.show !== false) showPanel(true);
    if (conn && !opening) {
      // Closed for good (the shell ended, the runner went away): what the reader does now opens a new connection.
      if (conn.ended) conn.connect();
      if (opts.focus) view?.term.focus();
      return Promise.resolve(conn);
    }
    opening ??= (async () => {
      const token = readToken();
      if (!token) {
        setState('no access token: open the address that `cgr-playbook ui` printed (it ends in #token=…)');
        opening = undefined;
        return undefined;
      }
      setState('loading the terminal…');
      const [{ createTerminalView }, { RunnerConnection }] = await Promise.all([import('../terminal/view.ts'), import('../terminal/connection.ts')]);
      // xterm measures its cells when it opens: a hidden panel is laid out (invisibly) meanwhile.
      const quiet = !ui.panel.hasAttribute('data-open');
      if (quiet) {
        ui.panel.style.visibility = 'hidden';
        ui.panel.setAttribute('data-open', '');
      }
      view = await createTerminalView(ui.host);
      if (quiet) {
        ui.panel.style.visibility = '';
        if (ui.toggle.hidden === false) ui.panel.removeAttribute('data-open');
      }
      (window as unknown as { cgrTerminal?: TerminalView }).cgrTerminal = view;
      // The documented way out of the terminal: Shift+Tab (Tab stays the shell's completion key).
      view.term.attachCustomKeyEventHandler((e) => {
        if (e.key !== 'Tab' || !e.shiftKey) return true;
        if (e.type === 'keydown') {
          e.preventDefault();
          leave();
        }
        return false;
      });
      view.term.textarea?.setAttribute('aria-describedby', 'cgr-term-keys');
      const c = new RunnerConnection(wsPath, token, view.term, {
        onState: (s, detail) => {
          if (s === 'open') {
            setState(detail === 'resumed' ? 'connected (session resumed)' : 'connected');
            ui.panel.dataset.connected = '';
          } else {
            delete ui.panel.dataset.connected;
            if (s === 'connecting') setState('connecting…');
            else if (s === 'reconnecting') setState('reconnecting…');
            else {
              setRunning(false);
              takeQueued();
              setState(
                detail === 'refused'
                  ? 'the runner refused the connection or is not running: start `npx cgr-playbook ui` and open the address it prints'
                  : detail === 'the shell ended'
                    ? SHELL_ENDED
                    : `disconnected (${detail ?? 'closed'}); start \`npx cgr-playbook ui\` again and open the address it prints`,
              );
            }
          }
        },
        onMessage,
      });
      conn = c;
      c.connect();
      if (opts.focus) view.term.focus();
      opening = undefined;
      return c;
    })();
    return opening;
  };

  const run = async (type: 'run' | 'run-from' | 'apply', stepId: string, button: HTMLButtonElement) => {
    if (running) return;
    // Focus stays on the button the reader pressed; the terminal only shows what runs.
    returnFocus = button;
    ctx.checkValues?.();
    const c = await open({ focus: false });
    if (!c) return;
    const go = () => {
      const sent = c.send({ type, guideId: ctx.guideId, stepId, path: ctx.getPath(), values: ctx.getValues() });
      if (sent) {
        // Verdicts of the steps about to run are stale from now on.
        const ids = [...stepEls.keys()];
        for (const id of type === 'run-from' ? ids.slice(ids.indexOf(stepId)) : [stepId]) setBadge(id, undefined);
        setRunning(true);
        follow = true;
        setState(`${type === 'apply' ? 'applying' : 'running'} ${stepId}…`);
      }
    };
    // Before the session's hello is handled, a run would race the older states the hello brings.
    if (c.ready) go();
    else {
      queued = go;
      ui.panel.dataset.runQueued = stepId;
      setState(`${type === 'apply' ? 'applying' : 'running'} ${stepId} once the terminal is connected…`);
    }
  };

  ui.toggle.addEventListener('click', () => {
    returnFocus = ui.toggle;
    void open({ focus: true });
  });
  ui.stop.addEventListener('click', () => conn?.send({ type: 'cancel' }));

  for (const step of ctx.steps()) {
    const id = step.dataset.stepId;
    const kind = step.dataset.stepKind;
    if (!id) continue;
    stepEls.set(id, step);
    const actions = step.querySelector<HTMLElement>('[data-step-actions]');
    if (actions && kind === 'fields' && step.dataset.stepApply) {
      const applyBtn = el('button', { type: 'button', textContent: 'Apply', title: `apply through the product's API (${step.dataset.stepApply})` }, { class: 'cgr-run-btn', 'data-apply-step': id });
      applyBtn.addEventListener('click', () => void run('apply', id, applyBtn));
      actions.append(applyBtn);
      buttons.push(applyBtn);
      continue;
    }
    if (!actions || !kind || !RUNNABLE.has(kind)) continue;
    const runBtn = el('button', { type: 'button', textContent: 'Run' }, { class: 'cgr-run-btn', 'data-run-step': id });
    const fromBtn = el('button', { type: 'button', textContent: 'Run all from here' }, { class: 'cgr-run-btn', 'data-run-from': id });
    runBtn.addEventListener('click', () => void run('run', id, runBtn));
    fromBtn.addEventListener('click', () => void run('run-from', id, fromBtn));
    actions.append(runBtn, fromBtn);
    buttons.push(runBtn, fromBtn);
  }
  // A changed value or path makes earlier verdicts stale.
  ctx.onChange(() => {
    if (!running) for (const id of stepEls.keys()) setBadge(id, undefined, undefined, undefined, false);
  });
  // This tab had a terminal session (a reload, a navigation): reconnect at once, so a run going on
  // and the last run's badges come back without a click; the panel shows as the reader left it.
  if (readSession() && readToken()) {
    let stored: string | null = null;
    try {
      stored = sessionStorage.getItem(PANEL_KEY);
    } catch {
      /* storage blocked */
    }
    void open({ focus: false, show: stored !== '0' });
  }
};

export default attach;
