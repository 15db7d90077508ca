// Interfaces between the engine's parts, fixed here so each part can be built and tested alone:
// the runner calls probes and product adapters through these; the lab, the probes, the adapters
// and the terminal server implement or consume them. Browser-safe: types only.
import type { FieldsStep, Probe } from './model/step.ts';
import type { PathId } from './model/props.ts';

/** Why something failed, said so a user can act: the likely cause and the fix. */
export interface Diagnosis {
  /** Stable code, e.g. UNAUTHORIZED, MANIFEST_UNKNOWN, CONNECTION_REFUSED, WRONG_UPSTREAM_URL. */
  code: string;
  cause: string;
  fix: string;
}

/** A probe with every template already resolved (values filled in, secrets in clear: keep in memory only). */
export interface ResolvedProbe extends Omit<Probe, 'image' | 'username' | 'password' | 'upstream' | 'caFile' | 'success' | 'credentialsWhen'> {
  image: string;
  username?: string;
  password?: string;
  /** Registry the `upstream` probe pulls from directly (default https://cgr.dev). */
  upstream?: string;
  /** A PEM file of CA certificates trusted in addition to the system's, when it exists. */
  caFile?: string;
}

export interface ProbeResult {
  ok: boolean;
  /** One line for the transcript/report, never containing a secret. */
  summary: string;
  diagnosis?: Diagnosis;
}

/** Runs registry probes (implemented in playbooks/probes over the OCI client). */
export interface ProbeRunner {
  run(probe: ResolvedProbe, signal: AbortSignal): Promise<ProbeResult>;
}

/** A `fields` step with every entry's value resolved. */
export interface ResolvedFieldsStep {
  step: FieldsStep;
  path: PathId;
  /** label -> resolved value, plus every guide field's value by id (for credentials and URLs). */
  entries: Array<{ label: string; value: string; api?: string }>;
  values: Record<string, string>;
}

export interface ApplyResult {
  /** false when the product already had this configuration (a rerun). */
  changed: boolean;
  summary: string;
}

export interface CheckResult {
  ok: boolean;
  summary: string;
  /** One entry per wrong setting: which field, what it is, what to change. */
  problems?: Array<{ field: string; actual: string; expected: string; fix: string }>;
  diagnosis?: Diagnosis;
  /**
   * Settings the read-back could not prove (write-only secrets: the product never returns a
   * password). A check with unproven settings is never `ok` ("already done"): applying sends them
   * again, and only a pull through the repository proves them (doctor does that pull).
   */
  unproven?: string[];
}

/** Applies `fields` steps through a product's REST API (implemented in playbooks/adapters). */
export interface FieldsApplier {
  /** True when this applier knows the step's `apply` adapter name (e.g. "nexus.docker-proxy"). */
  canApply(step: FieldsStep): boolean;
  /** "Already done?": the product already holds this configuration. */
  check?(step: ResolvedFieldsStep, signal: AbortSignal): Promise<CheckResult>;
  apply(step: ResolvedFieldsStep, signal: AbortSignal): Promise<ApplyResult>;
}
