// The Artifactory adapter against the Artifactory EMULATOR over real HTTP (control plane only).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startArtifactoryEmulator, type ArtifactoryEmulator } from '../../playbooks/emulators/index.ts';
import { AdapterError, artifactoryDockerRemoteAdapter } from '../../playbooks/adapters/index.ts';
import { closedPort, fieldsStep, signal } from './support.ts';

const TOKEN = 'artifactory-ACCESS-token-9876';
const PULL_TOKEN = 'pull-token-SECRET-value-123';
let art: ArtifactoryEmulator;

beforeEach(async () => {
  art = await startArtifactoryEmulator({ accessToken: TOKEN });
});
afterEach(async () => {
  await art.stop();
});

const values = (extra: Record<string, string> = {}) => ({ artifactoryUrl: art.url, artifactoryUser: 'admin', artifactoryToken: TOKEN, publicRepoKey: 'cgr-public', artifactoryHost: art.host, ...extra });
const adminPut = (key: string, body: unknown, method = 'PUT') =>
  fetch(`${art.url}/artifactory/api/repositories/${key}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('artifactory.docker-remote', () => {
  it('developer: creates the remote repository (PUT), then a rerun changes nothing', async () => {
    const step = await fieldsStep('artifactory', 'create-remote-developer', 'developer', values());
    const a = artifactoryDockerRemoteAdapter();
    expect((await a.check(step, signal())).diagnosis?.code).toBe('MISSING');
    expect(await a.apply(step, signal())).toEqual({ changed: true, summary: 'created Docker remote repository "cgr-public"' });
    expect(art.repository('cgr-public')).toMatchObject({ rclass: 'remote', packageType: 'docker', url: 'https://cgr.dev/', includesPattern: '**/*', blockMismatchingMimeTypes: true });
    expect((await a.apply(step, signal())).changed).toBe(false);
    expect((await a.check(step, signal())).ok).toBe(true);
  });

  it('production: credentials set; the base address may end in /artifactory', async () => {
    const v = values({ privateRepoKey: 'cgr-private', artifactoryUrl: `${art.url}/artifactory/`, cgOrg: 'acme.example', identityId: 'abc123/def456', pullToken: PULL_TOKEN });
    const step = await fieldsStep('artifactory', 'create-remote-production', 'production', v);
    const a = artifactoryDockerRemoteAdapter();
    expect((await a.apply(step, signal())).changed).toBe(true);
    expect(art.repository('cgr-private')).toMatchObject({ username: 'abc123/def456', password: PULL_TOKEN });
    // A rerun cannot read the password back: check says so, apply sends it again and changes nothing else.
    expect(await a.check(step, signal())).toMatchObject({ ok: false, unproven: [expect.stringContaining('password')], summary: expect.stringContaining('cannot be read back') });
    expect(await a.apply(step, signal())).toEqual({ changed: false, summary: expect.stringContaining('re-sent') });
    expect(art.repository('cgr-private')).toMatchObject({ username: 'abc123/def456', password: PULL_TOKEN });
  });

  it('an update (POST) sends only what the step names: the settings it does not manage and the stored password stay', async () => {
    const own = { key: 'cgr-public', rclass: 'remote', packageType: 'docker', url: 'https://cgr.dev/', username: 'reader/own', password: 'readers-own-secret-42', includesPattern: 'chainguard/**', excludesPattern: 'chainguard/old-*', description: 'the reader\'s own mirror', enableTokenAuthentication: true, blockMismatchingMimeTypes: true };
    expect((await adminPut('cgr-public', own)).status).toBe(200);
    const step = await fieldsStep('artifactory', 'create-remote-developer', 'developer', values());
    expect((await artifactoryDockerRemoteAdapter().apply(step, signal())).changed).toBe(true);
    expect(art.repository('cgr-public')).toEqual({ ...own, includesPattern: '**/*' });
  });

  it('check names every wrong field: URL with an organization, include pattern, mime types', async () => {
    expect((await adminPut('cgr-public', { key: 'cgr-public', rclass: 'remote', packageType: 'docker', url: 'https://cgr.dev/acme.example/', includesPattern: 'chainguard/**', blockMismatchingMimeTypes: false })).status).toBe(200);
    const step = await fieldsStep('artifactory', 'create-remote-developer', 'developer', values());
    const a = artifactoryDockerRemoteAdapter();
    const c = await a.check(step, signal());
    expect(c.ok).toBe(false);
    expect(c.problems?.map((p) => [p.field, p.actual, p.expected])).toEqual([
      ['URL (url)', 'https://cgr.dev/acme.example/', 'https://cgr.dev/'],
      ['Include Patterns (includesPattern)', 'chainguard/**', '**/*'],
      ['Block Mismatching Mime Types (blockMismatchingMimeTypes)', 'false', 'true'],
    ]);
    // What the guide says, nothing it does not source: the URL is exactly https://cgr.dev/, the path goes in the pull address.
    expect(c.problems?.[0]?.fix).toBe('set URL to exactly https://cgr.dev/, with nothing after the host: the organization and the image go in the pull address (<registry>/<repository key>/<organization>/<image>)');
    expect(JSON.stringify(c.problems)).not.toMatch(/ignores/);
    expect((await a.apply(step, signal())).changed).toBe(true); // POST update
    expect(art.repository('cgr-public')).toMatchObject({ url: 'https://cgr.dev/', includesPattern: '**/*', blockMismatchingMimeTypes: true });
    expect((await a.check(step, signal())).ok).toBe(true);
  });

  it('production: a repository without credentials is reported', async () => {
    await adminPut('cgr-private', { key: 'cgr-private', rclass: 'remote', packageType: 'docker', url: 'https://cgr.dev/' });
    const v = values({ privateRepoKey: 'cgr-private', cgOrg: 'acme.example', identityId: 'abc123/def456', pullToken: PULL_TOKEN });
    const c = await artifactoryDockerRemoteAdapter().check(await fieldsStep('artifactory', 'create-remote-production', 'production', v), signal());
    expect(c.ok).toBe(false);
    expect(c.problems?.map((p) => p.field)).toEqual(['User Name / Password']);
  });

  it('wrong access token: WRONG_CREDENTIALS naming artifactoryToken, token never echoed', async () => {
    const step = await fieldsStep('artifactory', 'create-remote-developer', 'developer', values({ artifactoryToken: 'bad-Token-value-42' }));
    const err = await artifactoryDockerRemoteAdapter().apply(step, signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    const e = err as AdapterError;
    expect(e.diagnosis.code).toBe('WRONG_CREDENTIALS');
    expect(e.diagnosis.fix).toContain('artifactoryToken');
    expect(JSON.stringify([e.message, e.hint, e.diagnosis])).not.toContain('bad-Token-value-42');
    expect(art.repositoryKeys()).toEqual([]);
  });

  it('Artifactory not running: UNREACHABLE', async () => {
    const dead = await closedPort();
    const c = await artifactoryDockerRemoteAdapter().check(await fieldsStep('artifactory', 'create-remote-developer', 'developer', values({ artifactoryUrl: `http://127.0.0.1:${dead}` })), signal());
    expect(c.diagnosis?.code).toBe('UNREACHABLE');
    expect(c.diagnosis?.fix).toContain('artifactoryUrl');
  });
});

