// Playbook steps: what the reader does, and what the runner executes and checks. Browser-safe.
import { z } from 'zod';
import { booleanProp, boundedIntProp, durationProp, oneLine, pathProp, pathsOf, stepIdSchema } from './props.ts';
import { parseCondition } from './when.ts';
import { regexError } from './field.ts';
import { regexSlowness, SLOW_REGEX_HINT } from './regex-safety.ts';
import { reservedNameError } from './reserved-names.ts';

const regexString = z.string().superRefine((src, ctx) => {
  const err = regexError(src);
  if (err) ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${err}`, params: { hint: 'escape special characters such as ( [ { . with a backslash' } });
  else {
    const slow = regexSlowness(src);
    if (slow) ctx.addIssue({ code: 'custom', message: `regular expression can take exponential time: ${slow}`, params: { hint: SLOW_REGEX_HINT } });
  }
});

/** A command: something other than blanks (a fence holding only spaces would run nothing and pass). */
const commandText = (message: string) =>
  z.string().superRefine((src, ctx) => {
    if (src.trim() === '') ctx.addIssue({ code: 'custom', message, params: { hint: 'write the command in the ```sh fence' } });
  });

/** Props every step has. */
const stepBase = {
  /** Stable id, unique in the guide: `--only`, `--from`, reports and the page's Run buttons use it. */
  id: stepIdSchema.describe("Stable id, unique in the guide: `--only`, `--from`, reports and the page's Run buttons use it."),
  /** What the step does, as a short imperative sentence. */
  title: oneLine(z.string().min(1)).describe("What the step does, as a short imperative sentence."),
  /** Which path the step belongs to; default both. */
  path: pathProp.default('both').describe("Which path the step belongs to; default both."),
  /** Run the step only when a field has a value: `field`, `!field`, `field == value`, `field != value`. */
  when: z
    .string()
    .optional()
    .superRefine((w, ctx) => {
      if (w !== undefined && !parseCondition(w)) {
        ctx.addIssue({ code: 'custom', message: `cannot read condition ${JSON.stringify(w)}`, params: { hint: 'write `field`, `!field`, `field == value` or `field != value`' } });
      }
    }).describe("Run the step only when a field has a value: `field`, `!field`, `field == value`, `field != value`."),
};

/** One "enter this in the product's screen" line. */
export const FieldEntrySchema = z.strictObject({
  /** The label exactly as the product's UI shows it, e.g. "Remote storage". */
  label: oneLine(z.string().min(1)).describe("The label exactly as the product's UI shows it, e.g. \"Remote storage\"."),
  /** The value to enter: a template, e.g. "https://cgr.dev/" or "{{repoName}}". */
  value: z.string().describe("The value to enter: a template, e.g. \"https://cgr.dev/\" or \"{{repoName}}\"."),
  /** Why, or what to watch for ("must not contain a path"). */
  note: oneLine(z.string()).optional().describe("Why, or what to watch for (\"must not contain a path\")."),
  /** The matching field of the product's REST API (dotted path), used when the step is applied through the API. */
  api: z.string().optional().describe("The matching field of the product's REST API (dotted path), used when the step is applied through the API."),
});

export const FieldsStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('fields'),
  /** Where in the product the form is, e.g. "Administration › Repository › Repositories › Create repository › docker (proxy)". */
  screen: oneLine(z.string()).optional().describe("Where in the product the form is, e.g. \"Administration \u203a Repository \u203a Repositories \u203a Create repository \u203a docker (proxy)\"."),
  /** Product adapter able to apply this step through the REST API (e.g. "nexus.docker-proxy"). */
  apply: z.string().optional().describe("Product adapter able to apply this step through the REST API (e.g. \"nexus.docker-proxy\")."),
  /** The lines to fill in. */
  entries: z.array(FieldEntrySchema).min(1, { message: 'a fields step needs at least one <Set> line' }).describe("The lines to fill in."),
  /** Plain-text instructions from the block's body. */
  description: z.string().default('').describe("Plain-text instructions from the block's body."),
});

