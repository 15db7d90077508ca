// The runner's Prompter for runs started from the page. A "fill fields" or manual step reached by a
// run asks the reader "did you do it?" in the page (`confirm`, answered with `answer`); a manual
// step that provides a field the page left empty asks for it (`ask-value`, answered with `value`,
// taken from the page's own field so it is typed and checked there). The run waits meanwhile; one
// question is open at a time, and a page that reattaches is asked again.
import type { Field } from '../model/field.ts';
import type { Prompter } from '../runner/types.ts';
import type { ServerMessage } from './protocol.ts';

type Question = Extract<ServerMessage, { type: 'confirm' | 'ask-value' }>;

interface Pending {
  question: Question;
  settle(answer: boolean | string): void;
}

export class PagePrompter implements Prompter {
  readonly #send: (msg: ServerMessage) => void;
  readonly #guideId: string;
  readonly #onSecret: (value: string) => void;
  #pending: Pending | undefined;
  #nextId = 1;
  /** The step the runner is on (the runner announces it before asking). */
  stepId: string | undefined;

  /** `onSecret` gets every secret value the page answers with (to mask it beyond this run too). */
  constructor(guideId: string, send: (msg: ServerMessage) => void, onSecret: (value: string) => void = () => {}) {
    this.#guideId = guideId;
    this.#send = send;
    this.#onSecret = onSecret;
  }

  confirm(message: string, { signal }: { defaultYes?: boolean; signal: AbortSignal }): Promise<boolean> {
    return this.#ask<boolean>(signal, (id, stepId) => ({ type: 'confirm', guideId: this.#guideId, id, message, ...(stepId ? { stepId } : {}) }), (a) => (typeof a === 'boolean' ? a : undefined));
  }

  askField(field: Field, { error, signal }: { error?: string; signal: AbortSignal }): Promise<string> {
    return this.#ask<string>(
      signal,
      (id, stepId) => ({ type: 'ask-value', guideId: this.#guideId, id, fieldId: field.id, label: field.label, secret: field.secret, ...(stepId ? { stepId } : {}), ...(error ? { error } : {}) }),
      (a) => {
        if (typeof a !== 'string') return undefined;
        if (field.secret) this.#onSecret(a);
        return a;
      },
    );
  }

  choose(): Promise<never> {
    return Promise.reject(new Error('the page chooses the path; none was given'));
  }

  /** The page's answer to a confirm; one for another (older) question is ignored. */
  answer(id: number, yes: boolean): void {
    if (this.#pending?.question.id === id) this.#pending.settle(yes);
  }

  /** The page's value for an ask-value; one for another (older) question is ignored. */
  provide(id: number, value: string): void {
    if (this.#pending?.question.id === id) this.#pending.settle(value);
  }

  /** Sends the open question again (a page that reattached has lost it). */
  resend(): void {
    if (this.#pending) this.#send(this.#pending.question);
  }

  #ask<T>(signal: AbortSignal, build: (id: number, stepId: string | undefined) => Question, accept: (answer: boolean | string) => T | undefined): Promise<T> {
    if (signal.aborted) return Promise.reject(new Error('cancelled'));
    return new Promise<T>((resolve, reject) => {
      const question = build(this.#nextId++, this.stepId);
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        if (this.#pending?.question === question) this.#pending = undefined;
        this.#send({ type: 'question-end', id: question.id });
      };
      const onAbort = () => {
        done();
        reject(new Error('cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#pending = {
        question,
        settle: (answer) => {
          // An answer of the wrong kind (a value for a yes/no question) leaves the question open.
          const value = accept(answer);
          if (value === undefined) return;
          done();
          resolve(value);
        },
      };
      this.#send(question);
    });
  }
}
