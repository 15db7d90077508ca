// A small JSON-over-HTTP client for the product adapters: typed responses (zod), timeouts, and
// failures turned into a Diagnosis. Credentials travel only in headers and never appear in an
// error message: every text that may echo a request is scrubbed of the secrets first.
import type { z } from 'zod';
import type { Diagnosis } from '../contracts.ts';
import { PlaybookError, serverText } from '../errors.ts';

/** How a product's API authenticates: HTTP basic, a bearer token, or an API-key header. */
export type ApiAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'header'; name: string; value: string };

export interface ApiTarget {
  /** Product name for messages, e.g. "Nexus". */
  product: string;
  /** Base address, e.g. http://localhost:8081 (no trailing slash needed). */
  baseUrl: string;
  auth: ApiAuth;
  /** Which guide fields hold the address and the credentials (named in diagnoses). */
  fields: { url: string; credentials: string[] };
  /** Time limit of one request (default 15 s). */
  timeoutMs?: number;
  /** Injectable fetch (tests); default the global one. */
  fetch?: typeof fetch;
  /** How a 429 (rate limited) is waited for and retried; default 3 retries, each wait at most 60 s. */
  rateLimit?: RateLimitPolicy;
}

export interface RateLimitPolicy {
  retries: number;
  /** A longer wait than this is not waited for: the 429 becomes a RATE_LIMITED diagnosis at once. */
  maxWaitMs: number;
  /** Injectable wait (tests record it instead of waiting). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { retries: 3, maxWaitMs: 60_000 };

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });
}

/**
 * How long a 429 asks to wait, in ms: Retry-After (seconds or an HTTP date), else X-RateLimit-Reset
 * (epoch seconds, cloudsmith-cli core/ratelimits.py), else X-RateLimit-Interval (seconds), else 1 s.
 */
export function rateLimitWaitMs(headers: Headers, now = Date.now()): number {
  const ra = headers.get('retry-after');
  if (ra && /^\d+(\.\d+)?$/.test(ra.trim())) return Math.ceil(Number(ra) * 1000);
  if (ra && !Number.isNaN(Date.parse(ra))) return Math.max(0, Date.parse(ra) - now);
  const reset = headers.get('x-ratelimit-reset');
  if (reset && /^\d+$/.test(reset.trim())) return Math.max(0, Number(reset) * 1000 - now);
  const interval = headers.get('x-ratelimit-interval');
  if (interval && !Number.isNaN(Number(interval))) return Math.ceil(Number(interval) * 1000);
  return 1000;
}

export interface ApiResponse {
  status: number;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
  headers: Headers;
}

/** An adapter failure with the diagnosis a user can act on. The message never holds a secret. */
export class AdapterError extends PlaybookError {
  readonly diagnosis: Diagnosis;
  readonly status: number | undefined;
  constructor(diagnosis: Diagnosis, opts: { status?: number; cause?: unknown } = {}) {
    // The message carries the fix too: runners that show only the message still tell the user what to do.
    super(`adapter-${diagnosis.code.toLowerCase().replace(/_/g, '-')}`, `${diagnosis.code}: ${diagnosis.cause} — fix: ${diagnosis.fix}`, { hint: diagnosis.fix, exitCode: 1, cause: opts.cause });
    this.name = 'AdapterError';
    this.diagnosis = diagnosis;
    this.status = opts.status;
  }
}

export function secretsOf(auth: ApiAuth): string[] {
  if (auth.kind === 'basic') return [auth.password];
  if (auth.kind === 'bearer') return [auth.token];
  return [auth.value];
}

/** Replaces every occurrence of each secret (and its URL-encoded form) with "********". */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    for (const form of new Set([s, encodeURIComponent(s), Buffer.from(s).toString('base64')])) out = out.split(form).join('********');
  }
  return out;
}

function authHeaders(auth: ApiAuth): Record<string, string> {
  if (auth.kind === 'basic') return { authorization: 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64') };
  if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.token}` };
  return { [auth.name]: auth.value };
}

/** The joined URL of an API path; refuses a base address that is not http(s). */
export function apiUrl(target: ApiTarget, path: string): URL {
  let base: URL;
  try {
    base = new URL(target.baseUrl);
  } catch {
    throw new AdapterError({ code: 'BAD_URL', cause: `${target.product} address "${target.baseUrl}" (field ${target.fields.url}) is not a URL`, fix: `set ${target.fields.url} to an address such as http://localhost:8081` });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new AdapterError({ code: 'BAD_URL', cause: `${target.product} address must start with http:// or https://`, fix: `set ${target.fields.url} to an http(s) address` });
  }
  if (base.username || base.password) {
    throw new AdapterError({ code: 'CREDENTIALS_IN_URL', cause: `${target.product} address (field ${target.fields.url}) carries credentials`, fix: 'remove user:password@ from the address; credentials come from their own fields' });
  }
  return new URL(base.pathname.replace(/\/+$/, '') + path, base);
}

/**
 * Sends one request. Network failures become AdapterError (UNREACHABLE, DNS, TIMEOUT, TLS); HTTP
 * statuses are returned. A 429 is waited for (as long as the product asks, within the policy's
 * bound) and retried; a 429 that outlasts the policy is returned (statusDiagnosis: RATE_LIMITED).
 */