/** A named value parsed from a command's output for later steps. */
export const CaptureSchema = z.strictObject({
  /** Name used as `{{name}}` in later steps. */
  name: z
    .string()
    .regex(/^[a-z][A-Za-z0-9]*$/, { message: 'expected a camelCase name such as "identityId"' })
    .superRefine((name, ctx) => {
      const err = reservedNameError(name);
      if (err) ctx.addIssue({ code: 'custom', message: err, params: { hint: 'rename it, e.g. "identityId"' } });
    })
    .describe("Name used as `{{name}}` in later steps."),
  /** Regular expression run on the output; group 1 (or `group`) is the value. */
  regex: regexString.describe("Regular expression run on the output; group 1 (or `group`) is the value."),
  /** Which capture group holds the value. */
  group: boundedIntProp(0, 99).default(1).describe("Which capture group holds the value."),
  /** Masked everywhere, like a secret field (e.g. a pull token's password). */
  secret: booleanProp.default(false).describe("Masked everywhere, like a secret field (e.g. a pull token's password)."),
});

export const CommandStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('command'),
  /** The shell command template (from the block's ```sh fence). */
  run: commandText('a command needs a ```sh fence with the command').describe("The shell command template (from the block's ```sh fence)."),
  /** Exit code that counts as success. */
  expectExit: boundedIntProp(0, 255).default(0).describe("Exit code that counts as success."),
  /** How long the command may run. */
  timeout: durationProp.default(120_000).describe("How long the command may run."),
  /** The command reads from the keyboard (e.g. a password prompt). In CI it fails fast instead of waiting. */
  interactive: booleanProp.default(false).describe("The command reads from the keyboard (e.g. a password prompt). In CI it fails fast instead of waiting."),
  /** Cleanup: run this step even when an earlier step failed or the run was stopped ("finally"). */
  always: booleanProp.default(false).describe("A cleanup step: it still runs when an earlier step failed or the run was stopped (Ctrl-C, a time limit, Stop in the page), in guide order after the failure. Its own result counts: a failed cleanup fails the run, and the first failure stays the one reported. Only on <Command> and <Verify>."),
  /** Values parsed from the output. */
  captures: z.array(CaptureSchema).default([]).describe("Values parsed from the output."),
  description: z.string().default('').describe("Plain-text instructions from the block's body."),
});

/** What success looks like, in the reader's words: shown instead of the technical condition. */
const successProp = oneLine(z.string().trim().min(1, { message: 'success must say what success looks like, in a few words' }))
  .optional()
  .describe('What success looks like, in plain words (e.g. "The registry answers 200, or 401 asking for a login"). The page shows it instead of the condition ("Done when: …") and a failure names it ("expected: …; got: …"). Required on every condition but exitCode, which defaults to "The command succeeds" (or "The command exits with status N").');

/** The plain-language statement of an exit code check that gives none. */
export function defaultExitSuccess(equals: number): string {
  return equals === 0 ? 'The command succeeds' : `The command exits with status ${equals}`;
}

const needsSuccess = (what: string, example: string) => (c: { success?: string | undefined }, ctx: z.RefinementCtx) => {
  if (c.success === undefined) {
    ctx.addIssue({ code: 'custom', path: ['success'], message: `${what} needs success="…": what success looks like, in the reader's words`, params: { hint: `e.g. success="${example}"` } });
  }
};

export const CheckSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('exitCode'), equals: boundedIntProp(0, 255), success: successProp }),
    z.strictObject({ type: z.literal('contains'), text: z.string().min(1), success: successProp }),
    z.strictObject({ type: z.literal('notContains'), text: z.string().min(1), success: successProp }),
    z.strictObject({ type: z.literal('regex'), pattern: regexString, success: successProp }),
  ])
  .superRefine((c, ctx) => {
    if (c.type !== 'exitCode') needsSuccess(`a ${c.type === 'regex' ? 'regex' : c.type} check`, 'The registry answers 200, or 401 asking for a login')(c, ctx);
  })
  .transform((c) => ({ ...c, success: c.success ?? (c.type === 'exitCode' ? defaultExitSuccess(c.equals) : '') }));

