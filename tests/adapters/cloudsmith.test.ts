// The Cloudsmith adapters against the Cloudsmith EMULATOR over real HTTP (control plane only).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCloudsmithEmulator, type CloudsmithEmulator } from '../../playbooks/emulators/index.ts';
import { AdapterError, cloudsmithDockerUpstreamAdapter, cloudsmithRepositoryAdapter } from '../../playbooks/adapters/index.ts';
import { CLOUDSMITH_MODES } from '../../playbooks/adapters/cloudsmith.ts';
import { closedPort, fieldsStep, signal } from './support.ts';

const KEY = 'cloudsmith-API-key-0123456789abcdef';
const PULL_TOKEN = 'pull-token-SECRET-value-123';
let cs: CloudsmithEmulator;

beforeEach(async () => {
  cs = await startCloudsmithEmulator({ apiKey: KEY, repositories: [{ owner: 'acme', slug: 'chainguard' }] });
});
afterEach(async () => {
  await cs.stop();
});

const values = (extra: Record<string, string> = {}) => ({ cloudsmithApiUrl: cs.apiUrl, cloudsmithUser: 'jane', cloudsmithApiKey: KEY, cloudsmithOrg: 'acme', cloudsmithRepo: 'chainguard', cloudsmithRegistry: cs.registryHost, ...extra });
const prodValues = () => values({ cgOrg: 'acme.example', identityId: 'abc123/def456', pullToken: PULL_TOKEN });

async function expectAdapterError(p: Promise<unknown>): Promise<AdapterError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(AdapterError);
  return e as AdapterError;
}

