// Registry failures as a Diagnosis: the registry's error JSON, HTTP status and network errors
// (TLS, DNS, refused, timeout) mapped to a stable code, the likely cause and the fix.
import type { Diagnosis } from '../contracts.ts';
import { serverText } from '../errors.ts';

/** A failed registry operation; `diagnosis` says what to do about it. Never carries a secret. */
export class RegistryError extends Error {
  readonly diagnosis: Diagnosis;
  /** HTTP status when the registry answered. */
  readonly status: number | undefined;
  constructor(diagnosis: Diagnosis, message: string, status?: number) {
    super(message);
    this.name = 'RegistryError';
    this.diagnosis = diagnosis;
    this.status = status;
  }
}

export interface RegistryErrorBody {
  errors?: Array<{ code?: string; message?: string; detail?: unknown }>;
  /** Some token services answer `{"details": "..."}` or `{"error": "..."}`. */
  details?: string;
  error?: string;
}

/** What was being done, to word the diagnosis. */
export interface ErrorContext {
  /** Base URL of the registry, e.g. "https://cgr.dev". */
  registry: string;
  repository?: string;
  reference?: string;
  /** True when credentials were sent. */
  withCredentials?: boolean;
  /** "token" when the token service answered. */
  phase?: 'ping' | 'token' | 'manifest' | 'blob';
}

export function parseErrorBody(text: string): { code?: string; message?: string } {
  const some = (code: unknown, message: unknown) => {
    const c = code ? serverText(String(code)) : '';
    const m = message ? serverText(String(message)) : '';
    return { ...(c ? { code: c } : {}), ...(m ? { message: m } : {}) };
  };
  try {
    const j = JSON.parse(text) as RegistryErrorBody;
    const e = j.errors?.[0];
    if (e) return some(e.code, e.message);
    if (typeof j.details === 'string') return some(undefined, j.details);
    if (typeof j.error === 'string') return some(undefined, j.error);
  } catch {
    /* not JSON */
  }
  return some(undefined, text.trim().split('\n')[0]);
}

function what(ctx: ErrorContext): string {
  const img = ctx.repository ? `${ctx.repository}${ctx.reference ? (ctx.reference.startsWith('sha256:') ? '@' : ':') + ctx.reference : ''}` : '';
  return img ? `${img} at ${ctx.registry}` : ctx.registry;
}

/** Diagnosis for an HTTP error answer of a registry or its token service. */
export function diagnoseHttp(status: number, bodyText: string, ctx: ErrorContext): RegistryError {
  const body = parseErrorBody(bodyText);
  const msg = body.message ?? '';
  let code = body.code?.toUpperCase() ?? '';
  if (!code) {
    if (status === 401) code = 'UNAUTHORIZED';
    else if (status === 403) code = 'DENIED';
    else if (status === 429) code = 'TOOMANYREQUESTS';
    else if (status === 404) code = ctx.phase === 'blob' ? 'BLOB_UNKNOWN' : ctx.phase === 'manifest' ? 'MANIFEST_UNKNOWN' : 'NOT_FOUND';
    else if (status >= 500) code = 'REGISTRY_ERROR';
    else code = `HTTP_${status}`;
  }
  if (code === 'FORBIDDEN') code = 'DENIED';
  if (/expired/i.test(msg) && (status === 400 || status === 401 || status === 403)) code = 'TOKEN_EXPIRED';
  const said = `${status}${body.code ? ' ' + body.code : ''}${msg ? `: ${msg}` : ''}`;
  const d = diagnosisFor(code, ctx, said);
  return new RegistryError(d, `${ctx.phase ?? 'request'} ${what(ctx)} failed: ${said}`, status);
}

function diagnosisFor(code: string, ctx: ErrorContext, said: string): Diagnosis {
  const w = what(ctx);
  const creds = ctx.withCredentials;
  switch (code) {
    case 'UNAUTHORIZED':
      return creds
        ? { code, cause: `${ctx.phase === 'token' ? "The registry's token service" : 'The registry'} rejected the username and password/pull token (${said}).`, fix: 'Check the username (for cgr.dev: the pull token\'s identity id, not an email) and the token; create a new pull token with `chainctl auth configure-docker --pull-token --parent <org>` if it was revoked.' }
        : { code, cause: `${w} needs credentials and none were given (${said}); private organization images need a pull token.`, fix: 'Pass the pull token\'s username (identity id) and password, or pull a public image under chainguard/.' };
    case 'TOKEN_EXPIRED':
      return { code, cause: `The credentials have expired (${said}).`, fix: 'Create a new pull token (`chainctl auth configure-docker --pull-token --parent <org> --ttl 720h`) and update it wherever the old one is configured.' };
    case 'DENIED':
      return { code, cause: `The credentials were accepted but do not grant pull on ${w} (${said}).`, fix: 'Use a pull token created for the organization that owns this repository (`--parent <org>`), and check the repository path.' };
    case 'NAME_UNKNOWN':
      return { code, cause: `The registry has no repository ${ctx.repository ?? ''} (${said}).`, fix: 'Check the repository path: public images are <registry>/chainguard/<image>, private ones <registry>/<org>/<image>.' };
    case 'MANIFEST_UNKNOWN':
      return { code, cause: `No manifest for ${w} (${said}). Through a pull-through cache this is also how a failed upstream sign-in shows: the cache could not fetch the image from its upstream.`, fix: 'Check the image name and tag; if they are right, check the cache\'s upstream URL and credentials (the `upstream` probe pulls the same image straight from the upstream with the same credentials).' };
    case 'BLOB_UNKNOWN':
      return { code, cause: `The manifest of ${w} names a blob the registry does not have (${said}).`, fix: 'The registry or cache storage is incomplete: delete the cached repository (or the cache folder) and pull again.' };
    case 'TOOMANYREQUESTS':
      return { code, cause: `The registry is rate-limiting these requests (${said}).`, fix: 'Wait and retry; pull through the cache instead of the upstream, and authenticate to get higher limits.' };
    case 'NAME_INVALID':
    case 'MANIFEST_INVALID':
      return { code, cause: `The registry refused the request for ${w} (${said}).`, fix: 'Check the image reference for typos (lower case, no spaces).' };
    case 'NOT_FOUND':
      return { code, cause: `${ctx.registry} answered 404 for ${ctx.phase === 'ping' ? '/v2/' : 'the request'} (${said}): it does not look like a container registry endpoint.`, fix: 'Check the registry URL and port: it must serve the OCI Distribution API at /v2/.' };
    case 'REGISTRY_ERROR':
      return { code, cause: `The registry failed internally (${said}); a cache answers 5xx when its upstream is unreachable.`, fix: "Look at the registry's log; for a cache, check that its upstream answers." };
    default:
      return { code, cause: `The registry answered ${said}.`, fix: "Look at the registry's log for the request." };
  }
}