/** Registry probes, run by the engine itself. */
export const ProbeSchema = z
  .strictObject({
  /** `pull`: pull an image through a registry and check every digest; `upstream`: the same pull straight from the upstream with the same credentials. */
  type: z.enum(['pull', 'upstream']).describe("`pull`: pull an image through a registry and check every digest; `upstream`: the same pull straight from the upstream with the same credentials."),
  /** Image reference template: `host/name`, `host/name:tag` or `host/name@sha256:…`; without a tag or digest `:latest` is pulled. */
  image: z.string().min(1).describe("Image reference template: `host/name`, `host/name:tag` or `host/name@sha256:…`, e.g. \"{{nexusHost}}/chainguard/{{image}}\" (the reader's image value may carry a tag or a digest); without either, `:latest` is pulled."),
  /** Username template (optional). */
  username: z.string().optional().describe("Username template (optional)."),
  /** Password template (optional; usually a secret field). */
  password: z.string().optional().describe("Password template (optional; usually a secret field)."),
  /** `upstream` probes: the registry to pull from directly (template); default https://cgr.dev. */
  upstream: z.string().optional().describe("`upstream` probes: the registry to pull from directly (template); default https://cgr.dev."),
  /** Send `username`/`password` only when this condition on the values holds (as `when`); otherwise pull anonymously. */
  credentialsWhen: z
    .string()
    .optional()
    .superRefine((w, ctx) => {
      if (w !== undefined && !parseCondition(w)) {
        ctx.addIssue({ code: 'custom', message: `cannot read condition ${JSON.stringify(w)}`, params: { hint: 'write `field`, `!field`, `field == value` or `field != value`' } });
      }
    })
    .describe('Send username and password only when this condition holds (written like `when`, e.g. "nexusAuth"); otherwise the probe pulls anonymously and needs neither, e.g. for a registry that lets anonymous users pull.'),
  /** A PEM file of CA certificates to trust for this registry's HTTPS, in addition to the system's (template); ignored when no file is there. */
  caFile: z
    .string()
    .optional()
    .superRefine((f, ctx) => {
      if (f !== undefined && !/^(\/|\{\{)/.test(f)) ctx.addIssue({ code: 'custom', message: `caFile must be an absolute path (or start with a value holding one), got ${JSON.stringify(f)}`, params: { hint: 'write the full path, e.g. caFile="/etc/docker/certs.d/{{registryHost}}/ca.crt" (where docker reads the CA of a registry)' } });
    })
    .describe("A PEM file of CA certificates the probe trusts for the registry's HTTPS, in addition to the system's: an absolute path, usually docker's own, e.g. \"/etc/docker/certs.d/{{nexusHost}}/ca.crt\" or \"{{dockerCertsDir}}/{{nexusHost}}/ca.crt\" (a value holding an absolute path). When no file is there, or it holds no certificate, the probe uses the system's trust alone (docker ignores such a file too), and a certificate failure names the path it looked at."),
  /** Use plain HTTP (a local lab or an http-only port). */
  insecure: booleanProp.default(false).describe("Use plain HTTP (a local lab or an http-only port)."),
  success: successProp.describe('What success looks like, in plain words (e.g. "wolfi-base comes through the cache intact"). Required. The page shows it instead of the probe\'s mechanics; a failure names it ("expected: …; got: …").'),
})
  .superRefine(needsSuccess('a <Probe>', 'The image comes through the cache, every layer intact'))
  .superRefine((p, ctx) => {
    if (p.caFile !== undefined && p.insecure) {
      ctx.addIssue({ code: 'custom', path: ['caFile'], message: 'caFile has no use on an insecure probe: plain HTTP has no certificate to check', params: { hint: 'remove caFile, or insecure' } });
    }
    if (p.credentialsWhen !== undefined && p.username === undefined && p.password === undefined) {
      ctx.addIssue({ code: 'custom', path: ['credentialsWhen'], message: 'credentialsWhen needs credentials to send: this probe has no username or password', params: { hint: 'add username="{{…}}" and password="{{…}}", or remove credentialsWhen' } });
    }
  })
  .transform((p) => ({ ...p, success: p.success ?? '' }));

export const VerifyStepSchema = z
  .strictObject({
    ...stepBase,
    kind: z.literal('verify'),
    /** Check the recorded output of this earlier step instead of running a command. */
    step: stepIdSchema.optional().describe("Check the recorded output of this earlier step instead of running a command."),
    /** A command to run on each attempt; its output is checked. */
    run: commandText('the ```sh fence of a verify step holds no command').optional().describe("A command to run on each attempt; its output is checked."),
    /** What must hold of the output. */
    checks: z.array(CheckSchema).default([]).describe("What must hold of the output."),
    /** Registry probes (HTTP, image pull) evaluated by the engine. */
    probes: z.array(ProbeSchema).default([]).describe("Registry probes (HTTP, image pull) evaluated by the engine."),
    /** Attempts after the first failure. */
    retries: boundedIntProp(0, 100).default(0).describe("Attempts after the first failure."),
    /** Pause between attempts. */
    interval: durationProp.default(2_000).describe("Pause between attempts."),
    /** Time limit of each attempt. */
    timeout: durationProp.default(60_000).describe("Time limit of each attempt."),
    /** Cleanup: run this step even when an earlier step failed or the run was stopped ("finally"). */
    always: booleanProp.default(false).describe("A cleanup step: it still runs when an earlier step failed or the run was stopped (Ctrl-C, a time limit, Stop in the page), in guide order after the failure. Its own result counts: a failed cleanup fails the run, and the first failure stays the one reported. Only on <Command> and <Verify>."),
    description: z.string().default('').describe("Plain-text instructions from the block's body."),
  })
  .superRefine((v, ctx) => {
    if (v.step === undefined && v.run === undefined && v.probes.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'a verify step needs something to check', params: { hint: 'add step="<earlier step id>", a ```sh fence to run, or a <Probe>' } });
    }
    if (v.step !== undefined && v.run !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['step'], message: 'a verify step either checks an earlier step (step=) or runs its own command, not both', params: { hint: 'remove step= or the ```sh fence' } });
    }
    if (v.checks.length === 0 && v.probes.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'a verify step needs at least one <Check> or <Probe>', params: { hint: 'e.g. <Check exitCode={0} /> or <Check contains="Status: Downloaded" />' } });
    }
    if (v.step !== undefined && v.retries > 0 && v.probes.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['retries'], message: 'retries would re-check the same recorded output', params: { hint: 'give the verify step its own ```sh command, or remove retries' } });
    }
  });