export async function send(target: ApiTarget, method: string, path: string, opts: { body?: unknown; signal?: AbortSignal } = {}): Promise<ApiResponse> {
  const policy = target.rateLimit ?? DEFAULT_RATE_LIMIT;
  for (let attempt = 0; ; attempt++) {
    const res = await sendOnce(target, method, path, opts);
    if (res.status !== 429 || attempt >= policy.retries) return res;
    const wait = rateLimitWaitMs(res.headers);
    if (wait > policy.maxWaitMs) return res;
    await (policy.sleep ?? sleep)(wait, opts.signal);
  }
}

async function sendOnce(target: ApiTarget, method: string, path: string, opts: { body?: unknown; signal?: AbortSignal }): Promise<ApiResponse> {
  const url = apiUrl(target, path);
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(target.auth) };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const timeout = AbortSignal.timeout(target.timeoutMs ?? 15_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await (target.fetch ?? fetch)(url, { method, headers, body, signal, redirect: 'manual' });
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    throw new AdapterError(networkDiagnosis(target, url, e), { cause: undefined });
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

/** Parses a response body with a schema; a mismatch is a diagnosis (the address is not the product, or an unknown version). */
export function parseBody<S extends z.ZodType>(target: ApiTarget, res: ApiResponse, schema: S, what: string): z.output<S> {
  const r = schema.safeParse(res.json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new AdapterError({
    code: 'UNEXPECTED_RESPONSE',
    cause: `${target.product} answered ${what} with a body this adapter does not understand (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'no JSON'})`,
    fix: `check that ${target.fields.url} points at ${target.product} itself, not a proxy or login page; the adapter's request shapes are documented in docs/emulators.md`,
  });
}

function errorCode(e: unknown): string {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return (e as { name?: string })?.name ?? 'UNKNOWN';
}

export function networkDiagnosis(target: ApiTarget, url: URL, e: unknown): Diagnosis {
  const code = errorCode(e);
  const where = `${url.protocol}//${url.host}`;
  if ((e as { cause?: { message?: string } })?.cause?.message === 'bad port') return { code: 'BAD_PORT', cause: `port ${url.port} of ${target.fields.url} is on the list of ports HTTP clients refuse (it belongs to another protocol)`, fix: `serve ${target.product} on a usual web port, e.g. 8081 or 443` };
  if (code === 'ECONNREFUSED') return { code: 'UNREACHABLE', cause: `nothing accepts connections at ${where} (connection refused): ${target.product} is not running there, or the port is wrong`, fix: `start ${target.product}, or correct ${target.fields.url}` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'DNS', cause: `the host name in ${target.fields.url} (${url.hostname}) does not resolve`, fix: `check the spelling of ${target.fields.url} and this machine's DNS` };
  if (code === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return { code: 'TIMEOUT', cause: `${target.product} at ${where} did not answer in time`, fix: `check that ${where} is reachable from this machine (firewall, VPN, proxy) and that ${target.product} has finished starting` };
  if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code)) return { code: 'TLS', cause: `the TLS handshake with ${where} failed (${code})`, fix: `use the address with a certificate this machine trusts, or set NODE_EXTRA_CA_CERTS to your CA bundle` };
  return { code: 'UNREACHABLE', cause: `cannot reach ${target.product} at ${where} (${code})`, fix: `check ${target.fields.url} and the network between this machine and ${target.product}` };
}

/** 401/403 (and other statuses) turned into a diagnosis; `detail` is the product's own message, scrubbed. */
export function statusDiagnosis(target: ApiTarget, res: ApiResponse, action: string, detail?: string): Diagnosis {
  const said = detail ? serverText(scrub(detail, secretsOf(target.auth)), 300) : '';
  const creds = target.fields.credentials.join(' and ');
  if (res.status === 401) return { code: 'WRONG_CREDENTIALS', cause: `${target.product} refused the credentials while trying to ${action} (401${said ? `: ${said}` : ''})`, fix: `check ${creds}` };
  if (res.status === 403) return { code: 'FORBIDDEN', cause: `${target.product} accepted the credentials but refused to ${action} (403${said ? `: ${said}` : ''})`, fix: `use an account with administrator rights on ${target.product} (${creds})` };
  if (res.status === 429) {
    const policy = target.rateLimit ?? DEFAULT_RATE_LIMIT;
    const wait = rateLimitWaitMs(res.headers);
    const when = new Date(Date.now() + wait).toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      code: 'RATE_LIMITED',
      cause: `${target.product} is rate-limiting these requests (429${said ? `: ${said}` : ''}) while trying to ${action}, still after the waits and retries this tool allows (at most ${policy.retries}, of up to ${policy.maxWaitMs / 1000} s each); it asks to wait until about ${when}`,
      fix: `wait until the rate limit resets (about ${when}), then apply again; other tools using the same ${creds} share the limit`,
    };
  }
  if (res.status === 404) return { code: 'NOT_FOUND', cause: `${target.product} has no such API endpoint while trying to ${action} (404)`, fix: `check that ${target.fields.url} is the ${target.product} base address and the version supports this API` };
  if (res.status >= 500) return { code: 'PRODUCT_ERROR', cause: `${target.product} failed while trying to ${action} (${res.status}${said ? `: ${said}` : ''})`, fix: `look at ${target.product}'s log; retry once it is healthy` };
  return { code: 'REJECTED', cause: `${target.product} rejected the request to ${action} (${res.status}${said ? `: ${said}` : ''})`, fix: 'correct the value the message names and apply again' };
}
