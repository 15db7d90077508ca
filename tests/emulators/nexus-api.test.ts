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

describe('Nexus emulator: editions', () => {
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
