// The Nexus EMULATOR on its own, over raw HTTP: it must behave like Nexus (sources in
// docs/emulators.md), not like the adapter, so that an adapter bug of the "PUT drops what it did
// not send" kind turns CI red.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startNexusEmulator, type NexusEmulator } from '../../playbooks/emulators/index.ts';

const ADMIN = 'Basic ' + Buffer.from('admin:admin-pw').toString('base64');
const VIEWER = 'Basic ' + Buffer.from('viewer:viewer-pw').toString('base64');
let nexus: NexusEmulator;

beforeEach(async () => {
  nexus = await startNexusEmulator({ adminPassword: 'admin-pw', eulaAccepted: true, readOnlyUser: { username: 'viewer', password: 'viewer-pw' } });
});
afterEach(async () => {
  await nexus.stop();
});

const api = (method: string, path: string, body?: unknown, auth = ADMIN) =>
  fetch(`${nexus.url}/service/rest/v1${path}`, { method, headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

/** A full docker proxy body with every optional section a reader's repository may have. */
const full = () => ({
  name: 'cg',
  online: true,
  storage: { blobStoreName: 'default', strictContentTypeValidation: true },
  cleanup: { policyNames: ['weekly'] },
  proxy: { remoteUrl: 'https://cgr.dev/', contentMaxAge: 1440, metadataMaxAge: 1440 },
  negativeCache: { enabled: true, timeToLive: 1440 },
  httpClient: { blocked: false, autoBlock: true, connection: { retries: 3, timeout: 60, userAgentSuffix: 'corp' }, authentication: { type: 'username', username: 'id/123', password: 'pull-secret-xyz' } },
  routingRule: 'only-chainguard',
  docker: { v1Enabled: false, forceBasicAuth: false, subdomain: 'cg' },
  dockerProxy: { indexType: 'REGISTRY', cacheForeignLayers: true, foreignLayerUrlWhitelist: ['.*'] },
});

describe('Nexus emulator: repositories', () => {
  it('GET returns every stored section (routingRule as routingRuleName), never the password', async () => {
    expect((await api('POST', '/repositories/docker/proxy', full())).status).toBe(201);
    const got = (await (await api('GET', '/repositories/docker/proxy/cg')).json()) as Record<string, any>;
    expect(got.cleanup).toEqual({ policyNames: ['weekly'] });
    expect(got.routingRuleName).toBe('only-chainguard');
    expect(got.httpClient.connection).toEqual({ retries: 3, timeout: 60, userAgentSuffix: 'corp' });
    expect(got.httpClient.authentication).toMatchObject({ type: 'username', username: 'id/123' });
    expect(got.httpClient.authentication.password).toBeUndefined();
    expect(JSON.stringify(got)).not.toContain('pull-secret-xyz');
    expect(got.docker.subdomain).toBe('cg');
    expect(got.dockerProxy.cacheForeignLayers).toBe(true);
  });

  it('PUT replaces the whole configuration: left-out sections are cleared, a left-out password is removed', async () => {
    await api('POST', '/repositories/docker/proxy', full());
    const short = { ...full(), httpClient: { blocked: false, autoBlock: true, authentication: { type: 'username', username: 'id/123' } }, docker: { v1Enabled: false, forceBasicAuth: false }, dockerProxy: { indexType: 'REGISTRY' } } as Record<string, unknown>;
    delete short['cleanup'];
    delete short['routingRule'];
    expect((await api('PUT', '/repositories/docker/proxy/cg', short)).status).toBe(204);
    const got = (await (await api('GET', '/repositories/docker/proxy/cg')).json()) as Record<string, any>;
    expect(got.cleanup).toBeNull();
    expect(got.routingRuleName).toBeNull();
    expect(got.httpClient.connection).toBeNull();
    expect(got.docker.subdomain).toBeNull();
    expect(got.dockerProxy.cacheForeignLayers).toBe(false);
    // the username still reads back, the secret is gone
    expect(got.httpClient.authentication.username).toBe('id/123');
    expect(nexus.repository('cg')!.httpClient.authentication?.password ?? null).toBeNull();
  });

  it('an account that may not read the repository gets 404, as if it did not exist; other admin APIs 403', async () => {
    await api('POST', '/repositories/docker/proxy', full());
    expect((await api('GET', '/repositories/docker/proxy/cg', undefined, VIEWER)).status).toBe(404);
    expect((await api('GET', '/security/realms/active', undefined, VIEWER)).status).toBe(403);
  });

  it('a non-administrator may not update: 403 on a repository that exists, 404 on one that does not, 401 without credentials (AuthorizingRepositoryManagerImpl.update, AuthorizationExceptionMapper)', async () => {
    await api('POST', '/repositories/docker/proxy', full());
    expect((await api('PUT', '/repositories/docker/proxy/cg', full(), VIEWER)).status).toBe(403);
    expect((await api('PUT', '/repositories/docker/proxy/nope', { ...full(), name: 'nope' }, VIEWER)).status).toBe(404);
    const anon = await fetch(`${nexus.url}/service/rest/v1/repositories/docker/proxy/cg`);
    expect(anon.status).toBe(401);
    // the stored configuration is untouched
    expect(nexus.repository('cg')!.httpClient.authentication?.password).toBe('pull-secret-xyz');
  });

  it('a repository that is not there: 404 with ONE {id, message} object "Repository not found" (AbstractRepositoriesApiResource.getRepository)', async () => {
    const r = await api('GET', '/repositories/docker/proxy/nope');
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ id: '*', message: '"Repository not found"' });
  });

  it('unknown keys in a body are ignored, not refused (nexus-rest-jackson2 ObjectMapperProvider: FAIL_ON_UNKNOWN_PROPERTIES off)', async () => {
    expect((await api('POST', '/repositories/docker/proxy', { ...full(), format: 'docker', type: 'proxy', url: 'http://x/repository/cg', routingRuleName: 'ignored', someFutureKey: { a: 1 } })).status).toBe(201);
    const got = (await (await api('GET', '/repositories/docker/proxy/cg')).json()) as Record<string, any>;
    expect(got.someFutureKey).toBeUndefined();
    expect(got.routingRuleName).toBe('only-chainguard');
  });

  it('errors: bean validation as a list, other create/update failures as ONE {id, message} object', async () => {
    const bad = await api('POST', '/repositories/docker/proxy', { ...full(), proxy: { remoteUrl: 'not a url', contentMaxAge: 1, metadataMaxAge: 1 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual([{ id: 'PARAMETER proxy.remoteUrl', message: expect.any(String) }]);
    await api('POST', '/repositories/docker/proxy', full());
    const dup = await api('POST', '/repositories/docker/proxy', full());
    expect(dup.status).toBe(400);
    expect(await dup.json()).toEqual({ id: '*', message: expect.stringMatching(/^".*already exists.*"$/) });
  });

  it('authentication types username, ntlm, bearerToken; the bearer token is never returned', async () => {
    const body = { ...full(), httpClient: { blocked: false, autoBlock: true, authentication: { type: 'bearerToken', bearerToken: 'bearer-secret-abc' } } };
    expect((await api('POST', '/repositories/docker/proxy', body)).status).toBe(201);
    const text = await (await api('GET', '/repositories/docker/proxy/cg')).text();
    expect(JSON.parse(text).httpClient.authentication.type).toBe('bearerToken');
    expect(text).not.toContain('bearer-secret-abc');
    expect((await api('POST', '/repositories/docker/proxy', { ...full(), name: 'x', httpClient: { blocked: false, autoBlock: true, authentication: { type: 'kerberos' } } })).status).toBe(400);
  });
});

describe('Nexus emulator: realms', () => {
  it('PUT of an unknown realm id: 400 with ONE {id, message} object (RealmApiResource.setActiveRealms); the active list is unchanged', async () => {
    const r = await api('PUT', '/security/realms/active', ['NexusAuthenticatingRealm', 'NoSuchRealm']);
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ id: '*', message: '"Unknown realmIds: [NoSuchRealm]"' });
    expect(nexus.activeRealms()).toEqual(['NexusAuthenticatingRealm']);
  });
});

describe('Nexus emulator: editions (EnvironmentFilter: "Nexus/<version> (<edition>)")', () => {
  it('CORE (a build of nexus-public) answers the EULA endpoint but has no EULA gate on pulls', async () => {
    const core = await startNexusEmulator({ adminPassword: 'admin-pw', edition: 'CORE' });
    try {
      const r = await fetch(`${core.url}/service/rest/v1/system/eula`, { headers: { authorization: ADMIN } });
      expect(r.headers.get('server')).toMatch(/^Nexus\/3\.\d+\S* \(CORE\)$/);
      expect(r.status).toBe(200);
    } finally {
      await core.stop();
    }
  });


  it('sends a Server header naming version and edition', async () => {
    expect((await api('GET', '/status')).headers.get('server')).toMatch(/^Nexus\/3\.\d+.* \(COMMUNITY\)$/);
    const pro = await startNexusEmulator({ adminPassword: 'admin-pw', edition: 'PRO' });
    try {
      const r = await fetch(`${pro.url}/service/rest/v1/system/eula`, { headers: { authorization: ADMIN } });
      expect(r.headers.get('server')).toMatch(/\(PRO\)$/);
      // the EULA endpoint has no edition check: Pro answers it too
      expect(r.status).toBe(200);
    } finally {
      await pro.stop();
    }
  });
});

describe('Nexus emulator: anonymous docker pulls', () => {
  // Nexus 3.6+ (NEXUS-10813): a repository lets anonymous users pull when anonymous access is on,
  // "Allow anonymous docker pull" is ticked (docker.forceBasicAuth false) and the Docker Bearer
  // Token Realm is active; wrong credentials are still refused.
  it('an anonymous pull needs anonymous access, forceBasicAuth off and the Docker Bearer Token Realm', async () => {
    const { closedPort } = await import('../adapters/support.ts');
    const anon = await startNexusEmulator({ adminPassword: 'admin-pw', eulaAccepted: true, anonymousAccess: true });
    try {
      const port = await closedPort();
      const repo = { ...full(), docker: { v1Enabled: false, forceBasicAuth: false, httpPort: port } };
      const post = await fetch(`${anon.url}/service/rest/v1/repositories/docker/proxy`, { method: 'POST', headers: { authorization: ADMIN, 'content-type': 'application/json' }, body: JSON.stringify(repo) });
      expect(post.status).toBe(201);
      const v2 = (auth?: string) => fetch(`http://127.0.0.1:${port}/v2/`, auth ? { headers: { authorization: auth } } : {}).then((r) => r.status);
      expect(await v2(), 'realm inactive').toBe(401);
      const realms = await fetch(`${anon.url}/service/rest/v1/security/realms/active`, { method: 'PUT', headers: { authorization: ADMIN, 'content-type': 'application/json' }, body: JSON.stringify(['NexusAuthenticatingRealm', 'DockerToken']) });
      expect(realms.status).toBe(204);
      expect(await v2(), 'anonymous, realm active').toBe(200);
      expect(await v2(ADMIN), 'admin').toBe(200);
      expect(await v2('Basic ' + Buffer.from('admin:wrong').toString('base64')), 'wrong password').toBe(401);
      const put = await fetch(`${anon.url}/service/rest/v1/repositories/docker/proxy/cg`, { method: 'PUT', headers: { authorization: ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ ...repo, docker: { ...repo.docker, forceBasicAuth: true } }) });
      expect(put.status).toBe(204);
      expect(await v2(), 'forceBasicAuth on').toBe(401);
    } finally {
      await anon.stop();
    }
  });
});