describe('Artifactory emulator: documented statuses', () => {
  it('PUT on an existing key is 400, GET of a missing key is 400, errors have the {errors:[{status,message}]} shape', async () => {
    const body = { key: 'x', rclass: 'remote', packageType: 'docker', url: 'https://cgr.dev/' };
    expect((await adminPut('x', body)).status).toBe(200);
    const dup = await adminPut('x', body);
    expect(dup.status).toBe(400);
    expect(await dup.json()).toEqual({ errors: [{ status: 400, message: 'Case insensitive repository key already exists' }] });
    const missing = await fetch(`${art.url}/artifactory/api/repositories/nope`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(missing.status).toBe(400);
    const noAuth = await fetch(`${art.url}/artifactory/api/repositories/x`);
    expect(noAuth.status).toBe(401);
    expect(((await noAuth.json()) as { errors: unknown[] }).errors).toHaveLength(1);
  });
});

describe('artifactory.docker-remote against an Artifactory without a Pro licence', () => {
  it('the emulator answers the repositories API itself with 400 "available only in Artifactory Pro"', async () => {
    const oss = await startArtifactoryEmulator({ accessToken: TOKEN, edition: 'OSS' });
    try {
      const r = await fetch(`${oss.url}/artifactory/api/repositories/cgr-public`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(400);
      expect(JSON.stringify(await r.json())).toMatch(/available only in Artifactory Pro/);
    } finally {
      await oss.stop();
    }
  });

  it('check and apply: LICENSE, with the UI path, never "correct the value"', async () => {
    await art.stop();
    art = await startArtifactoryEmulator({ accessToken: TOKEN, edition: 'OSS' });
    const step = await fieldsStep('artifactory', 'create-remote-developer', 'developer', values());
    const c = await artifactoryDockerRemoteAdapter().check(step, signal());
    expect(c.diagnosis?.code).toBe('LICENSE');
    expect(c.diagnosis?.fix).toMatch(/Repositories › Create a Repository › Remote › Docker/);
    expect(c.diagnosis?.fix).not.toMatch(/correct the value/);
    const e = (await artifactoryDockerRemoteAdapter().apply(step, signal()).catch((x: unknown) => x)) as AdapterError;
    expect(e.diagnosis.code).toBe('LICENSE');
    expect(art.repositoryKeys()).toEqual([]);
  });
});