describe('cloudsmith.docker-upstream', () => {
  it('developer: creates the upstream (201), rerun changes nothing', async () => {
    const step = await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values());
    const a = cloudsmithDockerUpstreamAdapter();
    expect((await a.check(step, signal())).diagnosis?.code).toBe('MISSING');
    expect((await a.apply(step, signal())).changed).toBe(true);
    expect(cs.upstreams('acme', 'chainguard')).toEqual([expect.objectContaining({ name: 'Chainguard Public Upstream', upstream_url: 'https://cgr.dev/chainguard', mode: 'Cache and Proxy', verify_ssl: true, auth_mode: 'None' })]);
    expect((await a.apply(step, signal())).changed).toBe(false);
    expect((await a.check(step, signal())).ok).toBe(true);
  });

  it('production: credentials stored, never returned by the API, rerun changes nothing', async () => {
    const step = await fieldsStep('cloudsmith', 'upstream-production', 'production', prodValues());
    const a = cloudsmithDockerUpstreamAdapter();
    expect((await a.apply(step, signal())).changed).toBe(true);
    expect(cs.upstreams('acme', 'chainguard')[0]).toMatchObject({ upstream_url: 'https://cgr.dev', auth_mode: 'Username and Password', auth_username: 'abc123/def456', auth_secret: PULL_TOKEN });
    const listed = await (await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, { headers: { 'x-api-key': KEY } })).text();
    expect(listed).not.toContain(PULL_TOKEN);
    // A rerun cannot read the secret back: check says so, apply sends it again and changes nothing else.
    expect(await a.check(step, signal())).toMatchObject({ ok: false, unproven: [expect.stringContaining('auth_secret')], summary: expect.stringContaining('cannot be read back') });
    expect(await a.apply(step, signal())).toEqual({ changed: false, summary: expect.stringContaining('re-sent') });
    expect(cs.upstreams('acme', 'chainguard')).toHaveLength(1);
  });

  it('check names the wrong fields and apply PATCHes them', async () => {
    const r = await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Chainguard Public Upstream', upstream_url: 'https://cgr.dev/', mode: 'Proxy Only', verify_ssl: false }),
    });
    expect(r.status).toBe(201);
    const step = await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values());
    const a = cloudsmithDockerUpstreamAdapter();
    const c = await a.check(step, signal());
    expect(c.problems?.map((p) => [p.field, p.actual, p.expected])).toEqual([
      ['Proxy URL (upstream_url)', 'https://cgr.dev/', 'https://cgr.dev/chainguard'],
      ['Mode (mode)', 'Proxy Only', 'Cache and Proxy'],
      ['Verify SSL Certificates (verify_ssl)', 'false', 'true'],
    ]);
    // The labels the guide uses today (Proxy URL, Additional options), not the old app's.
    expect(c.problems?.map((p) => p.fix)).toEqual([
      'set Proxy URL to https://cgr.dev/chainguard (public Developer images live under /chainguard); nothing else may follow it',
      'select Cache and Proxy so Cloudsmith keeps what it fetches',
      'tick Verify SSL Certificates under Additional options',
    ]);
    expect((await a.apply(step, signal())).changed).toBe(true);
    expect(cs.upstreams('acme', 'chainguard')).toHaveLength(1);
    expect((await a.check(step, signal())).ok).toBe(true);
  });

  it('an update sends only what it changes: the stored secret and settings the step does not name stay (PATCH is partial)', async () => {
    const a = cloudsmithDockerUpstreamAdapter();
    await a.apply(await fieldsStep('cloudsmith', 'upstream-production', 'production', prodValues()), signal());
    const [up] = cs.upstreams('acme', 'chainguard');
    // the reader turns Verify SSL off in the UI and adds a second upstream; the developer step then fixes only what it names
    await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/${up!.slug_perm}/`, { method: 'PATCH', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify({ verify_ssl: false }) });
    const again = await a.apply(await fieldsStep('cloudsmith', 'upstream-production', 'production', prodValues()), signal());
    expect(again.changed).toBe(true);
    expect(cs.upstreams('acme', 'chainguard')[0]).toMatchObject({ verify_ssl: true, auth_mode: 'Username and Password', auth_username: 'abc123/def456', auth_secret: PULL_TOKEN });
    const dev = await cloudsmithDockerUpstreamAdapter().apply(await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values()), signal());
    expect(dev.changed).toBe(true);
    // the public upstream is a second one: the production one, and its secret, are untouched
    expect(cs.upstreams('acme', 'chainguard').find((u) => u.slug_perm === up!.slug_perm)).toMatchObject({ auth_secret: PULL_TOKEN, upstream_url: 'https://cgr.dev' });
  });

  it('priority is the reader\'s to choose on an existing upstream (the guide: "use 2 if the repository also has the public upstream"): not reported, not reset', async () => {
    const a = cloudsmithDockerUpstreamAdapter();
    await cloudsmithDockerUpstreamAdapter().apply(await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values()), signal());
    const created = await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Chainguard Production Upstream', upstream_url: 'https://cgr.dev', mode: 'Cache and Proxy', verify_ssl: true, priority: 2, auth_mode: 'Username and Password', auth_username: 'abc123/def456', auth_secret: PULL_TOKEN }),
    });
    expect(created.status).toBe(201);
    const step = await fieldsStep('cloudsmith', 'upstream-production', 'production', prodValues());
    const c = await a.check(step, signal());
    expect(c.problems ?? []).toEqual([]);
    expect(c.unproven).toEqual([expect.stringContaining('auth_secret')]);
    expect((await a.apply(step, signal())).changed).toBe(false);
    expect(cs.upstreams('acme', 'chainguard').find((u) => u.name === 'Chainguard Production Upstream')?.priority).toBe(2);
  });

  it('an upstream the reader made by hand under another name ("Name: any descriptive name") is found by its URL: no second upstream, no rename, check passes', async () => {
    const r = await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'cgr public', upstream_url: 'https://cgr.dev/chainguard', mode: 'Cache and Proxy', verify_ssl: true, priority: 1 }),
    });
    expect(r.status).toBe(201);
    const step = await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values());
    const a = cloudsmithDockerUpstreamAdapter();
    expect(await a.check(step, signal())).toMatchObject({ ok: true });
    expect((await a.apply(step, signal())).changed).toBe(false);
    expect(cs.upstreams('acme', 'chainguard')).toEqual([expect.objectContaining({ name: 'cgr public', upstream_url: 'https://cgr.dev/chainguard' })]);
  });

  it('accepts https://cgr.dev/ for the production upstream (trailing-slash variant)', async () => {
    await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Chainguard Production Upstream', upstream_url: 'https://cgr.dev/', mode: 'Cache and Proxy', priority: 1, auth_mode: 'Username and Password', auth_username: 'abc123/def456', auth_secret: PULL_TOKEN }),
    });
    const c = await cloudsmithDockerUpstreamAdapter().check(await fieldsStep('cloudsmith', 'upstream-production', 'production', prodValues()), signal());
    expect(c.problems ?? []).toEqual([]);
    expect(c.unproven).toHaveLength(1);
  });

  it('an API key whose account may not see the repository (Cloudsmith answers 404, as for a missing one): the diagnosis says so and is not only "create it"', async () => {
    await cs.stop();
    cs = await startCloudsmithEmulator({ apiKey: KEY, outsiderKey: 'outsider-key-0123456789', repositories: [{ owner: 'acme', slug: 'chainguard' }] });
    const step = await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values({ cloudsmithApiKey: 'outsider-key-0123456789' }));
    const e = await expectAdapterError(cloudsmithDockerUpstreamAdapter().apply(step, signal()));
    expect(e.diagnosis.code).toBe('REPOSITORY_MISSING');
    expect(e.diagnosis.cause).toMatch(/may not see|permission/);
    expect(e.diagnosis.fix).toMatch(/access/);
    const repoStep = await fieldsStep('cloudsmith', 'create-repo', 'developer', values({ cloudsmithApiKey: 'outsider-key-0123456789' }));
    const check = await cloudsmithRepositoryAdapter().check(repoStep, signal());
    expect(check.ok).toBe(false);
    expect(check.diagnosis?.fix).toMatch(/access/);
    // apply tries to create it; the service refuses that account (403), which is FORBIDDEN, and nothing is created
    const applied = await expectAdapterError(cloudsmithRepositoryAdapter().apply(repoStep, signal()));
    expect(applied.diagnosis.code).toBe('FORBIDDEN');
    expect(cs.upstreams('acme', 'chainguard')).toEqual([]);
  });

  it('a production upstream without credentials: the fix names Additional options › Authentication, as the guide does', async () => {
    await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Chainguard Production Upstream', upstream_url: 'https://cgr.dev', mode: 'Cache and Proxy', priority: 1 }),
    });
    const c = await cloudsmithDockerUpstreamAdapter().check(await fieldsStep('cloudsmith', 'upstream-production', 'production', prodValues()), signal());
    expect(c.problems?.map((p) => [p.field, p.fix])).toEqual([
      ['Authentication (auth_mode)', 'under Additional options, set Authentication to Username and Password and enter the pull token\'s identity id as Username and its password as Password'],
    ]);
    expect(JSON.stringify(c)).not.toMatch(/Upstream URL|Authentication method|expand Authentication/);
  });

  it('a repository that does not exist: REPOSITORY_MISSING; cloudsmith.repository creates it', async () => {
    const v = values({ cloudsmithRepo: 'fresh' });
    const e = (await cloudsmithDockerUpstreamAdapter().apply(await fieldsStep('cloudsmith', 'upstream-developer', 'developer', v), signal()).catch((x: unknown) => x)) as AdapterError;
    expect(e.diagnosis.code).toBe('REPOSITORY_MISSING');
    const repoStep = await fieldsStep('cloudsmith', 'create-repo', 'developer', v);
    expect((await cloudsmithRepositoryAdapter().apply(repoStep, signal())).changed).toBe(true);
    expect((await cloudsmithRepositoryAdapter().apply(repoStep, signal())).changed).toBe(false);
    expect((await cloudsmithDockerUpstreamAdapter().apply(await fieldsStep('cloudsmith', 'upstream-developer', 'developer', v), signal())).changed).toBe(true);
  });

  it('wrong API key: WRONG_CREDENTIALS naming cloudsmithApiKey, key never echoed', async () => {
    const step = await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values({ cloudsmithApiKey: 'not-the-Key-777' }));
    const e = (await cloudsmithDockerUpstreamAdapter().apply(step, signal()).catch((x: unknown) => x)) as AdapterError;
    expect(e).toBeInstanceOf(AdapterError);
    expect(e.diagnosis.code).toBe('WRONG_CREDENTIALS');
    expect(e.diagnosis.fix).toContain('cloudsmithApiKey');
    expect(JSON.stringify([e.message, e.hint, e.diagnosis])).not.toContain('not-the-Key-777');
  });

  it('API not reachable: UNREACHABLE', async () => {
    const dead = await closedPort();
    const c = await cloudsmithDockerUpstreamAdapter().check(await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values({ cloudsmithApiUrl: `http://127.0.0.1:${dead}` })), signal());
    expect(c.diagnosis?.code).toBe('UNREACHABLE');
  });

  it('the emulator answers invalid values with 422 and per-field messages', async () => {
    const r = await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', upstream_url: 'https://cgr.dev', mode: 'Sometimes' }) });
    expect(r.status).toBe(422);
    expect(await r.json()).toEqual({ detail: 'Invalid input.', fields: { mode: ['"Sometimes" is not a valid choice.'] } });
  });
});

