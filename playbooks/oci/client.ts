// OCI Distribution client on plain fetch: /v2/ ping, Bearer/Basic challenges, token requests with
// or without credentials, manifest HEAD/GET, blob download following redirects with digest check.
// Every call takes an AbortSignal; every failure is a RegistryError carrying a Diagnosis.
import { createHash } from 'node:crypto';
import { parseChallenges, type AuthChallenge } from './challenge.ts';
import { diagnoseHttp, diagnoseNetwork, digestMismatch, RegistryError, type ErrorContext } from './errors.ts';
import { MANIFEST_ACCEPT } from './media-types.ts';

export interface RegistryClientOptions {
  /** Registry base URL with scheme, e.g. "https://cgr.dev" or "http://127.0.0.1:5000". */
  baseUrl: string;
  /** Basic credentials for the token service (or the registry itself when it asks for Basic). */
  username?: string;
  password?: string;
  /** Injected fetch (tests, proxies); default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Time limit of each request's headers and small bodies, ms (default 30 s). */
  timeoutMs?: number;
  /** Time limit of one blob download, ms (default 10 min). */
  blobTimeoutMs?: number;
  userAgent?: string;
}

export interface PingResult {
  status: number;
  challenges: AuthChallenge[];
  /** Docker-Distribution-Api-Version header, when sent. */
  apiVersion?: string;
}

export interface ManifestResult {
  mediaType: string;
  digest: string;
  size: number;
  /** Raw bytes (GET only). */
  bytes?: Uint8Array;
}

export interface BlobResult {
  digest: string;
  size: number;
  /** The content, when asked for with `keep`. */
  bytes?: Uint8Array;
  /** How many redirects were followed. */
  redirects: number;
}

const MAX_REDIRECTS = 5;
/** Attempts of one request while pooled connections turn out to be closed (see #raw). */
const STALE_SOCKET_ATTEMPTS = 4;

function isStaleSocket(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: string }).code;
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

/** Checks `bytes` against an OCI digest string ("sha256:<hex>" or "sha512:<hex>"). */
export function computeDigest(algorithm: string, bytes: Uint8Array): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function algorithmOf(digest: string): string {
  const alg = digest.split(':')[0] ?? '';
  if (alg !== 'sha256' && alg !== 'sha512') throw new RegistryError({ code: 'UNSUPPORTED_DIGEST', cause: `Digest algorithm "${alg}" is not supported.`, fix: 'Use an image with sha256 digests.' }, `unsupported digest ${digest}`);
  return alg;
}

export class RegistryClient {
  readonly baseUrl: string;
  readonly #opts: RegistryClientOptions;
  readonly #fetch: typeof fetch;
  /** scope -> Authorization header value. */
  readonly #auth = new Map<string, string>();
  #challenge: AuthChallenge | undefined;
  #pinged = false;

  constructor(opts: RegistryClientOptions) {
    this.#opts = opts;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.#fetch = opts.fetch ?? globalThis.fetch;
  }

  get hasCredentials(): boolean {
    return Boolean(this.#opts.username || this.#opts.password);
  }

  #ctx(extra: Partial<ErrorContext> = {}): ErrorContext {
    return { registry: this.baseUrl, withCredentials: this.hasCredentials, ...extra };
  }

