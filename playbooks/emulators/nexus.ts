// EMULATOR of Sonatype Nexus Repository 3 — a test double, not Nexus. It implements the REST
// endpoints the nexus adapters use the way sonatype/nexus-public does (sources per behaviour in
// docs/emulators.md): docker (proxy) repositories (POST 201, GET 200/404, PUT 204 that REPLACES
// the whole configuration: a section or a password left out of the body is gone), bean-validation
// errors as a list [{id, message}] and every other create/update failure as ONE object
// {id:"*", message:"\"...\""}, 404 (not 403) on a repository the account may not see, active
// security realms, the EULA endpoint (registered on every edition), status, and a `Server` header
// naming version and edition. Each repository's HTTP port is a real listener that reverse-proxies
// to a real Distribution pull-through cache (the data plane), which gets the upstream
// credentials only when a password is stored. Messages marked UNDETERMINED in docs/emulators.md
// are our wording, not Nexus's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basicAuth, empty, json, listen, readJson, type Listening } from './server.ts';
import { RepoCache, forward, registryError, type DataPlaneOptions } from './data-plane.ts';

export const NEXUS_EULA_TEXT = 'Sonatype Nexus Repository Community Edition End User License Agreement (emulated text).';
export const NEXUS_REALMS_AVAILABLE = [
  { id: 'NexusAuthenticatingRealm', name: 'Local Authenticating Realm' },
  { id: 'DockerToken', name: 'Docker Bearer Token Realm' },
  { id: 'NpmToken', name: 'npm Bearer Token Realm' },
  { id: 'LdapRealm', name: 'LDAP Realm' },
];

export interface NexusEmulatorOptions {
  adminUser?: string;
  /** Password of the admin user (required: tests choose it). */
  adminPassword: string;
  /** A user that may sign in but is not an administrator: 404 on repositories (as if missing), 403 elsewhere. */
  readOnlyUser?: { username: string; password: string };
  /**
   * CE (Server token COMMUNITY) has the EULA gate (3.77+); PRO and CORE (a build of nexus-public)
   * answer the EULA endpoint too (no edition check) but have no gate: the EULA applies to COMMUNITY
   * only (CommunityOnboardingItem). Default CE.
   */
  edition?: 'CE' | 'PRO' | 'CORE';
  /** The `Server` header ("Nexus/<version> (<EDITION>)"); false = none (a proxy in front strips it). */
  serverHeader?: string | false;
  /** Default false for CE: pulls answer 403 until accepted. */
  eulaAccepted?: boolean;
  /** Default ["NexusAuthenticatingRealm"] (a fresh Nexus). */
  activeRealms?: string[];
  /** Anonymous pulls allowed on repository ports (default false, as in a fresh Nexus). */
  anonymousAccess?: boolean;
  /** Without it, repository ports answer 503: control plane only. */
  dataPlane?: DataPlaneOptions;
}

/** The stored configuration: exactly the last POST/PUT body (a PUT replaces it), secrets included. */
interface RepoConfig {
  name: string;
  online: boolean;
  storage: { blobStoreName: string; strictContentTypeValidation: boolean; writePolicy?: string };
  cleanup?: { policyNames?: string[] } | null;
  proxy: { remoteUrl: string; contentMaxAge: number; metadataMaxAge: number };
  negativeCache: { enabled: boolean; timeToLive: number };
  httpClient: {
    blocked: boolean;
    autoBlock: boolean;
    connection?: Record<string, unknown> | null;
    authentication?: { type: string; username?: string | null; password?: string | null; bearerToken?: string | null; ntlmHost?: string | null; ntlmDomain?: string | null; preemptive?: boolean | null } | null;
  };
  routingRule?: string | null;
  replication?: Record<string, unknown> | null;
  docker: { v1Enabled: boolean; forceBasicAuth: boolean; httpPort?: number | null; httpsPort?: number | null; subdomain?: string | null };
  dockerProxy: { indexType: string; indexUrl?: string | null; cacheForeignLayers?: boolean | null; foreignLayerUrlWhitelist?: string[] | null };
}

interface Repo {
  config: RepoConfig;
  listener?: Listening;
  cache?: RepoCache;
}