// The service's real semantics (cloudsmith-api bindings, cloudsmith-cli; docs/emulators.md).
describe('cloudsmith adapters against Cloudsmith semantics', () => {
  const post = async (body: Record<string, unknown>) => {
    const r = await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, { method: 'POST', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'Proxy Only', ...body }) });
    expect(r.status).toBe(201);
  };

  it('the upstream on page 2 of a paginated list is found: no duplicate, check passes', async () => {
    await cs.stop();
    cs = await startCloudsmithEmulator({ apiKey: KEY, repositories: [{ owner: 'acme', slug: 'chainguard' }], maxPageSize: 2 });
    await post({ name: 'npm mirror', upstream_url: 'https://registry.example.invalid', priority: 1 });
    await post({ name: 'hub', upstream_url: 'https://hub.example.invalid', priority: 2 });
    await post({ name: 'Chainguard Public Upstream', upstream_url: 'https://cgr.dev/chainguard', mode: 'Cache and Proxy', priority: 3, verify_ssl: false });
    const step = await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values());
    const a = cloudsmithDockerUpstreamAdapter();
    // priority 3 is the reader's order behind the other two upstreams: not reported, not reset to the guide's 1
    expect((await a.check(step, signal())).problems?.map((p) => p.field)).toEqual(['Verify SSL Certificates (verify_ssl)']);
    const r = await a.apply(step, signal());
    expect(r.summary).toMatch(/^updated /);
    expect(cs.upstreams('acme', 'chainguard').filter((u) => u.name === 'Chainguard Public Upstream')).toEqual([expect.objectContaining({ priority: 3, verify_ssl: true })]);
    expect(cs.upstreams('acme', 'chainguard')).toHaveLength(3);
    expect((await a.check(step, signal())).ok).toBe(true);
  });

  it('429: waits as asked and retries (bounded), then succeeds', async () => {
    const waits: number[] = [];
    const a = cloudsmithDockerUpstreamAdapter({ sleep: async (ms) => void waits.push(ms) });
    cs.throttle(2, 3);
    const r = await a.apply(await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values()), signal());
    expect(r.changed).toBe(true);
    expect(waits).toEqual([3000, 3000]);
  });

  it('429 that does not end: RATE_LIMITED, not "correct the value"', async () => {
    const waits: number[] = [];
    const a = cloudsmithDockerUpstreamAdapter({ sleep: async (ms) => void waits.push(ms) });
    cs.throttle(100, 2);
    const e = (await a.apply(await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values()), signal()).catch((x: unknown) => x)) as AdapterError;
    expect(e).toBeInstanceOf(AdapterError);
    expect(e.diagnosis.code).toBe('RATE_LIMITED');
    expect(e.diagnosis.cause).toMatch(/rate/i);
    expect(e.diagnosis.fix).not.toMatch(/correct the value/);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.length).toBeLessThanOrEqual(3);
    const c = await a.check(await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values()), signal());
    expect(c.diagnosis?.code).toBe('RATE_LIMITED');
  });

  it('apply reads the list once: the created or updated upstream comes from the POST or PATCH answer (both return the DockerUpstream), not from a second read', async () => {
    const a = cloudsmithDockerUpstreamAdapter();
    const step = await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values());
    const made = async () => {
      const before = cs.requests();
      const r = await a.apply(step, signal());
      return { r, requests: cs.requests() - before };
    };
    // create: list + POST
    expect(await made()).toEqual({ r: { changed: true, summary: 'created Docker upstream "Chainguard Public Upstream" in acme/chainguard' }, requests: 2 });
    // nothing to change: the list only
    expect(await made()).toEqual({ r: { changed: false, summary: 'Docker upstream "Chainguard Public Upstream" in acme/chainguard already has these settings' }, requests: 1 });
    // update: list + PATCH
    const [up] = cs.upstreams('acme', 'chainguard');
    await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/${up!.slug_perm}/`, { method: 'PATCH', headers: { 'x-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify({ verify_ssl: false }) });
    expect(await made()).toEqual({ r: { changed: true, summary: 'updated Docker upstream "Chainguard Public Upstream" in acme/chainguard' }, requests: 2 });
    expect(cs.upstreams('acme', 'chainguard')).toEqual([expect.objectContaining({ slug_perm: up!.slug_perm, verify_ssl: true })]);
  });

  it('mode takes only "Proxy Only" and "Cache and Proxy": another value is refused before any request', async () => {
    expect([...CLOUDSMITH_MODES]).toEqual(['Proxy Only', 'Cache and Proxy']);
    const step = await fieldsStep('cloudsmith', 'upstream-developer', 'developer', values());
    const bad = { ...step, entries: step.entries.map((e) => (e.api === 'mode' ? { ...e, value: 'Cache Only' } : e)) };
    const before = cs.requests();
    const e = (await cloudsmithDockerUpstreamAdapter().apply(bad, signal()).catch((x: unknown) => x)) as AdapterError;
    expect(e.diagnosis.code).toBe('BAD_VALUE');
    expect(cs.requests()).toBe(before);
  });

  it('a repository created by a step that names no type is Private, not the service\'s default Public', async () => {
    const step = await fieldsStep('cloudsmith', 'create-repo', 'developer', values({ cloudsmithRepo: 'fresh' }));
    const untyped = { ...step, entries: step.entries.filter((e) => e.api !== 'repository_type_str') };
    await cloudsmithRepositoryAdapter().apply(untyped, signal());
    const r = await fetch(`${cs.apiUrl}/v1/repos/acme/fresh/`, { headers: { 'x-api-key': KEY } });
    expect(((await r.json()) as { repository_type_str: string }).repository_type_str).toBe('Private');
  });
});