  #signal(signal: AbortSignal, ms: number | undefined, dflt: number): AbortSignal {
    return AbortSignal.any([signal, AbortSignal.timeout(ms ?? dflt)]);
  }

  async #raw(url: string, init: RequestInit, signal: AbortSignal, ctx: ErrorContext): Promise<Response> {
    const go = () => this.#fetch(url, { ...init, signal, redirect: 'manual', headers: { 'User-Agent': this.#opts.userAgent ?? 'cgr-playbook', ...(init.headers as Record<string, string>) } });
    // A pooled keep-alive connection the server closed meanwhile fails with a reset: retry. The
    // pool may hold several such connections (one per earlier parallel request), each discarded
    // as it fails, so allow a few attempts before the reset counts as the answer.
    for (let attempt = 1; ; attempt++) {
      try {
        return await go();
      } catch (e) {
        if (signal.aborted || !isStaleSocket(e) || attempt >= STALE_SOCKET_ATTEMPTS) throw diagnoseNetwork(e, ctx, signal);
      }
    }
  }

  /** `GET /v2/`: 200, or 401 with the challenges to answer. */
  async ping(signal: AbortSignal): Promise<PingResult> {
    const ctx = this.#ctx({ phase: 'ping' });
    const res = await this.#raw(`${this.baseUrl}/v2/`, { method: 'GET' }, this.#signal(signal, this.#opts.timeoutMs, 30_000), ctx);
    const text = await res.text().catch(() => '');
    const challenges = parseChallenges(res.headers.get('www-authenticate'));
    this.#pinged = true;
    this.#challenge = challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
    if (res.status !== 200 && res.status !== 401) throw diagnoseHttp(res.status, text, ctx);
    if (res.status === 401 && challenges.length === 0) {
      throw new RegistryError({ code: 'NOT_A_REGISTRY', cause: `${this.baseUrl}/v2/ answered 401 without a WWW-Authenticate challenge.`, fix: 'Check the URL: it should be a container registry, not a web page behind a login.' }, 'no challenge', 401);
    }
    const apiVersion = res.headers.get('docker-distribution-api-version');
    return { status: res.status, challenges, ...(apiVersion ? { apiVersion } : {}) };
  }

  #basic(): string | undefined {
    if (!this.hasCredentials) return undefined;
    return 'Basic ' + Buffer.from(`${this.#opts.username ?? ''}:${this.#opts.password ?? ''}`).toString('base64');
  }

  /** Asks the challenge's token service for a token for `scope` (Basic auth when credentials were given). */
  async token(challenge: AuthChallenge, scope: string, signal: AbortSignal, ctx: ErrorContext): Promise<string> {
    const realm = challenge.params['realm'];
    if (!realm) throw new RegistryError({ code: 'NOT_A_REGISTRY', cause: 'The Bearer challenge names no realm (token service URL).', fix: "Check the registry's auth configuration." }, 'no realm');
    const u = new URL(realm, this.baseUrl);
    if (challenge.params['service']) u.searchParams.set('service', challenge.params['service']);
    u.searchParams.set('scope', scope);
    const tctx: ErrorContext = { ...ctx, phase: 'token' };
    const basic = this.#basic();
    const res = await this.#raw(u.toString(), { method: 'GET', headers: basic ? { Authorization: basic } : {} }, this.#signal(signal, this.#opts.timeoutMs, 30_000), tctx);
    const text = await res.text().catch(() => '');
    if (res.status !== 200) throw diagnoseHttp(res.status, text, tctx);
    let tok: string | undefined;
    try {
      const j = JSON.parse(text) as { token?: string; access_token?: string };
      tok = j.token ?? j.access_token;
    } catch {
      /* below */
    }
    if (!tok) throw new RegistryError({ code: 'BAD_TOKEN_RESPONSE', cause: `The token service at ${u.origin}${u.pathname} answered without a token.`, fix: 'Check the realm URL the registry advertises.' }, 'no token in response');
    return `Bearer ${tok}`;
  }

  async #authorize(scope: string, challenge: AuthChallenge | undefined, signal: AbortSignal, ctx: ErrorContext): Promise<string | undefined> {
    if (!challenge) return undefined;
    let h: string | undefined;
    if (challenge.scheme === 'bearer') {
      // The challenge of a 401 may carry the exact scope the registry wants.
      h = await this.token(challenge, challenge.params['scope'] || scope, signal, ctx);
    } else if (challenge.scheme === 'basic') {
      h = this.#basic();
      if (!h) throw diagnoseHttp(401, '', { ...ctx, withCredentials: false });
    } else {
      throw new RegistryError({ code: 'UNSUPPORTED_AUTH', cause: `The registry asks for "${challenge.scheme}" authentication.`, fix: 'Only Bearer and Basic are supported.' }, 'unsupported auth');
    }
    if (h) this.#auth.set(scope, h);
    return h;
  }

  /** One authorized request under `scope`, answering a 401 challenge once; follows redirects (dropping Authorization across origins). */
  async request(path: string, init: { method: string; headers?: Record<string, string> }, scope: string, signal: AbortSignal, ctx: ErrorContext): Promise<{ res: Response; redirects: number }> {
    if (!this.#pinged) await this.ping(signal);
    let authz = this.#auth.get(scope) ?? (this.#challenge ? await this.#authorize(scope, this.#challenge, signal, ctx) : undefined);
    for (let attempt = 0; ; attempt++) {
      let url = `${this.baseUrl}${path}`;
      let headers: Record<string, string> = { ...init.headers, ...(authz ? { Authorization: authz } : {}) };
      let redirects = 0;
      let res = await this.#raw(url, { method: init.method, headers }, signal, ctx);
      while (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        if (++redirects > MAX_REDIRECTS) throw new RegistryError({ code: 'TOO_MANY_REDIRECTS', cause: `More than ${MAX_REDIRECTS} redirects fetching ${path}.`, fix: 'Check the registry or proxy configuration for a redirect loop.' }, 'redirect loop', res.status);
        await res.body?.cancel().catch(() => {});
        const next = new URL(res.headers.get('location')!, url);
        if (next.origin !== new URL(url).origin) {
          const { Authorization: _drop, ...rest } = headers;
          headers = rest;
        }
        url = next.toString();
        res = await this.#raw(url, { method: init.method, headers }, signal, ctx);
      }
      if (res.status === 401 && attempt === 0) {
        const text = await res.text().catch(() => '');
        const ch = parseChallenges(res.headers.get('www-authenticate'));
        const c = ch.find((x) => x.scheme === 'bearer') ?? ch.find((x) => x.scheme === 'basic');
        // A 401 with the same credentials we just used means they do not grant this scope.
        if (!c || (authz && c.scheme === 'basic')) throw diagnoseHttp(401, text, ctx);
        this.#challenge = c;
        const before = authz;
        authz = await this.#authorize(scope, c, signal, ctx);
        if (authz === before && c.scheme !== 'bearer') throw diagnoseHttp(401, text, ctx);
        continue;
      }
      if (res.status === 401) {
        const text = await res.text().catch(() => '');
        // The token service issued a token that does not grant pull: credentials valid, access missing.
        if (this.hasCredentials) throw diagnoseHttp(403, text.includes('"errors"') ? text.replace('UNAUTHORIZED', 'DENIED') : text, ctx);
        throw diagnoseHttp(401, text, ctx);
      }
      return { res, redirects };
    }
  }

  /** HEAD (default) or GET of a manifest by tag or digest; GET checks the digest of the bytes. */
  async manifest(repository: string, reference: string, method: 'HEAD' | 'GET', signal: AbortSignal): Promise<ManifestResult> {
    const ctx = this.#ctx({ repository, reference, phase: 'manifest' });
    const sig = this.#signal(signal, this.#opts.timeoutMs, 30_000);
    const { res } = await this.request(`/v2/${repository}/manifests/${reference}`, { method, headers: { Accept: MANIFEST_ACCEPT } }, `repository:${repository}:pull`, sig, ctx);
    if (res.status !== 200) {
      const text = method === 'GET' ? await res.text().catch(() => '') : '';
      throw diagnoseHttp(res.status, text, ctx);
    }
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const headerDigest = res.headers.get('docker-content-digest') ?? undefined;
    if (method === 'HEAD') {
      await res.body?.cancel().catch(() => {});
      const digest = headerDigest ?? (reference.includes(':') ? reference : '');
      return { mediaType, digest, size: Number(res.headers.get('content-length') ?? 0) };
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const want = reference.includes(':') ? reference : headerDigest;
    const alg = want ? algorithmOf(want) : 'sha256';
    const got = computeDigest(alg, bytes);
    if (want && got !== want) throw digestMismatch('manifest', want, got, ctx);
    let mt = mediaType;
    if (!mt || mt === 'application/json' || mt === 'text/plain') {
      try {
        mt = (JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: string }).mediaType ?? mt;
      } catch {
        /* keep */
      }
    }
    return { mediaType: mt, digest: got, size: bytes.length, bytes };
  }

  /** Downloads a blob (following redirects), streaming it through the digest; throws DIGEST_MISMATCH when it differs. */
  async blob(repository: string, digest: string, signal: AbortSignal, opts: { keep?: boolean; expectedSize?: number } = {}): Promise<BlobResult> {
    const ctx = this.#ctx({ repository, reference: digest, phase: 'blob' });
    const alg = algorithmOf(digest);
    const sig = this.#signal(signal, this.#opts.blobTimeoutMs, 600_000);
    const { res, redirects } = await this.request(`/v2/${repository}/blobs/${digest}`, { method: 'GET' }, `repository:${repository}:pull`, sig, ctx);
    if (res.status !== 200) throw diagnoseHttp(res.status, await res.text().catch(() => ''), ctx);
    const hash = createHash(alg);
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      if (res.body) {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          hash.update(chunk);
          size += chunk.length;
          if (opts.keep) chunks.push(chunk);
        }
      }
    } catch (e) {
      throw diagnoseNetwork(e, ctx, sig);
    }
    const got = `${alg}:${hash.digest('hex')}`;
    if (got !== digest) throw digestMismatch('blob', digest, got, ctx);
    if (opts.expectedSize !== undefined && opts.expectedSize !== size) {
      throw new RegistryError({ code: 'SIZE_MISMATCH', cause: `Blob ${digest} is ${size} bytes, the manifest says ${opts.expectedSize}.`, fix: 'The manifest and the blob disagree: re-push the image or clear the cache.' }, 'size mismatch');
    }
    return { digest: got, size, redirects, ...(opts.keep ? { bytes: Buffer.concat(chunks) } : {}) };
  }
}
