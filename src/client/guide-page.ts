// Guide page behaviour: the "Your values" inputs, the path switch, live re-rendering of every
// block, copy buttons, and the hand-off to the runner UI. Browser-only; no Node, no zod.
import { effectiveValues, lookupFor, onPath, type PageModel, type PathId } from './page-model.ts';
import { plainPieces, shellPieces, type Piece } from './pieces.ts';
import { hintParts, hintsFor } from './hints.ts';
import { checkFieldValue } from '../../playbooks/model/field-check.ts';
import { evaluateCondition, parseCondition } from '../../playbooks/model/when.ts';
import { ownValue, valueRecord } from '../../playbooks/model/own.ts';
import { loadPath, loadValues, savePath, saveValues, type KeyValueStore } from './storage.ts';
import type { RunnerContext } from './runner/contract.ts';

/** How long typing pauses before a field's value is checked and its error shown. */
const TYPING_PAUSE_MS = 900;

function storage(): KeyValueStore | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function renderPieces(el: Element, pieces: Piece[]): void {
  const nodes = pieces.map((p) => {
    if (!p.ref) return document.createTextNode(p.text);
    const span = document.createElement('span');
    span.className = `cgr-ref cgr-ref--${p.ref.state}`;
    span.dataset.ref = p.ref.name;
    span.textContent = p.text;
    return span;
  });
  el.replaceChildren(...nodes);
}

