// EMULATOR of Cloudsmith — a test double, not the Cloudsmith service. The API server implements
// the v1 Docker upstream endpoints the adapter uses (/v1/repos/{owner}/{repo}/upstream/docker/:
// GET list, POST 201, GET/PUT/PATCH/DELETE {slug_perm}/), with Cloudsmith's field names, X-Api-Key
// auth and {"detail", "fields"} errors (422 for invalid values, 404 for an unknown repository),
// and POST /v1/repos/{owner}/ to create a repository. A second listener is the Docker registry
// (docker.cloudsmith.io): <host>/<org>/<repo>/<image>, served by one real Distribution cache per
// upstream, tried in priority order. An upstream URL with a path (https://cgr.dev/chainguard)
// puts that path in front of the image name upstream. As the service does (sources in
// docs/emulators.md): lists are paginated (`page`, `page_size`, X-Pagination-* headers), `mode` is
// "Proxy Only" or "Cache and Proxy" (422 otherwise), a repository created without
// `repository_type_str` is Public, and a rate limit answers 429 with Retry-After / X-RateLimit-*
// (on demand: `throttle()`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { basicAuth, json, listen, readJson } from './server.ts';
import { RepoCache, forward, peek, registryError, type DataPlaneOptions } from './data-plane.ts';

export interface CloudsmithEmulatorOptions {
  /** The API key (X-Api-Key for the API; docker login password for the registry). */
  apiKey: string;
  /** Repositories that exist from the start, as owner/slug. */
  repositories?: Array<{ owner: string; slug: string }>;
  /** Without it, pulls answer 503: control plane only. */
  dataPlane?: DataPlaneOptions;
  /** Page size when the request names none (the service's default is UNDETERMINED; 30 here). */
  defaultPageSize?: number;
  /** Largest page the server hands out, whatever `page_size` asks (cloudsmith-cli asks for 1000). Tests set it small. */
  maxPageSize?: number;
}

export interface CloudsmithUpstream {
  slug_perm: string;
  name: string;
  upstream_url: string;
  mode: string;
  priority: number;
  verify_ssl: boolean;
  is_active: boolean;
  auth_mode: string;
  auth_username: string;
  auth_secret: string;
  created_at: string;
  updated_at: string;
}

export interface CloudsmithEmulator {
  /** API base, e.g. http://127.0.0.1:40123 (requests go to /v1/...). */
  apiUrl: string;
  /** Registry host:port to pull from: <registryHost>/<org>/<repo>/<image>. */
  registryHost: string;
  registryUrl: string;
  upstreams(owner: string, repo: string): CloudsmithUpstream[];
  cacheStarts(owner: string, repo: string, slugPerm: string): number;
  /** Address of an upstream's running Distribution cache (to inspect what it holds). */
  cacheUrl(owner: string, repo: string, slugPerm: string): Promise<string | undefined>;
  /** The next `count` API requests answer 429 (rate limited), asking to wait `retryAfterSeconds`. */
  throttle(count: number, retryAfterSeconds?: number): void;
  /** API requests answered so far (429s included). */
  requests(): number;
  stop(): Promise<void>;
}

/** models/docker_upstream_request.py: the allowed values of `mode`. */
const MODES = ['Proxy Only', 'Cache and Proxy'];
const AUTH_MODES = ['None', 'Username and Password'];

function detail(res: ServerResponse, status: number, text: string, fields?: Record<string, string[]>): void {
  json(res, status, { detail: text, ...(fields ? { fields } : {}) });
}

