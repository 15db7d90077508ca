// The lab's token service (node:http), like cgr.dev/token: anonymous pulls of chainguard/*,
// pulls of <org>/* with that org's pull token (Basic auth), Distribution token JSON answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SigningKey } from './signing.ts';
import { checkPullToken, parseScopes, PUBLIC_NAMESPACE, registryToken, type AccessEntry } from './tokens.ts';

const TOKEN_TTL_SECONDS = 300;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function basicAuth(req: IncomingMessage): { username: string; password: string } | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const dec = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = dec.indexOf(':');
  if (i < 0) return undefined;
  return { username: dec.slice(0, i), password: dec.slice(i + 1) };
}

/** Answers `GET /token?service=&scope=` and `GET /healthz`. Logs one line per token request, never a secret. */
export function createTokenServer(k: SigningKey, log: (line: string) => void = () => {}): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    if (url.pathname === '/healthz') return send(res, 200, { ok: true });
    if (url.pathname !== '/token' || (req.method !== 'GET' && req.method !== 'HEAD')) return send(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
    const requested = parseScopes(url.searchParams.getAll('scope'));
    const creds = basicAuth(req);
    let org: string | undefined;
    let subject = 'anonymous';
    if (creds) {
      const check = checkPullToken(k, creds.username, creds.password);
      if (!check.ok) {
        log(`token ${check.status} ${check.code} user=${creds.username.slice(0, 60)} scope=${url.searchParams.getAll('scope').join(' ')}`);
        return send(res, check.status, { errors: [{ code: check.code, message: check.message }] });
      }
      org = check.org;
      subject = check.identityId;
    }
    const granted: AccessEntry[] = [];
    for (const a of requested) {
      if (a.type !== 'repository') continue;
      const ns = a.name.split('/')[0];
      const allowed = ns === PUBLIC_NAMESPACE || (org !== undefined && ns === org);
      if (allowed) {
        const actions = a.actions.filter((x) => x === 'pull');
        if (actions.length) granted.push({ type: a.type, name: a.name, actions });
      } else if (!creds) {
        log(`token 401 anonymous scope=${a.name}`);
        return send(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: `authentication required to pull ${a.name}` }] }, { 'WWW-Authenticate': 'Basic realm="cgr-playbook-lab"' });
      }
    }
    log(`token 200 ${subject} granted=${granted.map((g) => g.name).join(',') || '-'}`);
    const token = registryToken(k, subject, granted, TOKEN_TTL_SECONDS);
    send(res, 200, { token, access_token: token, expires_in: TOKEN_TTL_SECONDS, issued_at: new Date().toISOString() });
  });
}