export const ManualStepSchema = z.strictObject({
  ...stepBase,
  kind: z.literal('manual'),
  /** Question the runner asks to confirm the action was done (yes/no). */
  ask: oneLine(z.string()).optional().describe("Question the runner asks to confirm the action was done (yes/no)."),
  /** Fields this action produces (e.g. the API key copied from the web app). In CI the step passes when they have values. */
  provides: z.array(z.string()).default([]).describe("Fields this action produces (e.g. the API key copied from the web app). In CI the step passes when they have values."),
  /** In CI: `skip` (with a reason) or `provided` (pass when every `provides` field has a value). */
  ci: z.enum(['skip', 'provided']).default('skip').describe("In CI: `skip` (with a reason) or `provided` (pass when every `provides` field has a value)."),
  description: z.string().default('').describe("Plain-text instructions from the block's body."),
});

export const StepSchema = z
  .discriminatedUnion('kind', [FieldsStepSchema, CommandStepSchema, VerifyStepSchema, ManualStepSchema])
  .transform((s) => ({ ...s, paths: pathsOf(s.path) }));

export type StepInput = z.input<typeof StepSchema>;
export type Step = z.output<typeof StepSchema>;
export type FieldsStep = Extract<Step, { kind: 'fields' }>;
export type CommandStep = Extract<Step, { kind: 'command' }>;
export type VerifyStep = Extract<Step, { kind: 'verify' }>;
export type ManualStep = Extract<Step, { kind: 'manual' }>;
export type Check = z.output<typeof CheckSchema>;
export type Probe = z.output<typeof ProbeSchema>;
export type Capture = z.output<typeof CaptureSchema>;

/** A cleanup step (`always`): it runs even after a failure or an interruption. */
export function isCleanupStep(step: Step): boolean {
  return (step.kind === 'command' || step.kind === 'verify') && step.always;
}
export type StepKind = Step['kind'];