export async function startCloudsmithEmulator(opts: CloudsmithEmulatorOptions): Promise<CloudsmithEmulator> {
  type RepoEntry = { name: string; type: string; region: string; slugPerm: string; upstreams: Map<string, { u: CloudsmithUpstream; cache?: RepoCache }> };
  const repos = new Map<string, RepoEntry>();
  const newRepo = (name: string, type = 'Private', region = 'default'): RepoEntry => ({ name, type, region, slugPerm: randomBytes(6).toString('hex'), upstreams: new Map() });
  for (const r of opts.repositories ?? []) repos.set(`${r.owner}/${r.slug}`, newRepo(r.slug));
  let throttled = 0;
  let retryAfter = 1;
  let requestCount = 0;

  /** A list answer, paginated the way the service does it: X-Pagination-* headers, 404 "Invalid page." past the end. */
  const page = <T>(res: ServerResponse, url: URL, items: T[]) => {
    const asked = Number(url.searchParams.get('page_size') ?? opts.defaultPageSize ?? 30);
    const size = Math.max(1, Math.min(Number.isInteger(asked) && asked > 0 ? asked : (opts.defaultPageSize ?? 30), opts.maxPageSize ?? 1000));
    const n = Number(url.searchParams.get('page') ?? 1);
    const total = Math.max(1, Math.ceil(items.length / size));
    if (!Number.isInteger(n) || n < 1 || n > total) return detail(res, 404, 'Invalid page.');
    json(res, 200, items.slice((n - 1) * size, n * size), { 'x-pagination-count': String(items.length), 'x-pagination-page': String(n), 'x-pagination-pagesize': String(size), 'x-pagination-pagetotal': String(total) });
  };

  const fieldErrors = (b: Record<string, unknown>, partial: boolean): Record<string, string[]> => {
    const f: Record<string, string[]> = {};
    const need = (k: string) => !partial && (b[k] === undefined || b[k] === '');
    if (need('name')) f['name'] = ['This field is required.'];
    if (need('upstream_url')) f['upstream_url'] = ['This field is required.'];
    if (b['upstream_url'] !== undefined && (typeof b['upstream_url'] !== 'string' || !/^https?:\/\/[^/\s]+/.test(b['upstream_url']))) f['upstream_url'] = ['Enter a valid URL.'];
    if (b['mode'] !== undefined && !MODES.includes(String(b['mode']))) f['mode'] = [`"${String(b['mode'])}" is not a valid choice.`];
    if (b['auth_mode'] !== undefined && !AUTH_MODES.includes(String(b['auth_mode']))) f['auth_mode'] = [`"${String(b['auth_mode'])}" is not a valid choice.`];
    for (const k of ['verify_ssl', 'is_active']) if (b[k] !== undefined && typeof b[k] !== 'boolean') f[k] = ['Must be a valid boolean.'];
    if (b['priority'] !== undefined && (!Number.isInteger(b['priority']) || (b['priority'] as number) < 1)) f['priority'] = ['Ensure this value is greater than or equal to 1.'];
    return f;
  };

  /** The secret never leaves: Cloudsmith returns it blank. */
  const view = (u: CloudsmithUpstream) => ({ ...u, auth_secret: undefined });

  const cacheSpec = (u: CloudsmithUpstream) => ({
    remoteUrl: u.upstream_url,
    ...(u.auth_mode === 'Username and Password' && u.auth_username ? { username: u.auth_username } : {}),
    ...(u.auth_mode === 'Username and Password' && u.auth_secret ? { password: u.auth_secret } : {}),
  });

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    requestCount++;
    if (throttled > 0) {
      throttled--;
      const reset = Math.ceil(Date.now() / 1000) + retryAfter;
      return json(res, 429, { detail: `Request was throttled. Expected available in ${retryAfter} seconds.` }, { 'retry-after': String(retryAfter), 'x-ratelimit-limit': '3600', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset), 'x-ratelimit-interval': String(retryAfter) });
    }
    const key = req.headers['x-api-key'];
    if (!key) return detail(res, 401, 'Authentication credentials were not provided.');
    if (key !== opts.apiKey) return detail(res, 401, 'Invalid API Key.');
    const p = url.pathname;
    if (p === '/v1/user/self/' && req.method === 'GET') return json(res, 200, { authenticated: true, slug: 'emulated-user', name: 'Emulated User', email: 'user@example.invalid' });
    const oneRepo = /^\/v1\/repos\/([^/]+)\/([^/]+)\/$/.exec(p);
    if (oneRepo && req.method === 'GET') {
      const k = `${decodeURIComponent(oneRepo[1]!)}/${decodeURIComponent(oneRepo[2]!)}`;
      const r = repos.get(k);
      if (!r) return detail(res, 404, 'Not found.');
      return json(res, 200, { name: r.name, slug: oneRepo[2], namespace: oneRepo[1], repository_type_str: r.type, storage_region: r.region, slug_perm: r.slugPerm });
    }
    const createRepo = /^\/v1\/repos\/([^/]+)\/$/.exec(p);
    if (createRepo && req.method === 'POST') {
      const b = await readJson(req);
      if (!b.ok || typeof b.value !== 'object' || b.value === null) return detail(res, 400, 'JSON parse error');
      const body = b.value as Record<string, unknown>;
      if (typeof body['name'] !== 'string' || !body['name']) return detail(res, 422, 'Invalid input.', { name: ['This field is required.'] });
      const slug = String(body['slug'] ?? body['name']).toLowerCase().replace(/[^a-z0-9-]+/g, '-');
      // RepositoryCreateRequest: repository_type_str defaults to Public when not sent.
      const type = (body['repository_type_str'] as string | undefined) ?? 'Public';
      if (!['Public', 'Private', 'Open-Source'].includes(type)) return detail(res, 422, 'Invalid input.', { repository_type_str: [`"${type}" is not a valid choice.`] });
      const k = `${decodeURIComponent(createRepo[1]!)}/${slug}`;
      if (repos.has(k)) return detail(res, 422, 'Invalid input.', { slug: ['A repository with this slug already exists.'] });
      const entry = newRepo(body['name'], type, (body['storage_region'] as string | undefined) ?? 'default');
      repos.set(k, entry);
      return json(res, 201, { name: entry.name, slug, namespace: decodeURIComponent(createRepo[1]!), repository_type_str: type, storage_region: entry.region, slug_perm: entry.slugPerm });
    }
    const m = /^\/v1\/repos\/([^/]+)\/([^/]+)\/upstream\/docker\/(?:([^/]+)\/)?$/.exec(p);
    if (!m) return detail(res, 404, 'Not found.');
    const repo = repos.get(`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`);
    if (!repo) return detail(res, 404, 'Not found.');
    const slug = m[3] ? decodeURIComponent(m[3]) : undefined;
    if (!slug) {
      if (req.method === 'GET') return page(res, url, [...repo.upstreams.values()].sort((a, b) => a.u.priority - b.u.priority).map((e) => view(e.u)));
      if (req.method !== 'POST') return detail(res, 405, `Method "${req.method}" not allowed.`);
      const b = await readJson(req);
      if (!b.ok || typeof b.value !== 'object' || b.value === null || Array.isArray(b.value)) return detail(res, 400, 'JSON parse error');
      const body = b.value as Record<string, unknown>;
      const f = fieldErrors(body, false);
      if (Object.keys(f).length) return detail(res, 422, 'Invalid input.', f);
      const now = new Date().toISOString();
      const u: CloudsmithUpstream = {
        slug_perm: randomBytes(6).toString('hex'),
        name: String(body['name']),
        upstream_url: String(body['upstream_url']),
        mode: (body['mode'] as string | undefined) ?? 'Proxy Only',
        priority: (body['priority'] as number | undefined) ?? 1,
        verify_ssl: (body['verify_ssl'] as boolean | undefined) ?? true,
        is_active: (body['is_active'] as boolean | undefined) ?? true,
        auth_mode: (body['auth_mode'] as string | undefined) ?? 'None',
        auth_username: (body['auth_username'] as string | undefined) ?? '',
        auth_secret: (body['auth_secret'] as string | undefined) ?? '',
        created_at: now,
        updated_at: now,
      };
      repo.upstreams.set(u.slug_perm, { u, ...(opts.dataPlane ? { cache: new RepoCache(opts.dataPlane, `cloudsmith-${m[1]}-${m[2]}-${u.slug_perm}`, cacheSpec(u)) } : {}) });
      return json(res, 201, view(u));
    }
    const entry = repo.upstreams.get(slug);
    if (!entry) return detail(res, 404, 'Not found.');
    if (req.method === 'GET') return json(res, 200, view(entry.u));
    if (req.method === 'DELETE') {
      await entry.cache?.stop();
      repo.upstreams.delete(slug);
      res.writeHead(204);
      return void res.end();
    }
    if (req.method !== 'PUT' && req.method !== 'PATCH') return detail(res, 405, `Method "${req.method}" not allowed.`);
    const b = await readJson(req);
    if (!b.ok || typeof b.value !== 'object' || b.value === null || Array.isArray(b.value)) return detail(res, 400, 'JSON parse error');
    const body = b.value as Record<string, unknown>;
    const f = fieldErrors(body, req.method === 'PATCH');
    if (Object.keys(f).length) return detail(res, 422, 'Invalid input.', f);
    const next = { ...entry.u };
    for (const k of ['name', 'upstream_url', 'mode', 'priority', 'verify_ssl', 'is_active', 'auth_mode', 'auth_username', 'auth_secret'] as const) {
      if (body[k] !== undefined) (next as Record<string, unknown>)[k] = body[k];
    }
    next.updated_at = new Date().toISOString();
    entry.u = next;
    await entry.cache?.reconfigure(cacheSpec(next));
    return json(res, 200, view(next));
  };

  /** docker.cloudsmith.io: /v2/<org>/<repo>/<image>/(manifests|blobs|tags)/... */
  const registry = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const creds = basicAuth(req);
    if (!creds || creds.password !== opts.apiKey) return registryError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="Cloudsmith"' });
    if (url.pathname === '/v2' || url.pathname === '/v2/') return json(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' });
    const m = /^\/v2\/([^/]+)\/([^/]+)\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    if (!m) return registryError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
    const repo = repos.get(`${m[1]}/${m[2]}`);
    if (!repo) return registryError(res, 404, 'NAME_UNKNOWN', `repository ${m[1]}/${m[2]} not found`);
    const ups = [...repo.upstreams.values()].filter((e) => e.u.is_active).sort((a, b) => a.u.priority - b.u.priority);
    if (!ups.length) return registryError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown (no active upstream)');
    let lastError = 'manifest unknown';
    for (const [i, e] of ups.entries()) {
      if (!e.cache) return registryError(res, 503, 'UNAVAILABLE', 'emulator started without a data plane');
      const prefix = new URL(e.u.upstream_url).pathname.replace(/^\/+|\/+$/g, '');
      const path = `/v2/${prefix ? prefix + '/' : ''}${m[3]}/${m[4]}/${m[5]}${url.search}`;
      let cache;
      try {
        cache = await e.cache.ensure();
      } catch (err) {
        lastError = `upstream ${e.u.name} (${e.u.upstream_url}) is unreachable: ${(err as Error).message.split('\n')[0]}`;
        continue;
      }
      const last = i === ups.length - 1;
      if (!last && (await peek(cache.url, req.method ?? 'GET', path, req.headers.accept)) >= 400) continue; // not there: next upstream
      await forward(req, res, cache.url, path);
      return;
    }
    registryError(res, /unreachable/.test(lastError) ? 502 : 404, /unreachable/.test(lastError) ? 'UNAVAILABLE' : 'MANIFEST_UNKNOWN', lastError);
  };

  const apiServer = await listen(api);
  const regServer = await listen(registry);
  return {
    apiUrl: apiServer.url,
    registryHost: regServer.host,
    registryUrl: regServer.url,
    upstreams: (owner, r) => [...(repos.get(`${owner}/${r}`)?.upstreams.values() ?? [])].map((e) => structuredClone(e.u)),
    cacheStarts: (owner, r, s) => repos.get(`${owner}/${r}`)?.upstreams.get(s)?.cache?.starts ?? 0,
    cacheUrl: async (owner, r, s) => repos.get(`${owner}/${r}`)?.upstreams.get(s)?.cache?.currentUrl(),
    throttle: (count, seconds = 1) => {
      throttled = count;
      retryAfter = seconds;
    },
    requests: () => requestCount,
    async stop() {
      for (const r of repos.values()) for (const e of r.upstreams.values()) await e.cache?.stop();
      await apiServer.close();
      await regServer.close();
    },
  };
}
