// EMULATOR of JFrog Artifactory — a test double, not Artifactory. It implements the Repositories
// REST API the adapter uses (PUT create 200, existing key 400, POST update 200, GET 200 / 400 for
// a missing key, DELETE), with Artifactory's field names and error shape {"errors":[{status,
// message}]}, bearer access-token auth, and a Docker registry on the same host using the
// repository path method: <host>/<repo-key>/<image> (/v2/<key>/<image>/...), reverse-proxied to
// one real Distribution pull-through cache per repository. Artifactory ignores a path in a
// Docker remote URL; so does this emulator. Without a Pro licence (`edition: 'OSS'`) the
// repositories API answers every call itself with 400 "available only in Artifactory Pro".
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basicAuth, bearer, json, listen, readJson } from './server.ts';
import { RepoCache, forward, registryError, type DataPlaneOptions } from './data-plane.ts';

export interface ArtifactoryEmulatorOptions {
  /** The admin access token (Authorization: Bearer <token>; or basic auth with it as password). */
  accessToken: string;
  /** Without it, pulls answer 503: control plane only. */
  dataPlane?: DataPlaneOptions;
  /** PRO (default): the repositories REST API works. OSS: it answers 400 "available only in Artifactory Pro". */
  edition?: 'PRO' | 'OSS';
}

/** What an unlicensed Artifactory answers on the repositories API (exact wording UNDETERMINED; the "only in Artifactory Pro" fact is JFrog's). */
const ARTIFACTORY_PRO_ONLY_MESSAGE = 'This REST API is available only in Artifactory Pro (see: http://www.jfrog.com/confluence/display/RTF/Artifactory+Pro).';

export interface ArtifactoryRepoConfig {
  key: string;
  rclass: string;
  packageType: string;
  url?: string;
  username?: string;
  password?: string;
  includesPattern: string;
  excludesPattern: string;
  blockMismatchingMimeTypes: boolean;
  enableTokenAuthentication: boolean;
  description: string;
}

export interface ArtifactoryEmulator {
  /** Base address: the API is under /artifactory, the Docker registry under /v2. */
  url: string;
  /** host:port to pull from: <host>/<repo-key>/<image>. */
  host: string;
  repositoryKeys(): string[];
  repository(key: string): ArtifactoryRepoConfig | undefined;
  cacheStarts(key: string): number;
  /** Address of the repository's running Distribution cache (to inspect what it holds). */
  cacheUrl(key: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

function errors(res: ServerResponse, status: number, message: string): void {
  json(res, status, { errors: [{ status, message }] });
}

const STRING_KEYS = ['url', 'username', 'password', 'includesPattern', 'excludesPattern', 'description'] as const;
const BOOL_KEYS = ['blockMismatchingMimeTypes', 'enableTokenAuthentication'] as const;

export async function startArtifactoryEmulator(opts: ArtifactoryEmulatorOptions): Promise<ArtifactoryEmulator> {
  const repos = new Map<string, { config: ArtifactoryRepoConfig; cache?: RepoCache }>();

  const authed = (req: IncomingMessage) => bearer(req) === opts.accessToken || basicAuth(req)?.password === opts.accessToken;

  const typeErrors = (b: Record<string, unknown>): string | undefined => {
    for (const k of STRING_KEYS) if (b[k] !== undefined && typeof b[k] !== 'string') return `Invalid value for ${k}: expected a string`;
    for (const k of BOOL_KEYS) if (b[k] !== undefined && typeof b[k] !== 'boolean') return `Invalid value for ${k}: expected true or false`;
    return undefined;
  };

  const cacheSpec = (c: ArtifactoryRepoConfig) => ({ remoteUrl: c.url ?? '', ...(c.username ? { username: c.username } : {}), ...(c.password ? { password: c.password } : {}) });

  const view = (c: ArtifactoryRepoConfig) => ({ ...c, password: c.password ? 'JE2emulatedEncryptedPassword' : '', repoLayoutRef: 'simple-default', dockerApiVersion: 'V2', hardFail: false, offline: false, storeArtifactsLocally: true, retrievalCachePeriodSecs: 7200 });

  const registry = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!authed(req)) return registryError(res, 401, 'UNAUTHORIZED', 'Authentication is required', { 'www-authenticate': 'Basic realm="Artifactory Realm"' });
    if (url.pathname === '/v2' || url.pathname === '/v2/') return json(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' });
    const m = /^\/v2\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!m) return registryError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry');
    const entry = repos.get(m[1]!);
    if (!entry) return registryError(res, 404, 'NAME_UNKNOWN', `Repository ${m[1]} does not exist`);
    if (!entry.cache) return registryError(res, 503, 'UNAVAILABLE', 'emulator started without a data plane');
    let cache;
    try {
      cache = await entry.cache.ensure();
    } catch (e) {
      return registryError(res, 502, 'UNAVAILABLE', `remote ${entry.config.url ?? ''} is unreachable: ${(e as Error).message.split('\n')[0]}`);
    }
    await forward(req, res, cache.url, `/v2/${m[2]}${url.search}`);
  };

