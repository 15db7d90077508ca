// The WebSocket protocol between the page and the local server.
//   page -> server: text frames, JSON control messages (below); binary frames, keyboard input.
//   server -> page: binary frames, terminal output (masked, batched); text frames, JSON events.
import { z } from 'zod';
import { PATH_IDS } from '../model/props.ts';
import { MAX_VALUE_BYTES } from '../model/field-check.ts';
import type { FailureExplanation } from './explain.ts';
export type { FailureExplanation } from './explain.ts';

/** Bounds for the terminal size a page may ask for. */
export const COLS = { min: 2, max: 500 } as const;
export const ROWS = { min: 1, max: 200 } as const;

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,80}$/, { message: 'expected a kebab-case id' });
// A value from the page may be as long as a field allows (the field check counts UTF-8 bytes; a
// string of that many characters is an upper bound); the message itself stays under maxPayload.
const valueText = z.string().max(MAX_VALUE_BYTES);
const values = z.record(z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/), valueText).refine((v) => Object.keys(v).length <= 200, { message: 'too many values' });

const runBase = {
  /** Guide the step belongs to; the server loads it itself and takes the command from it. */
  guideId: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/).describe('Guide the step belongs to; the server loads it itself and takes the command from it.'),
  /** Step to run (`run`), to start from (`run-from`) or to apply (`apply`). */
  stepId: id.describe('Step to run (`run`), to start from (`run-from`) or to apply (`apply`, a fields step with an adapter).'),
  /** The reader's path. */
  path: z.enum(PATH_IDS).describe("The reader's path."),
  /** Field values by field id, secrets included; validated against the guide's fields, kept in memory only. */
  values: values.describe("Field values by field id, secrets included; validated against the guide's fields, kept in memory only."),
};

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('run'), ...runBase }),
  z.strictObject({ type: z.literal('run-from'), ...runBase }),
  /** Apply a `fields` step that names an adapter (`apply=`) through the product's API: check first, apply when not already done. */
  z.strictObject({ type: z.literal('apply'), ...runBase }),
  z.strictObject({ type: z.literal('cancel') }),
  /** A value for an `ask-value` (a manual step that provides a field the page left empty). */
  z.strictObject({
    type: z.literal('value'),
    /** The `id` of the ask-value being answered; an answer to any other is ignored. */
    id: z.number().int().nonnegative().describe('The `id` of the ask-value being answered; an answer to any other is ignored.'),
    /** The value, as the page's field holds it; the runner validates it and asks again when it is refused. */
    value: valueText.describe("The value, as the page's field holds it; the runner validates it and asks again when it is refused."),
  }),
  /** The reader's answer to a `confirm` (a "fill fields" or manual step reached by a run): continue, or skip the step. */
  z.strictObject({
    type: z.literal('answer'),
    /** The `id` of the confirm being answered; an answer to any other is ignored. */
    id: z.number().int().nonnegative().describe('The `id` of the confirm being answered; an answer to any other is ignored.'),
    /** true: the reader did it, go on; false: skip the step. */
    yes: z.boolean().describe('true: the reader did it, go on; false: skip the step.'),
  }),
  z.strictObject({
    type: z.literal('resize'),
    /** Columns; clamped to COLS. */
    cols: z.number().int().describe('Columns; clamped to COLS.'),
    /** Rows; clamped to ROWS. */
    rows: z.number().int().describe('Rows; clamped to ROWS.'),
  }),
  z.strictObject({
    type: z.literal('ack'),
    /** Output bytes the page has written to its terminal since its last ack. */
    bytes: z.number().int().nonnegative().max(1 << 30).describe('Output bytes the page has written to its terminal since its last ack.'),
  }),
]);
export type ClientMessage = z.output<typeof ClientMessageSchema>;
export type ClientMessageInput = z.input<typeof ClientMessageSchema>;

export type StepStatus = 'running' | 'passed' | 'failed' | 'skipped';

/** A step changed state (verdicts come from the runner). `explain`: a failure in the reader's words. */
export type StepMessage = { type: 'step'; guideId: string; stepId: string; status: StepStatus; summary?: string; explain?: FailureExplanation };

export type ServerMessage =
  /**
   * First message on every connection: the session id to reconnect with, whether the screen is a
   * replay, the guide of a run still going on, and `steps`: the last state of every step this
   * session's runs reached (every guide; memory only, masked like all output), so a reloaded page
   * gets its badges back.
   */
  | { type: 'hello'; session: string; resumed: boolean; ackEvery: number; running?: string; steps: StepMessage[] }
  | StepMessage
  /** A run (one step or from a step on) ended. */
  | { type: 'run-end'; guideId: string; ok: boolean; cancelled: boolean; summary: string }
  /** The run waits for the reader: a "fill fields" or manual step to do by hand. Answered with `answer`; sent again after a reattach. */
  | { type: 'confirm'; guideId: string; stepId?: string; id: number; message: string }
  /** The run waits for a field's value (a manual step provides it and the page sent none); answered with `value`. `error`: why the last one was refused. */
  | { type: 'ask-value'; guideId: string; stepId?: string; id: number; fieldId: string; label: string; secret: boolean; error?: string }
  /** The run no longer waits for that confirm or ask-value (answered, stopped or ended). */
  | { type: 'question-end'; id: number }
  /** A request was refused: which field (and for which step), and why; `runFirst`: the step whose
   * output the refused step needs (code `missing-capture`). */
  | { type: 'error'; code: string; message: string; field?: string; stepId?: string; runFirst?: string }
  /** The shell ended; the session is over. */
  | { type: 'exit'; code: number };

export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (v: number, b: { min: number; max: number }) => Math.min(b.max, Math.max(b.min, Math.trunc(v)));
  return { cols: clamp(cols, COLS), rows: clamp(rows, ROWS) };
}
