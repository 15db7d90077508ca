// The lab's identities and tokens, modelled on cgr.dev: a pull token is an identity id
// (`<40 hex>/<16 hex>`) and a JWT-shaped password; registry tokens are short-lived ES256 JWTs
// scoped to repositories, as Distribution's token auth expects.
import { randomId, signJwt, verifyJwt, type SigningKey } from './signing.ts';

export const LAB_ISSUER = 'cgr-playbook-lab';
export const LAB_SERVICE = 'cgr-playbook-lab';
const PULL_TOKEN_AUDIENCE = 'cgr-playbook-lab-pull-token';
/** The namespace anyone may pull, like cgr.dev/chainguard. */
export const PUBLIC_NAMESPACE = 'chainguard';
export const IDENTITY_ID_RE = /^[0-9a-f]{40}\/[0-9a-f]{16}$/;

export interface PullToken {
  /** Username: the identity id. */
  identityId: string;
  /** Password. */
  token: string;
  org: string;
  expiresAt: Date;
}

export function createPullToken(k: SigningKey, org: string, ttlSeconds: number, now = Date.now()): PullToken {
  const identityId = `${randomId(20)}/${randomId(8)}`;
  const iat = Math.floor(now / 1000);
  const exp = iat + ttlSeconds;
  const token = signJwt(k, { iss: LAB_ISSUER, aud: PULL_TOKEN_AUDIENCE, sub: identityId, org, iat, exp, jti: randomId(12) }, { x5c: false });
  return { identityId, token, org, expiresAt: new Date(exp * 1000) };
}

export type PullTokenCheck = { ok: true; org: string; identityId: string } | { ok: false; status: number; code: string; message: string };

/** Checks Basic credentials against the lab's pull tokens. */
export function checkPullToken(k: SigningKey, username: string, password: string, now = Date.now()): PullTokenCheck {
  if (!IDENTITY_ID_RE.test(username)) {
    return { ok: false, status: 403, code: 'DENIED', message: 'the username must be the pull token\'s identity id (<hex>/<hex>), not an email or account name' };
  }
  const claims = verifyJwt(k, password);
  if (!claims || claims['aud'] !== PULL_TOKEN_AUDIENCE || claims['sub'] !== username || typeof claims['org'] !== 'string') {
    return { ok: false, status: 401, code: 'UNAUTHORIZED', message: 'invalid username or pull token' };
  }
  if (typeof claims['exp'] !== 'number' || claims['exp'] * 1000 <= now) {
    return { ok: false, status: 403, code: 'DENIED', message: "this identity's keys have expired" };
  }
  return { ok: true, org: claims['org'], identityId: username };
}

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

/** A registry token for `access` (what the Distribution registry verifies against the certificate). */
export function registryToken(k: SigningKey, subject: string, access: AccessEntry[], ttlSeconds = 300, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  return signJwt(k, { iss: LAB_ISSUER, sub: subject, aud: LAB_SERVICE, exp: iat + ttlSeconds, nbf: iat - 10, iat, jti: randomId(12), access });
}

/** Parses `repository:<name>:<actions>` scopes. */
export function parseScopes(scopes: string[]): AccessEntry[] {
  const out: AccessEntry[] = [];
  for (const s of scopes.flatMap((x) => x.split(' ')).filter(Boolean)) {
    const first = s.indexOf(':');
    const last = s.lastIndexOf(':');
    if (first < 0 || last <= first) continue;
    out.push({ type: s.slice(0, first), name: s.slice(first + 1, last), actions: s.slice(last + 1).split(',').filter(Boolean) });
  }
  return out;
}

/** Go-style durations: "720h", "30m", "45s", "1h30m". */
export function parseTtl(s: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s.trim());
  if (!m || s.trim() === '') throw new Error(`ttl ${JSON.stringify(s)}: expected a duration such as 720h, 30m or 45s`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