export function start(): void {
  const modelEl = document.getElementById('cgr-page-model');
  const root = document.querySelector<HTMLElement>('.cgr-guide');
  if (!modelEl || !root) return;
  const model = JSON.parse(modelEl.textContent ?? '{}') as PageModel;
  const store = storage();
  document.documentElement.classList.add('cgr-js');

  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  for (const el of root.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('[data-field-input]')) inputs.set(el.name, el);

  // Raw values: stored ones over what the page was rendered with (defaults). Secrets: memory only.
  const raw = valueRecord<string>();
  const stored = loadValues(store, model);
  for (const f of model.fields) {
    const el = inputs.get(f.id);
    const v = ownValue(stored, f.id);
    if (el && v !== undefined && !f.secret) {
      if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = v === 'true';
      else el.value = v;
    }
    if (el) raw[f.id] = el instanceof HTMLInputElement && el.type === 'checkbox' ? String(el.checked) : el.value;
  }

  const radios = [...root.querySelectorAll<HTMLInputElement>('input[name="cgr-path"]')];
  let path: PathId = loadPath(store, model.guideId) ?? (radios.find((r) => r.checked)?.value as PathId | undefined) ?? 'developer';
  for (const r of radios) r.checked = r.value === path;

  const listeners = new Set<() => void>();
  let current = effectiveValues(model, path, raw);

  /** Shows the field's error; `onlyClear`: while typing, only take a shown error away. */
  const showFieldState = (id: string, touched: boolean, onlyClear = false): void => {
    const f = model.fields.find((x) => x.id === id);
    const el = inputs.get(id);
    const msg = root.querySelector<HTMLElement>(`#cgr-field-${id} [data-field-error]`);
    if (!f || !el || !msg) return;
    const value = ownValue(raw, id) ?? '';
    let message = '';
    if (value !== '') {
      const r = checkFieldValue(f, value);
      if (!r.ok) message = r.message;
    } else if (touched && f.required && f.default === undefined) message = 'a value is required';
    if (onlyClear && message) return;
    msg.textContent = message ? `${f.label}: ${message}` : '';
    if (message) el.setAttribute('aria-invalid', 'true');
    else el.removeAttribute('aria-invalid');
  };

  const render = (): void => {
    current = effectiveValues(model, path, raw);
    root.dataset.cgrPath = path;
    const lookup = lookupFor(model, current.values);
    for (const step of root.querySelectorAll<HTMLElement>('[data-step-id]')) {
      const parts: { pieces: Piece[]; mode: 'shell' | 'plain' }[] = [];
      for (const el of step.querySelectorAll<HTMLElement>('[data-tpl]')) {
        const mode = el.dataset.tplMode === 'shell' ? 'shell' : 'plain';
        const pieces = mode === 'shell' ? shellPieces(el.dataset.tpl!, lookup) : plainPieces(el.dataset.tpl!, lookup);
        renderPieces(el, pieces);
        parts.push({ pieces, mode });
        const copy = el.closest('.cgr-command, .cgr-entry-value')?.querySelector<HTMLButtonElement>('[data-copy]');
        if (copy) copy.disabled = mode === 'plain' && pieces.some((p) => p.ref?.state === 'secret');
      }
      const hintsEl = step.querySelector<HTMLElement>('[data-step-hints]');
      if (hintsEl) {
        const hints = hintsFor(model, parts);
        hintsEl.replaceChildren(
          ...hints.map((h) => {
            const li = document.createElement('li');
            for (const p of hintParts(h)) {
              const n = p.href ? Object.assign(document.createElement('a'), { href: p.href }) : p.code ? document.createElement('code') : null;
              if (n) {
                n.textContent = p.text;
                li.append(n);
              } else li.append(p.text);
            }
            return li;
          }),
        );
        hintsEl.hidden = hints.length === 0;
      }
      const when = step.dataset.when;
      const cond = when ? parseCondition(when) : undefined;
      const skipped = cond ? !evaluateCondition(cond, current.values) : false;
      step.toggleAttribute('data-skipped', skipped);
      const note = step.querySelector<HTMLElement>('[data-skip-note]');
      if (note) note.hidden = !skipped;
    }
    // Templates outside steps (<Value> in prose).
    for (const el of root.querySelectorAll<HTMLElement>('[data-tpl]')) {
      if (el.closest('[data-step-id]')) continue;
      renderPieces(el, el.dataset.tplMode === 'shell' ? shellPieces(el.dataset.tpl!, lookup) : plainPieces(el.dataset.tpl!, lookup));
    }
    for (const l of listeners) l();
  };

  // A field left by pressing a button (Run, Copy): its error, which moves what follows it down,
  // shows once the press is over, or the button would move away under the pointer and the click
  // be lost.
  let pointerDown = false;
  document.addEventListener('pointerdown', () => (pointerDown = true), true);
  document.addEventListener('pointerup', () => setTimeout(() => (pointerDown = false)), true);
  const afterPointer = (fn: () => void): void => {
    if (!pointerDown) return fn();
    document.addEventListener('pointerup', () => setTimeout(fn), { once: true, capture: true });
  };

  for (const [id, el] of inputs) {
    const f = model.fields.find((x) => x.id === id);
    const update = (touched: boolean, show: boolean) => {
      raw[id] = el instanceof HTMLInputElement && el.type === 'checkbox' ? String(el.checked) : el.value;
      if (f && !f.secret) saveValues(store, model, raw);
      if (show || el.getAttribute('aria-invalid') === 'true') showFieldState(id, touched, !show);
      render();
    };
    // An error shows once the reader leaves the field or pauses typing, never on the first key;
    // while they type, a shown error clears as soon as the value is valid.
    let pause: ReturnType<typeof setTimeout> | undefined;
    el.addEventListener('input', () => {
      update(false, false);
      if (pause) clearTimeout(pause);
      pause = setTimeout(() => showFieldState(id, false), TYPING_PAUSE_MS);
    });
    el.addEventListener('change', () => update(true, false));
    el.addEventListener('blur', () => {
      if (pause) clearTimeout(pause);
      afterPointer(() => showFieldState(id, true));
    });
  }
  for (const r of radios) {
    r.addEventListener('change', () => {
      if (!r.checked) return;
      path = r.value === 'production' ? 'production' : 'developer';
      savePath(store, model.guideId, path);
      render();
    });
  }
  // Copy buttons copy exactly the text shown next to them.
  const status = document.createElement('p');
  status.className = 'sr-only';
  status.setAttribute('aria-live', 'polite');
  root.append(status);
  for (const btn of root.querySelectorAll<HTMLButtonElement>('[data-copy]')) {
    btn.hidden = false;
    btn.addEventListener('click', async () => {
      const src = btn.closest('.cgr-command, .cgr-entry-value')?.querySelector<HTMLElement>('[data-tpl]');
      if (!src) return;
      const box = btn.closest<HTMLElement>('.cgr-command, .cgr-entry-value')!;
      box.querySelector('[data-copy-note]')?.remove();
      // A command with placeholders would not run as copied: say what is missing instead.
      const missing = [...new Set([...src.querySelectorAll<HTMLElement>('.cgr-ref--missing')].map((r) => r.dataset.ref ?? ''))].map(
        (name) => model.fields.find((f) => f.id === name)?.label ?? model.captures.find((c) => c.name === name)?.name ?? name,
      );
      if (missing.length) {
        const note = document.createElement('p');
        note.className = 'cgr-copy-note';
        note.dataset.copyNote = '';
        note.textContent = `Not copied: fill in ${missing.join(', ')} first (under Your values).`;
        box.append(note);
        status.textContent = note.textContent;
        delete btn.dataset.copied;
        return;
      }
      const text = src.textContent ?? '';
      try {
        await navigator.clipboard.writeText(text);
        btn.dataset.copied = 'true';
        status.textContent = 'Copied to the clipboard';
      } catch {
        const range = document.createRange();
        range.selectNodeContents(src);
        getSelection()?.removeAllRanges();
        getSelection()?.addRange(range);
        status.textContent = 'Selected: press Ctrl+C to copy';
      }
      setTimeout(() => delete btn.dataset.copied, 1500);
    });
  }

  for (const f of model.fields) if ((ownValue(raw, f.id) ?? '') !== '') showFieldState(f.id, false);
  render();

  // A link to a step, a value or a part of the other path (a search result, a shared address)
  // switches the path instead of landing on hidden content; also when it is followed again after the
  // reader switched back (the address does not change, so no hashchange).
  const revealTarget = () => {
    let id: string;
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch {
      return;
    }
    const target = id ? document.getElementById(id) : null;
    const paths = target?.closest<HTMLElement>('[data-paths]')?.dataset.paths?.split(' ') ?? [];
    if (!target || !paths.length || paths.includes(path)) return;
    const radio = radios.find((r) => r.value === paths[0]);
    if (!radio) return;
    radio.checked = true;
    radio.dispatchEvent(new Event('change'));
    target.scrollIntoView();
    status.textContent = `Switched to ${radio.closest('label')?.querySelector('strong')?.textContent ?? paths[0]}: the linked ${target.closest('[data-step-id]') ? 'step' : target.closest('[data-field-id]') ? 'value' : 'part'} is on that path.`;
  };
  window.addEventListener('hashchange', revealTarget);
  root.addEventListener('click', (e) => {
    const a = (e.target as Element).closest('a');
    if (a?.hash && a.hash === location.hash && a.pathname === location.pathname) setTimeout(revealTarget);
  });
  revealTarget();

  // A field in a collapsed group (Advanced / testing) is opened before it is marked or focused:
  // an error the reader cannot see, or focus on a hidden input, helps nobody.
  const revealField = (fieldId: string) => {
    const group = inputs.get(fieldId)?.closest('details');
    if (group && !group.open) group.open = true;
  };

  const ctx: RunnerContext = {
    guideId: model.guideId,
    getValues: () => {
      const out = valueRecord<string>();
      for (const f of model.fields) {
        if (!onPath(f, path)) continue;
        // An invalid value goes as typed (the runner refuses it, naming the field): dropping it
        // would let the runner fall back to the default, a value the page does not show.
        const v = ownValue(current.invalid, f.id) !== undefined ? ownValue(raw, f.id) : ownValue(current.values, f.id);
        if (v !== undefined) out[f.id] = v;
      }
      return out;
    },
    checkValues() {
      for (const f of model.fields) if (onPath(f, path)) showFieldState(f.id, false);
    },
    markField(fieldId) {
      revealField(fieldId);
      showFieldState(fieldId, true);
    },
    getPath: () => path,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    steps: () => [...root.querySelectorAll<HTMLElement>('[data-step-id]')],
    focusField(fieldId) {
      const el = inputs.get(fieldId);
      if (!el) return false;
      revealField(fieldId);
      el.scrollIntoView({ block: 'center' });
      el.focus();
      return true;
    },
  };
  if (document.querySelector('meta[name="cgr-runner"]')) {
    void import('./runner/attach.ts').then((m) => m.attach(ctx));
  } else {
    const note = root.querySelector<HTMLElement>('[data-runner-note]');
    if (note) note.hidden = false;
  }
}