interface ErrnoLike {
  code?: string;
  message?: string;
  cause?: unknown;
  name?: string;
}

function causeChain(e: unknown): ErrnoLike[] {
  const out: ErrnoLike[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 6 && cur && typeof cur === 'object'; i++) {
    out.push(cur as ErrnoLike);
    const c = cur as ErrnoLike & { errors?: unknown[] };
    cur = c.cause ?? (Array.isArray(c.errors) ? c.errors[0] : undefined);
  }
  return out;
}

/** Diagnosis for a request that got no HTTP answer: DNS, refused, TLS, timeout, abort. */
export function diagnoseNetwork(err: unknown, ctx: ErrorContext, signal?: AbortSignal): RegistryError {
  if (err instanceof RegistryError) return err;
  const chain = causeChain(err);
  const codes = chain.map((c) => c.code ?? '').filter(Boolean);
  const names = chain.map((c) => c.name ?? '');
  const text = chain.map((c) => c.message ?? '').join(' | ');
  let host = ctx.registry;
  try {
    host = new URL(ctx.registry).host;
  } catch {
    /* keep */
  }
  const mk = (code: string, cause: string, fix: string) => new RegistryError({ code, cause, fix }, `${ctx.phase ?? 'request'} ${ctx.registry}: ${cause}`);
  if (names.includes('TimeoutError') || codes.some((c) => c === 'UND_ERR_CONNECT_TIMEOUT' || c === 'ETIMEDOUT' || c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT')) {
    return mk('TIMEOUT', `${host} did not answer in time.`, 'Check that the host is reachable from here (firewall, proxy, VPN) and that the service is not overloaded; then retry.');
  }
  if (names.includes('AbortError') || signal?.aborted) {
    return mk('ABORTED', 'The request was cancelled.', 'Run the check again.');
  }
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'EAI_NONAME')) {
    return mk('DNS', `The name ${host.replace(/:\d+$/, '')} does not resolve (${codes.join(', ')}).`, 'Check the host name for typos, and the DNS settings of this machine (corporate DNS, /etc/hosts).');
  }
  if (codes.includes('ECONNREFUSED')) {
    return mk('CONNECTION_REFUSED', `Nothing listens on ${host}: the connection was refused.`, 'Start the registry (or check its port); for a cache, check that its process is running and listening on that address.');
  }
  if (codes.some((c) => c === 'ECONNRESET' || c === 'EPIPE' || c === 'UND_ERR_SOCKET')) {
    if (/wrong version number|packet length too long/i.test(text)) {
      return mk('TLS', `${host} does not speak TLS (it is a plain HTTP port).`, 'Use http:// for this registry (the probe\'s `insecure` option), or put TLS in front of it.');
    }
    return mk('CONNECTION_RESET', `${host} closed the connection (${codes.join(', ')}).`, 'Check for a proxy or firewall in between, and the registry log.');
  }
  const tlsCode = codes.find((c) => /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(c));
  if (tlsCode || /ssl|tls|certificate/i.test(text)) {
    if (/wrong version number|packet length too long/i.test(text) || codes.includes('ERR_SSL_WRONG_VERSION_NUMBER')) {
      return mk('TLS', `${host} answered plain HTTP to a TLS connection.`, "Use http:// for this registry (the probe's `insecure` option), or put TLS in front of it.");
    }
    return mk('TLS', `The TLS connection to ${host} failed (${tlsCode ?? text.slice(0, 120)}): the certificate is not trusted, expired or for another name, or a proxy intercepts TLS.`, `Check that the certificate is for ${host.replace(/:\d+$/, '')} and not expired. If a CA of your own signed it, docker trusts it from /etc/docker/certs.d/${host}/ca.crt: put the CA certificate there, or install it in this machine's trust store (or NODE_EXTRA_CA_CERTS).`);
  }
  return mk('NETWORK', `The request to ${host} failed: ${(chain[chain.length - 1]?.message ?? String(err)).slice(0, 160)}.`, 'Check the URL and that the registry is reachable from this machine.');
}

export function digestMismatch(kind: string, expected: string, actual: string, ctx: ErrorContext): RegistryError {
  return new RegistryError(
    {
      code: 'DIGEST_MISMATCH',
      cause: `The ${kind} downloaded from ${what(ctx)} does not match its digest: expected ${expected}, got ${actual}. The stored copy is corrupt or something in between altered it.`,
      fix: 'Delete the corrupt copy from the registry or cache storage (for a cache: remove the cached repository) and pull again; if it recurs, check for a proxy rewriting responses.',
    },
    `${kind} digest mismatch for ${what(ctx)}: expected ${expected}, got ${actual}`,
  );
}