export interface NexusEmulator {
  /** Base address of the REST API and UI, e.g. http://127.0.0.1:40123. */
  url: string;
  host: string;
  /** Names of the repositories that exist. */
  repositoryNames(): string[];
  /** A repository's stored configuration (password included: test inspection only). */
  repository(name: string): RepoConfig | undefined;
  /** Every configuration the repository has stored, oldest first: one per create and update (test inspection only). */
  history(name: string): RepoConfig[];
  /** How many Distribution caches a repository has started (restarts after credential changes count). */
  cacheStarts(name: string): number;
  /** Address of the repository's running Distribution cache (to inspect what it holds). */
  cacheUrl(name: string): Promise<string | undefined>;
  eulaAccepted(): boolean;
  /** True when someone accepted the Community Edition EULA on this server that is not Community Edition (Pro, CORE). */
  proAcceptedCommunityEula(): boolean;
  activeRealms(): string[];
  stop(): Promise<void>;
}

const API = '/service/rest/v1';

/** Bean validation failures (ConstraintViolationException): a list of {id, message}. */
function validation(res: ServerResponse, messages: Array<{ id?: string; message: string }>): void {
  json(res, 400, messages.map((m) => ({ id: m.id ?? '*', message: m.message })), { 'content-type': 'application/vnd.siesta-validation-errors-v1+json' });
}

/** Every other create/update failure (AbstractRepositoriesApiResource wraps it in a WebApplicationMessageException): ONE object, the message in quotes. */
function messageError(res: ServerResponse, message: string): void {
  json(res, 400, { id: '*', message: `"${message}"` });
}

/** AbstractRepositoriesApiResource.getRepository: a repository that is missing, of another format or type, or not readable by the account. */
function notFound(res: ServerResponse): void {
  json(res, 404, { id: '*', message: '"Repository not found"' });
}

/** The authentication types HttpClientConnectionAuthenticationAttributes allows. */
const NEXUS_AUTH_TYPES = ['username', 'ntlm', 'bearerToken'] as const;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks a docker proxy body the way Nexus's bean validation does: required sections and types. */
function validateRepo(body: unknown): { config?: RepoConfig; errors: Array<{ id: string; message: string }> } {
  const errors: Array<{ id: string; message: string }> = [];
  if (!isObj(body)) return { errors: [{ id: '*', message: 'Unable to read the request body as a docker proxy repository' }] };
  for (const k of ['name', 'online', 'storage', 'proxy', 'negativeCache', 'httpClient', 'docker', 'dockerProxy']) {
    if (body[k] === undefined || body[k] === null) errors.push({ id: `PARAMETER ${k}`, message: 'must not be null' });
  }
  if (errors.length) return { errors };
  if (typeof body['name'] !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(body['name']) || body['name'].startsWith('.')) errors.push({ id: 'PARAMETER name', message: 'Only letters, digits, underscores(_), hyphens(-), and dots(.) are allowed and may not start with underscore or dot.' });
  const proxy = body['proxy'] as Record<string, unknown>;
  if (typeof proxy['remoteUrl'] !== 'string' || !/^https?:\/\/[^/\s]+/.test(proxy['remoteUrl'])) errors.push({ id: 'PARAMETER proxy.remoteUrl', message: 'Invalid URL' });
  const docker = body['docker'] as Record<string, unknown>;
  for (const k of ['v1Enabled', 'forceBasicAuth']) if (typeof docker[k] !== 'boolean') errors.push({ id: `PARAMETER docker.${k}`, message: 'must not be null' });
  if (docker['httpPort'] !== undefined && docker['httpPort'] !== null && (typeof docker['httpPort'] !== 'number' || !Number.isInteger(docker['httpPort']) || docker['httpPort'] < 1 || docker['httpPort'] > 65535)) errors.push({ id: 'PARAMETER docker.httpPort', message: 'must be between 1 and 65535' });
  const hc = body['httpClient'] as Record<string, unknown>;
  const auth = hc['authentication'];
  if (auth !== undefined && auth !== null) {
    if (!isObj(auth) || !(NEXUS_AUTH_TYPES as readonly unknown[]).includes(auth['type'])) errors.push({ id: 'PARAMETER httpClient.authentication.type', message: `must be one of [${NEXUS_AUTH_TYPES.join(', ')}]` });
  }
  const dp = body['dockerProxy'] as Record<string, unknown>;
  if (!['REGISTRY', 'HUB', 'CUSTOM'].includes(String(dp['indexType']))) errors.push({ id: 'PARAMETER dockerProxy.indexType', message: 'must be one of [REGISTRY, HUB, CUSTOM]' });
  if (errors.length) return { errors };
  return { config: structuredClone(body) as unknown as RepoConfig, errors };
}