  const handler = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const p = url.pathname;
    if (p.startsWith('/v2')) return registry(req, res, url);
    if (p === '/artifactory/api/system/ping') return void (res.writeHead(200, { 'content-type': 'text/plain' }), res.end('OK'));
    if (!p.startsWith('/artifactory/')) return errors(res, 404, 'Not Found');
    if (!authed(req)) return errors(res, 401, req.headers.authorization ? 'Bad credentials' : 'Authentication is required');
    if (opts.edition === 'OSS' && p.startsWith('/artifactory/api/repositories')) return errors(res, 400, ARTIFACTORY_PRO_ONLY_MESSAGE);
    if (p === '/artifactory/api/repositories' && req.method === 'GET') {
      return json(res, 200, [...repos.values()].map((r) => ({ key: r.config.key, type: r.config.rclass.toUpperCase(), packageType: r.config.packageType, url: `${url.origin}/artifactory/${r.config.key}` })));
    }
    const m = /^\/artifactory\/api\/repositories\/([^/]+)$/.exec(p);
    if (!m) return errors(res, 404, 'Not Found');
    const key = decodeURIComponent(m[1]!);
    const entry = repos.get(key);
    if (req.method === 'GET') return entry ? json(res, 200, view(entry.config)) : errors(res, 400, `Bad Request: repository ${key} does not exist`);
    if (req.method === 'DELETE') {
      if (!entry) return errors(res, 404, `Repository ${key} does not exist`);
      await entry.cache?.stop();
      repos.delete(key);
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(`Repository '${key}' and all its content have been removed successfully.`);
    }
    if (req.method !== 'PUT' && req.method !== 'POST') return errors(res, 405, 'Method Not Allowed');
    const b = await readJson(req);
    if (!b.ok || b.value === null || typeof b.value !== 'object' || Array.isArray(b.value)) return errors(res, 400, 'Unable to parse the repository configuration JSON');
    const body = b.value as Record<string, unknown>;
    const te = typeErrors(body);
    if (te) return errors(res, 400, te);
    if (body['key'] !== undefined && body['key'] !== key) return errors(res, 400, `Repository key in the body (${String(body['key'])}) does not match the path (${key})`);
    if (req.method === 'PUT') {
      if ([...repos.keys()].some((k) => k.toLowerCase() === key.toLowerCase())) return errors(res, 400, 'Case insensitive repository key already exists');
      if (body['rclass'] !== 'remote') return errors(res, 400, 'This emulator only creates remote repositories (rclass "remote")');
      if (body['packageType'] !== 'docker') return errors(res, 400, 'This emulator only creates docker repositories (packageType "docker")');
      if (typeof body['url'] !== 'string' || !/^https?:\/\/[^/\s]+/.test(body['url'])) return errors(res, 400, 'Remote URL is missing or invalid');
      const config: ArtifactoryRepoConfig = {
        key,
        rclass: 'remote',
        packageType: 'docker',
        url: body['url'],
        ...(typeof body['username'] === 'string' ? { username: body['username'] } : {}),
        ...(typeof body['password'] === 'string' ? { password: body['password'] } : {}),
        includesPattern: (body['includesPattern'] as string | undefined) ?? '**/*',
        excludesPattern: (body['excludesPattern'] as string | undefined) ?? '',
        blockMismatchingMimeTypes: (body['blockMismatchingMimeTypes'] as boolean | undefined) ?? true,
        enableTokenAuthentication: (body['enableTokenAuthentication'] as boolean | undefined) ?? false,
        description: (body['description'] as string | undefined) ?? '',
      };
      repos.set(key, { config, ...(opts.dataPlane ? { cache: new RepoCache(opts.dataPlane, `artifactory-${key}`, cacheSpec(config)) } : {}) });
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(`Successfully created repository '${key}'`);
    }
    // POST: partial update of an existing repository.
    if (!entry) return errors(res, 400, `Repository ${key} does not exist`);
    if (body['rclass'] !== undefined && body['rclass'] !== entry.config.rclass) return errors(res, 400, 'Changing the repository class is not supported');
    if (body['url'] !== undefined && !/^https?:\/\/[^/\s]+/.test(String(body['url']))) return errors(res, 400, 'Remote URL is invalid');
    const next = { ...entry.config };
    for (const k of [...STRING_KEYS, ...BOOL_KEYS]) if (body[k] !== undefined) (next as Record<string, unknown>)[k] = body[k];
    entry.config = next;
    await entry.cache?.reconfigure(cacheSpec(next));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`Repository '${key}' update successful.`);
  };

  const main = await listen(handler);
  return {
    url: main.url,
    host: main.host,
    repositoryKeys: () => [...repos.keys()],
    repository: (k) => (repos.get(k) ? structuredClone(repos.get(k)!.config) : undefined),
    cacheStarts: (k) => repos.get(k)?.cache?.starts ?? 0,
    cacheUrl: async (k) => repos.get(k)?.cache?.currentUrl(),
    async stop() {
      for (const r of repos.values()) await r.cache?.stop();
      await main.close();
    },
  };
}
