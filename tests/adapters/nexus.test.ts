// The Nexus adapters against the Nexus EMULATOR over real HTTP (control plane only).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startNexusEmulator, type NexusEmulator } from '../../playbooks/emulators/index.ts';
import { AdapterError, createFieldsApplier, nexusDockerProxyAdapter, nexusEulaAdapter, nexusRealmsAdapter } from '../../playbooks/adapters/index.ts';
import { closedPort, fieldsStep, holdPort, signal } from './support.ts';

const PASSWORD = 'n3xus-Admin-Secret';
const PULL_TOKEN = 'pull-token-SECRET-value-123';
let nexus: NexusEmulator;
let port: number;

beforeEach(async () => {
  nexus = await startNexusEmulator({ adminPassword: PASSWORD, eulaAccepted: true, readOnlyUser: { username: 'viewer', password: 'viewer-pw' } });
  port = await closedPort();
});
afterEach(async () => {
  await nexus.stop();
});

const values = (extra: Record<string, string> = {}) => ({ nexusUrl: nexus.url, nexusUser: 'admin', nexusPassword: PASSWORD, repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}`, ...extra });

async function expectAdapterError(p: Promise<unknown>): Promise<AdapterError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AdapterError);
    return e as AdapterError;
  }
  throw new Error('expected an AdapterError');
}

describe('nexus.docker-proxy', () => {
  it('creates the repository, then a rerun changes nothing', async () => {
    const step = await fieldsStep('nexus', 'create-proxy', 'developer', values());
    const adapter = nexusDockerProxyAdapter();
    expect((await adapter.check(step, signal())).ok).toBe(false);
    const first = await adapter.apply(step, signal());
    expect(first).toEqual({ changed: true, summary: 'created docker (proxy) repository "chainguard"' });
    const stored = nexus.repository('chainguard')!;
    expect(stored.proxy.remoteUrl).toBe('https://cgr.dev/');
    expect(stored.docker.httpPort).toBe(port);
    expect(stored.dockerProxy.indexType).toBe('REGISTRY');
    expect(stored.httpClient.authentication ?? null).toBeNull();
    const again = await adapter.apply(step, signal());
    expect(again.changed).toBe(false);
    const check = await adapter.check(step, signal());
    expect(check.ok).toBe(true);
    expect(check.summary).toContain(`port ${port}`);
  });

  it('production: adds the pull token to the existing repository, idempotently', async () => {
    const v = values({ cgOrg: 'acme.example', identityId: 'abc123/def456', pullToken: PULL_TOKEN });
    const applier = createFieldsApplier();
    await applier.apply(await fieldsStep('nexus', 'create-proxy', 'production', v), signal());
    const auth = await fieldsStep('nexus', 'set-auth', 'production', v);
    expect((await applier.check!(auth, signal())).ok).toBe(false);
    const r = await applier.apply(auth, signal());
    expect(r.changed).toBe(true);
    expect(nexus.repository('chainguard')!.httpClient.authentication).toMatchObject({ type: 'username', username: 'abc123/def456', password: PULL_TOKEN });
    // a rerun sends the password again (Nexus cannot show it back) and changes nothing else
    expect(await applier.apply(auth, signal())).toEqual({ changed: false, summary: expect.stringContaining('re-sent') });
    const rerun = await applier.check!(auth, signal());
    expect(rerun).toMatchObject({ ok: false, unproven: [expect.stringContaining('Password')] });
    expect(rerun.problems ?? []).toEqual([]);
    // the create step, rerun after set-auth, still counts as done and keeps the credentials
    expect((await applier.apply(await fieldsStep('nexus', 'create-proxy', 'production', v), signal())).changed).toBe(false);
    expect(nexus.repository('chainguard')!.httpClient.authentication?.password).toBe(PULL_TOKEN);
  });

  it('check names the wrong field of a repository made with https://cgr.dev/chainguard/, and apply fixes it', async () => {
    const res = await fetch(`${nexus.url}/service/rest/v1/repositories/docker/proxy`, {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64'), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'chainguard', online: true, storage: { blobStoreName: 'default', strictContentTypeValidation: true }, proxy: { remoteUrl: 'https://cgr.dev/chainguard/', contentMaxAge: 1440, metadataMaxAge: 1440 }, negativeCache: { enabled: true, timeToLive: 1440 }, httpClient: { blocked: false, autoBlock: true }, docker: { v1Enabled: false, forceBasicAuth: false, httpPort: port }, dockerProxy: { indexType: 'REGISTRY' } }),
    });
    expect(res.status).toBe(201);
    const step = await fieldsStep('nexus', 'create-proxy', 'developer', values());
    const adapter = nexusDockerProxyAdapter();
    const check = await adapter.check(step, signal());
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      expect.objectContaining({ field: 'Remote storage (proxy.remoteUrl)', actual: 'https://cgr.dev/chainguard/', expected: 'https://cgr.dev/', fix: expect.stringContaining('no organization or path') }),
    ]);
    expect((await adapter.apply(step, signal())).changed).toBe(true);
    expect(nexus.repository('chainguard')!.proxy.remoteUrl).toBe('https://cgr.dev/');
    expect((await adapter.check(step, signal())).ok).toBe(true);
  });

  it('accepts the trailing-slash variant Nexus may store', async () => {
    const step = await fieldsStep('nexus', 'create-proxy', 'developer', values());
    await nexusDockerProxyAdapter().apply(step, signal());
    await fetch(`${nexus.url}/service/rest/v1/repositories/docker/proxy/chainguard`, {
      method: 'PUT',
      headers: { authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64'), 'content-type': 'application/json' },
      body: JSON.stringify({ ...nexus.repository('chainguard'), proxy: { remoteUrl: 'https://cgr.dev', contentMaxAge: 1440, metadataMaxAge: 1440 } }),
    });
    expect(nexus.repository('chainguard')!.proxy.remoteUrl).toBe('https://cgr.dev');
    expect((await nexusDockerProxyAdapter().check(step, signal())).ok).toBe(true);
  });

  it('wrong credentials: a diagnosis that names the fields and never the password', async () => {
    const step = await fieldsStep('nexus', 'create-proxy', 'developer', values({ nexusPassword: 'wrong-Password-xyz' }));
    const e = await expectAdapterError(nexusDockerProxyAdapter().apply(step, signal()));
    expect(e.diagnosis.code).toBe('WRONG_CREDENTIALS');
    expect(e.diagnosis.fix).toContain('nexusPassword');
    expect(JSON.stringify([e.message, e.hint, e.diagnosis])).not.toContain('wrong-Password-xyz');
    const check = await nexusDockerProxyAdapter().check(step, signal());
    expect(check.diagnosis?.code).toBe('WRONG_CREDENTIALS');
    expect(nexus.repositoryNames()).toEqual([]);
  });

  it('an account without admin rights: FORBIDDEN', async () => {
    const step = await fieldsStep('nexus', 'create-proxy', 'developer', values({ nexusUser: 'viewer', nexusPassword: 'viewer-pw' }));
    const e = await expectAdapterError(nexusDockerProxyAdapter().apply(step, signal()));
    expect(e.diagnosis.code).toBe('FORBIDDEN');
  });

  it('port already in use: Nexus answers 400 and the diagnosis says to pick another repoPort', async () => {
    const held = await holdPort();
    try {
      const step = await fieldsStep('nexus', 'create-proxy', 'developer', values({ repoPort: String(held.port) }));
      const e = await expectAdapterError(nexusDockerProxyAdapter().apply(step, signal()));
      expect(e.status).toBe(400);
      expect(e.diagnosis.code).toBe('PORT_IN_USE');
      expect(e.diagnosis.cause).toContain(String(held.port));
      expect(e.diagnosis.fix).toContain('repoPort');
    } finally {
      await held.close();
    }
  });

  it('port held by another repository: same diagnosis', async () => {
    await nexusDockerProxyAdapter().apply(await fieldsStep('nexus', 'create-proxy', 'developer', values()), signal());
    const e = await expectAdapterError(nexusDockerProxyAdapter().apply(await fieldsStep('nexus', 'create-proxy', 'developer', values({ repoName: 'other' })), signal()));
    expect(e.diagnosis.code).toBe('PORT_IN_USE');
    expect(e.diagnosis.cause).toContain('repository chainguard');
  });

  it('Nexus not running: UNREACHABLE names the address field', async () => {
    const dead = await closedPort();
    const step = await fieldsStep('nexus', 'create-proxy', 'developer', values({ nexusUrl: `http://127.0.0.1:${dead}` }));
    const e = await expectAdapterError(nexusDockerProxyAdapter().apply(step, signal()));
    expect(e.diagnosis.code).toBe('UNREACHABLE');
    expect(e.diagnosis.cause).toContain(`127.0.0.1:${dead}`);
    expect(e.diagnosis.fix).toContain('nexusUrl');
  });
});

