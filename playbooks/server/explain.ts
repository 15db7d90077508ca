// A failed step said in the reader's words, for the page: what was expected (the check's
// plain-language `success` statement when the guide gives one), what came back (the telling line
// of the output: "connection refused at 127.0.0.1:44768", or the probe's diagnosis) and which of
// the reader's values the step used. Everything here is already masked by the runner; secret
// values are named, never shown.
import type { Guide } from '../model/guide.ts';
import { templatesOf } from '../model/guide.ts';
import { defaultExitSuccess, type Step } from '../model/step.ts';
import { findRefs } from '../template/refs.ts';
import { displayValue } from '../plan/plan.ts';
import type { StepRecord } from '../runner/types.ts';

export interface FailureExplanation {
  /** What success looks like, one line per check or probe. */
  expected: string[];
  /** What came back instead. */
  got: string;
  /** The reader's values this step used: check these first. `value` only for non-secret fields. */
  check: { field: string; label: string; value?: string }[];
}

/** Known failure lines (curl, docker, the shell) turned into what happened. */
const KNOWN: { re: RegExp; say: (m: RegExpExecArray) => string }[] = [
  { re: /Failed to connect to (\S+) port (\d+)/i, say: (m) => `connection refused at ${m[1]}:${m[2]} (nothing answers there)` },
  { re: /connect(?:ion)? (?:to )?\S*?(\d{1,3}(?:\.\d{1,3}){3}:\d+)\S*:? (?:connect: )?connection refused/i, say: (m) => `connection refused at ${m[1]} (nothing answers there)` },
  { re: /connection refused/i, say: () => 'connection refused (nothing answers at that address)' },
  { re: /Could not resolve host:? (\S+)/i, say: (m) => `the name ${m[1]} does not resolve (DNS)` },
  { re: /no such host|Name or service not known|Temporary failure in name resolution/i, say: () => 'the host name does not resolve (DNS)' },
  { re: /(?:timed out|timeout)/i, say: () => 'no answer in time (timed out)' },
  { re: /SSL|certificate|TLS/i, say: (m) => `a TLS problem: ${m.input.trim()}` },
  { re: /unauthorized|401 Unauthorized|authentication required/i, say: (m) => `the registry refused the credentials: ${m.input.trim()}` },
  { re: /command not found/i, say: (m) => `a program is missing: ${m.input.trim()}` },
];

function lastLines(tail: string | undefined): string[] {
  return (tail ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^[✔✘]/.test(l));
}

export function gotOf(record: Pick<StepRecord, 'reason' | 'outputTail' | 'exitCode'>): string {
  const lines = lastLines(record.outputTail);
  for (const line of [...lines].reverse()) {
    for (const k of KNOWN) {
      const m = k.re.exec(line);
      if (m) return k.say(m);
    }
  }
  const reason = (record.reason ?? '').replace(/ \(after \d+ attempts\)$/, '');
  // The runner's "expected: <success>; got: <what came back>": its got part (a probe's summary
  // and diagnosis read as what happened).
  const got = /(?:^|; )got: ([\s\S]*)$/.exec(reason)?.[1]?.trim();
  if (got) return got;
  if (reason && !/^(output |exit code |capture |expected: )/.test(reason)) return reason;
  const last = lines.at(-1);
  const exit = record.exitCode !== undefined && record.exitCode !== 0 ? ` (exit code ${record.exitCode})` : '';
  if (last) return `the output ended with “${last.length > 200 ? `${last.slice(0, 200)}…` : last}”${exit}`;
  return `no output${exit}`;
}

/** The guide fields a step reads (its templates, its `when`), in order of first use. */
export function fieldsOfStep(guide: Guide, step: Step): string[] {
  const i = guide.steps.indexOf(step);
  const ids = new Set<string>();
  for (const site of templatesOf(step, i < 0 ? 0 : i)) for (const r of findRefs(site.template)) ids.add(r.name);
  return [...ids].filter((id) => guide.fields.some((f) => f.id === id));
}

export function explainFailure(guide: Guide, step: Step, record: Pick<StepRecord, 'reason' | 'outputTail' | 'exitCode'>, values: Readonly<Record<string, string | undefined>>): FailureExplanation {
  const expected: string[] = [];
  if (step.kind === 'verify') {
    // Statements may name values ("{{image}} comes through intact"): shown filled in, secrets as
    // references. Every parsed check has its statement (exitCode ones default, the others must give one).
    const say = (t: string) => displayValue(guide, t, values);
    expected.push(...step.checks.map((c) => say(c.success)));
    for (const p of step.probes) if (p.success) expected.push(say(p.success));
  } else if (step.kind === 'command') {
    expected.push(defaultExitSuccess(step.expectExit));
  } else if (step.kind === 'fields') {
    expected.push("The product's settings match the values on this page");
  }
  const check = fieldsOfStep(guide, step).map((id) => {
    const f = guide.fields.find((x) => x.id === id)!;
    const v = values[id];
    return { field: id, label: f.label, ...(!f.secret && v !== undefined ? { value: v } : {}) };
  });
  return { expected, got: gotOf(record), check };
}
