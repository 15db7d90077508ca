// The Cloudsmith adapters against the Cloudsmith EMULATOR over real HTTP (control plane only).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCloudsmithEmulator, type CloudsmithEmulator } from '../../playbooks/emulators/index.ts';
import { AdapterError, cloudsmithDockerUpstreamAdapter, cloudsmithRepositoryAdapter } from '../../playbooks/adapters/index.ts';
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
    expect((await a.apply(step, signal())).changed).toBe(false);
    expect((await a.check(step, signal())).ok).toBe(true);
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
      ['Upstream URL (upstream_url)', 'https://cgr.dev/', 'https://cgr.dev/chainguard'],
      ['Mode (mode)', 'Proxy Only', 'Cache and Proxy'],
      ['Verify SSL Certificates (verify_ssl)', 'false', 'true'],
    ]);
    expect((await a.apply(step, signal())).changed).toBe(true);
    expect(cs.upstreams('acme', 'chainguard')).toHaveLength(1);
    expect((await a.check(step, signal())).ok).toBe(true);
  });

  it('accepts https://cgr.dev/ for the production upstream (trailing-slash variant)', async () => {
    await fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Chainguard Production Upstream', upstream_url: 'https://cgr.dev/', mode: 'Cache and Proxy', priority: 1, auth_mode: 'Username and Password', auth_username: 'abc123/def456', auth_secret: PULL_TOKEN }),
    });
    const c = await cloudsmithDockerUpstreamAdapter().check(await fieldsStep('cloudsmith', 'upstream-production', 'production', prodValues()), signal());
    expect(c).toMatchObject({ ok: true });
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