describe('nexus EULA (Community Edition 3.77+)', () => {
  it('docker-proxy reports EULA_NOT_ACCEPTED; nexus.eula accepts it once', async () => {
    await nexus.stop();
    nexus = await startNexusEmulator({ adminPassword: PASSWORD });
    const proxy = await fieldsStep('nexus', 'create-proxy', 'developer', values());
    const e = await expectAdapterError(nexusDockerProxyAdapter().apply(proxy, signal()));
    expect(e.diagnosis.code).toBe('EULA_NOT_ACCEPTED');
    expect((await nexusDockerProxyAdapter().check(proxy, signal())).diagnosis?.code).toBe('EULA_NOT_ACCEPTED');
    const eula = nexusEulaAdapter();
    expect((await eula.check(proxy, signal())).ok).toBe(false);
    expect((await eula.apply(proxy, signal())).changed).toBe(true);
    expect(nexus.eulaAccepted()).toBe(true);
    expect((await eula.apply(proxy, signal())).changed).toBe(false);
    expect((await nexusDockerProxyAdapter().apply(proxy, signal())).changed).toBe(false);
  });
});

describe('nexus.realms', () => {
  it('adds the Docker Bearer Token Realm and keeps the active ones', async () => {
    const step = await fieldsStep('nexus', 'docker-realm', 'developer', values());
    const realms = nexusRealmsAdapter();
    const before = await realms.check(step, signal());
    expect(before.ok).toBe(false);
    expect(before.problems?.[0]?.fix).toContain('Docker Bearer Token Realm');
    expect((await realms.apply(step, signal())).changed).toBe(true);
    expect(nexus.activeRealms()).toEqual(['NexusAuthenticatingRealm', 'DockerToken']);
    expect((await realms.apply(step, signal())).changed).toBe(false);
    expect((await realms.check(step, signal())).ok).toBe(true);
  });
});

