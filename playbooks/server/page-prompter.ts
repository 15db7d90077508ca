// The runner's Prompter for runs started from the page. A "fill fields" or manual step reached by a
// run asks the reader "did you do it?" in the page (a `confirm` message; the page answers with
// `answer`) and the run waits. Values are never asked here: the page sends them with the run, so a
// value still missing is an error that names the field to fill in.
import type { Field } from '../model/field.ts';
import type { Prompter } from '../runner/types.ts';
import type { ServerMessage } from './protocol.ts';

interface Pending {
  id: number;
  stepId: string | undefined;
  message: string;
  resolve(yes: boolean): void;
}

export class PagePrompter implements Prompter {
  readonly #send: (msg: ServerMessage) => void;
  readonly #guideId: string;
  #pending: Pending | undefined;
  #nextId = 1;
  /** The step the runner is on (the runner announces it before asking). */
  stepId: string | undefined;

  constructor(guideId: string, send: (msg: ServerMessage) => void) {
    this.#guideId = guideId;
    this.#send = send;
  }

  confirm(message: string, { signal }: { defaultYes?: boolean; signal: AbortSignal }): Promise<boolean> {
    if (signal.aborted) return Promise.reject(new Error('cancelled'));
    return new Promise<boolean>((resolve, reject) => {
      const id = this.#nextId++;
      const stepId = this.stepId;
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        if (this.#pending?.id === id) this.#pending = undefined;
        this.#send({ type: 'confirm-end', id });
      };
      const onAbort = () => {
        done();
        reject(new Error('cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#pending = {
        id,
        stepId,
        message,
        resolve: (yes) => {
          done();
          resolve(yes);
        },
      };
      this.#sendPending();
    });
  }

  /** The page's answer; one for another (older) confirm is ignored. */
  answer(id: number, yes: boolean): void {
    if (this.#pending?.id === id) this.#pending.resolve(yes);
  }

  /** Sends the open question again (a page that reattached has lost it). */
  resend(): void {
    this.#sendPending();
  }

  #sendPending(): void {
    const p = this.#pending;
    if (p) this.#send({ type: 'confirm', guideId: this.#guideId, id: p.id, message: p.message, ...(p.stepId ? { stepId: p.stepId } : {}) });
  }

  askField(field: Field): Promise<string> {
    return Promise.reject(new Error(`${field.label} has no value: fill it in on the page, then run again`));
  }

  choose(): Promise<never> {
    return Promise.reject(new Error('the page chooses the path; none was given'));
  }
}