/**
 * What GET returns (SimpleApiProxyRepository / DockerProxyApiRepository): the stored configuration
 * plus format/type/url, `routingRule` read back as `routingRuleName`, absent sections as null; the
 * password and bearer token never leave (write-only).
 */
function view(base: string, c: RepoConfig): Record<string, unknown> {
  const auth = c.httpClient.authentication;
  return {
    name: c.name,
    format: 'docker',
    type: 'proxy',
    url: `${base}/repository/${c.name}`,
    online: c.online,
    storage: c.storage,
    cleanup: c.cleanup ?? null,
    proxy: c.proxy,
    negativeCache: c.negativeCache,
    httpClient: {
      blocked: c.httpClient.blocked,
      autoBlock: c.httpClient.autoBlock,
      connection: c.httpClient.connection ?? null,
      authentication: auth ? { type: auth.type, username: auth.username ?? null, ntlmHost: auth.ntlmHost ?? null, ntlmDomain: auth.ntlmDomain ?? null, ...(auth.preemptive !== undefined ? { preemptive: auth.preemptive } : {}) } : null,
    },
    routingRuleName: c.routingRule ?? null,
    ...(c.replication ? { replication: c.replication } : {}),
    docker: { v1Enabled: c.docker.v1Enabled, forceBasicAuth: c.docker.forceBasicAuth, httpPort: c.docker.httpPort ?? null, httpsPort: c.docker.httpsPort ?? null, subdomain: c.docker.subdomain ?? null },
    dockerProxy: { indexType: c.dockerProxy.indexType, indexUrl: c.dockerProxy.indexUrl ?? null, cacheForeignLayers: c.dockerProxy.cacheForeignLayers ?? false, foreignLayerUrlWhitelist: c.dockerProxy.foreignLayerUrlWhitelist ?? [] },
  };
}