describe('createFieldsApplier', () => {
  it('knows the guide adapters and refuses unknown ones', async () => {
    const applier = createFieldsApplier();
    const step = await fieldsStep('nexus', 'create-proxy', 'developer', values());
    expect(applier.canApply(step.step)).toBe(true);
    expect(applier.canApply({ ...step.step, apply: 'nexus.nope' })).toBe(false);
    expect(applier.canApply({ ...step.step, apply: undefined })).toBe(false);
    await expect(applier.apply({ ...step, step: { ...step.step, apply: 'nexus.nope' } }, signal())).rejects.toThrow(/does not exist/);
  });
});

// Nexus's real semantics (sonatype/nexus-public; docs/emulators.md): PUT replaces, GET never returns
// the password, 404 for a repository the account may not see, errors as one object or a list.
describe('nexus.docker-proxy against Nexus semantics', () => {
  const basic = 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64');
  /** A repository a reader already has: pull token, cleanup policy, routing rule, connection tuning, subdomain, foreign layers. */
  const existing = (extra: Record<string, unknown> = {}) => ({
    name: 'chainguard',
    online: true,
    storage: { blobStoreName: 'default', strictContentTypeValidation: true },
    cleanup: { policyNames: ['weekly'] },
    proxy: { remoteUrl: 'https://cgr.dev/', contentMaxAge: 1440, metadataMaxAge: 1440 },
    negativeCache: { enabled: true, timeToLive: 1440 },
    httpClient: { blocked: false, autoBlock: true, connection: { retries: 3, timeout: 90, userAgentSuffix: 'corp' }, authentication: { type: 'username', username: 'abc123/def456', password: PULL_TOKEN } },
    routingRule: 'only-chainguard',
    docker: { v1Enabled: false, forceBasicAuth: false, httpPort: port, subdomain: 'cg' },
    dockerProxy: { indexType: 'REGISTRY', cacheForeignLayers: true, foreignLayerUrlWhitelist: ['.*'] },
    ...extra,
  });
  const post = async (body: unknown) => {
    const r = await fetch(`${nexus.url}/service/rest/v1/repositories/docker/proxy`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status).toBe(201);
  };
  const unmanaged = () => {
    const c = nexus.repository('chainguard')!;
    return { cleanup: c.cleanup, routingRule: c.routingRule, connection: c.httpClient.connection, subdomain: c.docker.subdomain, cacheForeignLayers: c.dockerProxy.cacheForeignLayers };
  };
  const UNMANAGED = { cleanup: { policyNames: ['weekly'] }, routingRule: 'only-chainguard', connection: { retries: 3, timeout: 90, userAgentSuffix: 'corp' }, subdomain: 'cg', cacheForeignLayers: true };

  it('an update (new port) keeps the pull-token password and every setting it does not manage', async () => {
    await post(existing());
    const newPort = await closedPort();
    const v = values({ repoPort: String(newPort), cgOrg: 'acme.example', identityId: 'abc123/def456', pullToken: PULL_TOKEN });
    const r = await nexusDockerProxyAdapter().apply(await fieldsStep('nexus', 'create-proxy', 'production', v), signal());
    expect(r.changed).toBe(true);
    const c = nexus.repository('chainguard')!;
    expect(c.docker.httpPort).toBe(newPort);
    expect(c.httpClient.authentication).toMatchObject({ type: 'username', username: 'abc123/def456', password: PULL_TOKEN });
    expect(unmanaged()).toEqual(UNMANAGED);
  });

  it('an update that would drop a password it cannot resend is refused, and nothing is written', async () => {
    await post(existing());
    const before = nexus.repository('chainguard');
    const v = values({ repoPort: String(await closedPort()) }); // developer path: no pull token at hand
    const e = await expectAdapterError(nexusDockerProxyAdapter().apply(await fieldsStep('nexus', 'create-proxy', 'developer', v), signal()));
    expect(e.diagnosis.code).toBe('SECRET_NEEDED');
    expect(e.diagnosis.cause).toContain('abc123/def456');
    expect(e.diagnosis.fix).toMatch(/pullToken|CGR_PULL_TOKEN/);
    expect(nexus.repository('chainguard')).toEqual(before);
  });

  it('set-auth on an existing repository keeps the unmanaged settings too', async () => {
    await post(existing({ httpClient: { blocked: false, autoBlock: true, connection: { retries: 3, timeout: 90, userAgentSuffix: 'corp' } } }));
    const v = values({ cgOrg: 'acme.example', identityId: 'abc123/def456', pullToken: PULL_TOKEN });
    await nexusDockerProxyAdapter().apply(await fieldsStep('nexus', 'set-auth', 'production', v), signal());
    expect(nexus.repository('chainguard')!.httpClient.authentication).toMatchObject({ username: 'abc123/def456', password: PULL_TOKEN });
    expect(unmanaged()).toEqual(UNMANAGED);
  });

  it('a rerun never calls a password "done" by its username: check says what it could not prove, apply writes it again', async () => {
    const v = values({ cgOrg: 'acme.example', identityId: 'abc123/def456', pullToken: PULL_TOKEN });
    const adapter = nexusDockerProxyAdapter();
    await adapter.apply(await fieldsStep('nexus', 'create-proxy', 'production', v), signal());
    const auth = await fieldsStep('nexus', 'set-auth', 'production', v);
    await adapter.apply(auth, signal());
    // Another tool's PUT without the password removes the secret; the username still reads back.
    const cur = nexus.repository('chainguard')!;
    await fetch(`${nexus.url}/service/rest/v1/repositories/docker/proxy/chainguard`, { method: 'PUT', headers: { authorization: basic, 'content-type': 'application/json' }, body: JSON.stringify({ ...cur, httpClient: { ...cur.httpClient, authentication: { type: 'username', username: 'abc123/def456' } } }) });
    expect(nexus.repository('chainguard')!.httpClient.authentication?.password ?? null).toBeNull();
    const check = await adapter.check(auth, signal());
    expect(check.ok).toBe(false);
    expect(check.summary).toMatch(/password cannot be read back/);
    expect(check.unproven).toEqual([expect.stringContaining('Password')]);
    const again = await adapter.apply(auth, signal());
    expect(again.summary).toMatch(/re-?sent/);
    expect(nexus.repository('chainguard')!.httpClient.authentication?.password).toBe(PULL_TOKEN);
  });

  it('an account that may not see the repository (Nexus answers 404): not "create it"', async () => {
    await post(existing());
    const step = await fieldsStep('nexus', 'create-proxy', 'developer', values({ nexusUser: 'viewer', nexusPassword: 'viewer-pw' }));
    const check = await nexusDockerProxyAdapter().check(step, signal());
    expect(check.ok).toBe(false);
    expect(check.diagnosis?.code).toBe('FORBIDDEN');
    expect(check.diagnosis?.cause).toMatch(/404/);
    expect(check.diagnosis?.fix).not.toMatch(/create it/);
    expect(check.diagnosis?.fix).toContain('nexusUser');
    const e = await expectAdapterError(nexusDockerProxyAdapter().apply(step, signal()));
    expect(e.diagnosis.code).toBe('FORBIDDEN');
    expect(nexus.repository('chainguard')!.docker.httpPort).toBe(port);
  });

  it('an upstream authentication of type bearerToken or ntlm is read without a crash, and never overwritten by a step that does not manage it', async () => {
    await post(existing({ httpClient: { blocked: false, autoBlock: true, authentication: { type: 'bearerToken', bearerToken: 'bearer-secret-abc' } } }));
    const create = await fieldsStep('nexus', 'create-proxy', 'developer', values());
    expect((await nexusDockerProxyAdapter().check(create, signal())).ok).toBe(true);
    const moved = await fieldsStep('nexus', 'create-proxy', 'developer', values({ repoPort: String(await closedPort()) }));
    const e = await expectAdapterError(nexusDockerProxyAdapter().apply(moved, signal()));
    expect(e.diagnosis.code).toBe('SECRET_NEEDED');
    expect(e.diagnosis.cause).toContain('bearerToken');
    const auth = await fieldsStep('nexus', 'set-auth', 'production', values({ cgOrg: 'acme.example', identityId: 'abc123/def456', pullToken: PULL_TOKEN }));
    const check = await nexusDockerProxyAdapter().check(auth, signal());
    expect(check.ok).toBe(false);
    expect(check.problems?.[0]).toMatchObject({ actual: expect.stringContaining('bearerToken') });
  });

  it('a create/update error answered as ONE {id, message} object reaches the diagnosis', async () => {
    await post(existing({ name: 'other', httpClient: { blocked: false, autoBlock: true } }));
    // "chainguard" on the port "other" holds: Nexus answers {"id":"*","message":"\"Port ... in use ...\""}
    const e = await expectAdapterError(nexusDockerProxyAdapter().apply(await fieldsStep('nexus', 'create-proxy', 'developer', values()), signal()));
    expect(e.diagnosis.code).toBe('PORT_IN_USE');
    expect(e.diagnosis.cause).toContain('repository other');
    expect(e.diagnosis.cause).not.toMatch(/"id"|\\"/);
  });
});

describe('nexus.eula: tells the editions apart first', () => {
  it('Pro answers the EULA endpoint too: the Community EULA is not accepted there', async () => {
    await nexus.stop();
    nexus = await startNexusEmulator({ adminPassword: PASSWORD, edition: 'PRO' });
    const r = await nexusEulaAdapter().apply(await fieldsStep('nexus', 'create-proxy', 'developer', values()), signal());
    expect(r).toEqual({ changed: false, summary: expect.stringContaining('Pro') });
    expect(nexus.proAcceptedCommunityEula()).toBe(false);
    expect((await nexusEulaAdapter().check(await fieldsStep('nexus', 'create-proxy', 'developer', values()), signal())).ok).toBe(true);
  });

  it('an edition it cannot tell (no Server header): refuses to accept in the reader\'s name', async () => {
    await nexus.stop();
    nexus = await startNexusEmulator({ adminPassword: PASSWORD, serverHeader: false });
    const e = await expectAdapterError(nexusEulaAdapter().apply(await fieldsStep('nexus', 'create-proxy', 'developer', values()), signal()));
    expect(e.diagnosis.code).toBe('EDITION_UNKNOWN');
    expect(nexus.eulaAccepted()).toBe(false);
  });
});