export async function startNexusEmulator(opts: NexusEmulatorOptions): Promise<NexusEmulator> {
  const adminUser = opts.adminUser ?? 'admin';
  const edition = opts.edition ?? 'CE';
  let eulaAccepted = opts.eulaAccepted ?? false;
  /** A Pro server that was made to accept the Community Edition EULA (what an adapter must never do). */
  let proEulaAccepted = false;
  let realms = [...(opts.activeRealms ?? ['NexusAuthenticatingRealm'])];
  const repos = new Map<string, Repo>();
  const stored = new Map<string, RepoConfig[]>();
  const record = (c: RepoConfig) => stored.set(c.name, [...(stored.get(c.name) ?? []), structuredClone(c)]);
  let base = '';

  const who = (req: IncomingMessage): 'admin' | 'user' | undefined => {
    const c = basicAuth(req);
    if (!c) return undefined;
    if (c.username === adminUser && c.password === opts.adminPassword) return 'admin';
    if (opts.readOnlyUser && c.username === opts.readOnlyUser.username && c.password === opts.readOnlyUser.password) return 'user';
    return undefined;
  };

  const unauthorized = (res: ServerResponse) => empty(res, 401, { 'www-authenticate': 'BASIC realm="Sonatype Nexus Repository Manager"' });

  /** The repository's own HTTP port: the Docker registry API, served by its Distribution cache. */
  const dockerPort = (repo: Repo) => async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const c = repo.config;
    if (edition === 'CE' && !eulaAccepted) return registryError(res, 403, 'DENIED', 'Nexus Repository Community Edition: the EULA has not been accepted');
    // Anonymous pulls (Nexus 3.6+, NEXUS-10813): anonymous access on, "Allow anonymous docker pull"
    // (forceBasicAuth false) and the Docker Bearer Token Realm active. Credentials sent are checked.
    const anonymousPull = opts.anonymousAccess && !c.docker.forceBasicAuth && realms.includes('DockerToken');
    if (!anonymousPull || basicAuth(req)) {
      const user = who(req);
      if (!user) return registryError(res, 401, 'UNAUTHORIZED', 'Access denied to Docker repository', { 'www-authenticate': 'BASIC realm="Sonatype Nexus Repository Manager"' });
      if (!c.docker.forceBasicAuth && !realms.includes('DockerToken')) {
        return registryError(res, 401, 'UNAUTHORIZED', 'Docker Bearer Token Realm is not active', { 'www-authenticate': 'BASIC realm="Sonatype Nexus Repository Manager"' });
      }
    }
    if (url.pathname === '/v2' || url.pathname === '/v2/') return json(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' });
    if (!url.pathname.startsWith('/v2/')) return empty(res, 404);
    if (!c.online) return registryError(res, 503, 'UNAVAILABLE', `repository ${c.name} is offline`);
    if (c.httpClient.blocked) return registryError(res, 404, 'MANIFEST_UNKNOWN', `remote ${c.proxy.remoteUrl} is blocked`);
    if (new URL(c.proxy.remoteUrl).pathname.replace(/\/+$/, '') !== '') {
      // Nexus appends /v2/... to Remote storage: with a path there the upstream answers 404.
      return registryError(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown (upstream ${c.proxy.remoteUrl.replace(/\/+$/, '')}${url.pathname} not found)`);
    }
    if (!repo.cache) return registryError(res, 503, 'UNAVAILABLE', 'emulator started without a data plane');
    let cache;
    try {
      cache = await repo.cache.ensure();
    } catch (e) {
      return registryError(res, 502, 'UNAVAILABLE', `remote ${c.proxy.remoteUrl} is unreachable: ${(e as Error).message.split('\n')[0]}`);
    }
    await forward(req, res, cache.url, url.pathname + url.search);
  };

  const openPort = async (repo: Repo, port: number): Promise<string | undefined> => {
    for (const [n, r] of repos) if (r !== repo && r.config.docker.httpPort === port) return `Port ${port} is already in use by repository ${n}`;
    try {
      repo.listener = await listen(dockerPort(repo), port);
      return undefined;
    } catch (e) {
      return `Port ${port} is already in use: could not bind the HTTP connector of repository ${repo.config.name} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    }
  };

  /** The cache gets credentials only when a username AND a password are stored: with a null password the upstream (cgr.dev) answers 401, as it does to real Nexus. */
  const cacheSpec = (c: RepoConfig) => {
    const a = c.httpClient.authentication;
    return { remoteUrl: c.proxy.remoteUrl, ...(a && a.type === 'username' && a.username && a.password ? { username: a.username, password: a.password } : {}) };
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const p = url.pathname;
    if (p === `${API}/status` || p === `${API}/status/writable`) return empty(res, 200);
    if (!p.startsWith(API + '/')) return empty(res, 404);
    const user = who(req);
    if (!user) return unauthorized(res);
    if (user !== 'admin') {
      const one = /^\/service\/rest\/v1\/repositories\/docker\/proxy\/([^/]+)$/.exec(p);
      // AuthorizingRepositoryManagerImpl.getRepositoryWithAdmin: a repository the account may not read is "not found".
      if (one && req.method === 'GET') return notFound(res);
      // AuthorizingRepositoryManagerImpl.update: a missing repository is 404; an existing one fails
      // ensureUserCanAdmin(EDIT) and AuthorizationExceptionMapper answers 403.
      if (one && req.method === 'PUT' && !repos.has(decodeURIComponent(one[1]!))) return empty(res, 404);
      return empty(res, 403);
    }

    if (p === `${API}/system/eula`) {
      // CommunityEulaApiResourceV1 is registered without an edition check: Pro and CORE answer too.
      if (req.method === 'GET') return json(res, 200, { accepted: edition === 'CE' ? eulaAccepted : proEulaAccepted, disclaimer: NEXUS_EULA_TEXT });
      if (req.method === 'POST') {
        const b = await readJson(req);
        if (!b.ok || !isObj(b.value) || typeof b.value['accepted'] !== 'boolean') return validation(res, [{ message: 'accepted must be true or false' }]);
        if (b.value['disclaimer'] !== NEXUS_EULA_TEXT) return json(res, 500, { id: '*', message: 'disclaimer does not match the current EULA' });
        if (edition === 'CE') eulaAccepted = b.value['accepted'];
        else proEulaAccepted = b.value['accepted'];
        return empty(res, 204);
      }
      return empty(res, 405);
    }

    if (p === `${API}/security/realms/available` && req.method === 'GET') return json(res, 200, NEXUS_REALMS_AVAILABLE);
    if (p === `${API}/security/realms/active`) {
      if (req.method === 'GET') return json(res, 200, realms);
      if (req.method === 'PUT') {
        const b = await readJson(req);
        if (!b.ok || !Array.isArray(b.value) || !b.value.every((x) => typeof x === 'string')) return validation(res, [{ message: 'expected a list of realm ids' }]);
        const unknown = (b.value as string[]).filter((id) => !NEXUS_REALMS_AVAILABLE.some((r) => r.id === id));
        // RealmApiResource.setActiveRealms: a WebApplicationMessageException, ONE {id, message} object.
        if (unknown.length) return messageError(res, `Unknown realmIds: [${unknown.join(', ')}]`);
        realms = [...new Set(b.value as string[])];
        return empty(res, 204);
      }
      return empty(res, 405);
    }

    if (p === `${API}/repositories` && req.method === 'GET') {
      return json(res, 200, [...repos.values()].map((r) => ({ name: r.config.name, format: 'docker', type: 'proxy', url: `${base}/repository/${r.config.name}`, attributes: { proxy: { remoteUrl: r.config.proxy.remoteUrl } } })));
    }

    if (p === `${API}/repositories/docker/proxy` && req.method === 'POST') {
      const b = await readJson(req);
      if (!b.ok) return validation(res, [{ message: 'Unable to parse the request body as JSON' }]);
      const v = validateRepo(b.value);
      if (!v.config) return validation(res, v.errors);
      if ([...repos.keys()].some((n) => n.toLowerCase() === v.config!.name.toLowerCase())) return messageError(res, `Repository with name '${v.config.name}' already exists`);
      const repo: Repo = { config: v.config };
      if (v.config.docker.httpPort) {
        const err = await openPort(repo, v.config.docker.httpPort);
        if (err) return messageError(res, err);
      }
      if (opts.dataPlane) repo.cache = new RepoCache(opts.dataPlane, `nexus-${v.config.name}`, cacheSpec(v.config));
      repos.set(v.config.name, repo);
      record(v.config);
      return empty(res, 201);
    }

    const m = /^\/service\/rest\/v1\/repositories\/docker\/proxy\/([^/]+)$/.exec(p);
    if (m) {
      const name = decodeURIComponent(m[1]!);
      const repo = repos.get(name);
      if (req.method === 'GET') return repo ? json(res, 200, view(base, repo.config)) : notFound(res);
      if (req.method === 'DELETE') {
        if (!repo) return empty(res, 404);
        await repo.listener?.close();
        await repo.cache?.stop();
        repos.delete(name);
        return empty(res, 204);
      }
      if (req.method === 'PUT') {
        if (!repo) return empty(res, 404);
        const b = await readJson(req);
        if (!b.ok) return validation(res, [{ message: 'Unable to parse the request body as JSON' }]);
        const v = validateRepo(b.value);
        if (!v.config) return validation(res, v.errors);
        if (v.config.name !== name) return messageError(res, 'Renaming a repository is not supported');
        // The PUT body REPLACES the configuration: no keeping of old sections, and an authentication
        // without a password stores none ("No new secret. Removing old secret").
        const newPort = v.config.docker.httpPort ?? undefined;
        const oldPort = repo.config.docker.httpPort ?? undefined;
        if (newPort !== oldPort) {
          const oldConfig = repo.config;
          await repo.listener?.close();
          repo.listener = undefined;
          repo.config = v.config;
          const err = newPort ? await openPort(repo, newPort) : undefined;
          if (err) {
            repo.config = oldConfig;
            if (oldPort) await openPort(repo, oldPort);
            return messageError(res, err);
          }
        }
        repo.config = v.config;
        record(v.config);
        await repo.cache?.reconfigure(cacheSpec(v.config));
        return empty(res, 204);
      }
      return empty(res, 405);
    }
    return empty(res, 404);
  };

  // EnvironmentFilter: "Nexus/<version> (<edition>)", the edition as ApplicationVersion.getEdition() names it.
  const serverHeader = opts.serverHeader === undefined ? `Nexus/3.77.0-01 (${edition === 'CE' ? 'COMMUNITY' : edition})` : opts.serverHeader;
  const main = await listen((req, res, url) => {
    if (serverHeader) res.setHeader('server', serverHeader);
    return api(req, res, url);
  });
  base = main.url;
  return {
    url: main.url,
    host: main.host,
    repositoryNames: () => [...repos.keys()],
    repository: (n) => (repos.get(n) ? structuredClone(repos.get(n)!.config) : undefined),
    history: (n) => structuredClone(stored.get(n) ?? []),
    cacheStarts: (n) => repos.get(n)?.cache?.starts ?? 0,
    cacheUrl: async (n) => repos.get(n)?.cache?.currentUrl(),
    eulaAccepted: () => eulaAccepted,
    proAcceptedCommunityEula: () => proEulaAccepted,
    activeRealms: () => [...realms],
    async stop() {
      for (const r of repos.values()) {
        await r.listener?.close();
        await r.cache?.stop();
      }
      await main.close();
    },
  };
}
