// `cgr-playbook doctor` against local stand-ins: the lab for cgr.dev, the Nexus and Artifactory
// EMULATORS for the products, local listeners for the network checks (offline: no real hosts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { PassThrough, Writable } from 'node:stream';
import { issueToken, startDistribution, type IssuedToken } from '../../playbooks/lab/index.ts';
import { startArtifactoryEmulator, startCloudsmithEmulator, startNexusEmulator, type ArtifactoryEmulator, type NexusEmulator } from '../../playbooks/emulators/index.ts';
import { createFieldsApplier } from '../../playbooks/adapters/index.ts';
import { checkHost, parseHostTarget, runDoctor } from '../../playbooks/doctor/index.ts';
import { getGuide } from '../../playbooks/guides.ts';
import { runCli } from '../../playbooks/cli/main.ts';
import { startTestLab, type TestLab } from '../support/lab.ts';
import { closedPort, contentDir, fieldsStep, signal } from '../adapters/support.ts';

let lab: TestLab;
let token: IssuedToken;
let other: IssuedToken;
let tls: TlsServer;
let tlsPort: number;

beforeAll(async () => {
  lab = await startTestLab('doctor', { cache: false });
  token = await issueToken({ stateDir: lab.stateDir });
  other = await issueToken({ stateDir: lab.stateDir });
  const key = join(lab.dir, 'tls.key');
  const cert = join(lab.dir, 'tls.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  tls = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (s) => s.end());
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', () => r()));
  tlsPort = (tls.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((r) => (tls ? tls.close(() => r()) : r()));
  await lab?.dispose();
});

describe('network checks', () => {
  it('reads host specs', () => {
    expect(parseHostTarget('cgr.dev')).toEqual({ host: 'cgr.dev', port: 443, tls: true });
    expect(parseHostTarget('tcp://127.0.0.1:5000')).toEqual({ host: '127.0.0.1', port: 5000, tls: false });
    expect(parseHostTarget('https://127.0.0.1:8443/')).toEqual({ host: '127.0.0.1', port: 8443, tls: true });
    expect(() => parseHostTarget('ftp://x')).toThrow(/cannot read host/);
  });

  it('TCP open; refused; untrusted TLS certificate — each with a cause and fix', async () => {
    const up = new URL(lab.state.upstream.url);
    expect(await checkHost({ host: '127.0.0.1', port: Number(up.port), tls: false })).toMatchObject({ ok: true });
    const dead = await closedPort();
    const refused = await checkHost({ host: '127.0.0.1', port: dead, tls: false });
    expect(refused).toMatchObject({ ok: false, cause: expect.stringContaining('refused the connection'), fix: expect.stringContaining('allow outbound TCP') });
    const untrusted = await checkHost({ host: '127.0.0.1', port: tlsPort, tls: true });
    expect(untrusted).toMatchObject({ ok: false, cause: expect.stringContaining('not trusted'), fix: expect.stringContaining('TLS inspection') });
  });

  it('a name that does not resolve: DNS', async () => {
    const r = await checkHost({ host: 'cgr-playbook-test.invalid', port: 443, tls: true }, 3000);
    expect(r.ok).toBe(false);
    expect(r.summary).toMatch(/^DNS: /);
  });
});

describe('doctor on the Nexus guide', () => {
  let nexus: NexusEmulator;
  let port: number;
  const dataPlane = () => ({ start: startDistribution, stateDir: join(lab.dir, 'caches'), upstreamMap: { 'https://cgr.dev': lab.state.upstream.url } });
  beforeAll(async () => {
    nexus = await startNexusEmulator({ adminPassword: 'admin-pw', eulaAccepted: true, activeRealms: ['NexusAuthenticatingRealm', 'DockerToken'], dataPlane: dataPlane() });
    port = await closedPort();
  });
  afterAll(async () => {
    await nexus?.stop();
  });
  const values = (extra: Record<string, string> = {}) => ({ nexusUrl: nexus.url, nexusUser: 'admin', nexusPassword: 'admin-pw', nexusAuth: 'true', repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}`, image: 'wolfi-base', cgOrg: lab.state.org, identityId: token.identityId, pullToken: token.token, ...extra });

  it('a repository with https://cgr.dev/chainguard/ and a wrong pull token: every cause named, no secret shown', async () => {
    const guide = await getGuide('nexus', contentDir);
    const applier = createFieldsApplier();
    const bad = values({ pullToken: other.token });
    await applier.apply(await fieldsStep('nexus', 'create-proxy', 'production', bad), signal());
    await applier.apply(await fieldsStep('nexus', 'set-auth', 'production', bad), signal());
    // Someone "fixes" Remote storage by adding the organization path, as the seed warns against.
    const cur = nexus.repository('chainguard')!;
    await fetch(`${nexus.url}/service/rest/v1/repositories/docker/proxy/chainguard`, { method: 'PUT', headers: { authorization: 'Basic ' + Buffer.from('admin:admin-pw').toString('base64'), 'content-type': 'application/json' }, body: JSON.stringify({ ...cur, proxy: { ...cur.proxy, remoteUrl: 'https://cgr.dev/chainguard/' } }) });
    const dead = await closedPort();
    const report = await runDoctor(guide, { path: 'production', values: bad, hosts: [`tcp://${lab.state.upstream.host}`, `tcp://127.0.0.1:${dead}`], upstream: lab.state.upstream.url, timeoutMs: 5000 });
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(report.ok).toBe(false);
    expect(byId[`network:${lab.state.upstream.host}`]?.ok).toBe(true);
    expect(byId[`network:127.0.0.1:${dead}`]).toMatchObject({ ok: false, cause: expect.stringContaining('refused') });
    expect(byId['settings:create-proxy']).toMatchObject({ ok: false, cause: 'Remote storage (proxy.remoteUrl) is https://cgr.dev/chainguard/, expected https://cgr.dev/', fix: expect.stringContaining('no organization or path') });
    expect(byId['settings:docker-realm']?.ok).toBe(true);
    expect(byId['upstream-pull']).toMatchObject({ ok: false, cause: expect.stringContaining('It is the credentials') });
    expect(byId['cache-pull']).toMatchObject({ ok: false, cause: expect.stringContaining('upstream refuses or cannot serve') });
    expect(JSON.stringify(report)).not.toContain(other.token);
    expect(JSON.stringify(report)).not.toContain('admin-pw');
  });

  it('after the fixes every check passes; the CLI exits 0 and prints the report', async () => {
    const applier = createFieldsApplier();
    const good = values();
    await applier.apply(await fieldsStep('nexus', 'create-proxy', 'production', good), signal());
    await applier.apply(await fieldsStep('nexus', 'set-auth', 'production', good), signal());
    let out = '';
    const stdout = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
    const env = { PATH: process.env.PATH, CGR_NEXUS_PASSWORD: 'admin-pw', CGR_IDENTITY_ID: token.identityId, CGR_PULL_TOKEN: token.token };
    const sets = Object.entries(good).filter(([k]) => !['nexusPassword', 'identityId', 'pullToken'].includes(k)).flatMap(([k, val]) => ['--set', `${k}=${val}`]);
    const code = await runCli(['doctor', 'nexus', '--path', 'production', ...sets, '--host', `tcp://${lab.state.upstream.host}`, '--upstream', lab.state.upstream.url], { stdout, stderr: stdout, stdin: new PassThrough(), env, cwd: process.cwd() });
    expect(out).toContain('all checks passed');
    expect(code).toBe(0);
    expect(out).toMatch(/✔ The image can be pulled through the repository/);
    expect(out).not.toContain(token.token);
  });
});

describe('doctor on the Nexus guide: credentials are proven by a pull, not by a username', () => {
  let nexus: NexusEmulator;
  let port: number;
  beforeAll(async () => {
    nexus = await startNexusEmulator({ adminPassword: 'admin-pw', eulaAccepted: true, activeRealms: ['NexusAuthenticatingRealm', 'DockerToken'], dataPlane: { start: startDistribution, stateDir: join(lab.dir, 'caches-proof'), upstreamMap: { 'https://cgr.dev': lab.state.upstream.url } } });
    port = await closedPort();
  });
  afterAll(async () => {
    await nexus?.stop();
  });

  it('a password removed behind the guide\'s back: settings say what they cannot prove, the pull through the repository fails and names the password', async () => {
    const guide = await getGuide('nexus', contentDir);
    const v = { nexusUrl: nexus.url, nexusUser: 'admin', nexusPassword: 'admin-pw', nexusAuth: 'true', repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}`, image: 'wolfi-base', cgOrg: lab.state.org, identityId: token.identityId, pullToken: token.token };
    const applier = createFieldsApplier();
    await applier.apply(await fieldsStep('nexus', 'create-proxy', 'production', v), signal());
    await applier.apply(await fieldsStep('nexus', 'set-auth', 'production', v), signal());
    const opts = { path: 'production' as const, values: v, hosts: [`tcp://${lab.state.upstream.host}`], upstream: lab.state.upstream.url, timeoutMs: 5000 };
    const good = await runDoctor(guide, opts);
    const goodAuth = good.checks.find((c) => c.id === 'settings:set-auth')!;
    expect(goodAuth).toMatchObject({ ok: true, summary: expect.stringContaining('cannot be read back'), unproven: [expect.stringContaining('Password')] });
    expect(good.checks.find((c) => c.id === 'cache-pull')).toMatchObject({ ok: true, summary: expect.stringContaining('proves the stored pull token') });

    // Another tool's PUT without the password: Nexus removes the secret, the username still reads back.
    const cur = nexus.repository('chainguard')!;
    await fetch(`${nexus.url}/service/rest/v1/repositories/docker/proxy/chainguard`, { method: 'PUT', headers: { authorization: 'Basic ' + Buffer.from('admin:admin-pw').toString('base64'), 'content-type': 'application/json' }, body: JSON.stringify({ ...cur, httpClient: { ...cur.httpClient, authentication: { type: 'username', username: token.identityId } } }) });
    const bad = await runDoctor(guide, opts);
    expect(bad.ok).toBe(false);
    expect(bad.checks.find((c) => c.id === 'upstream-pull')?.ok).toBe(true);
    expect(bad.checks.find((c) => c.id === 'cache-pull')).toMatchObject({ ok: false, cause: expect.stringContaining('password cannot be read back'), fix: expect.stringContaining('set-auth') });
    expect(JSON.stringify(bad)).not.toContain(token.token);
  });
});

describe('doctor on the Artifactory guide', () => {
  let art: ArtifactoryEmulator;
  beforeAll(async () => {
    art = await startArtifactoryEmulator({ accessToken: 'art-token', dataPlane: { start: startDistribution, stateDir: join(lab.dir, 'art-caches'), upstreamMap: { 'https://cgr.dev': lab.state.upstream.url } } });
  });
  afterAll(async () => {
    await art?.stop();
  });

  it('wrong product credentials: the settings check says which field to fix', async () => {
    const guide = await getGuide('artifactory', contentDir);
    const report = await runDoctor(guide, { path: 'developer', values: { artifactoryUrl: art.url, artifactoryUser: 'admin', artifactoryToken: 'wrong-token-123', publicRepoKey: 'cgr-public', artifactoryHost: art.host, plainHttp: 'true', image: 'wolfi-base' }, hosts: [`tcp://${lab.state.upstream.host}`], upstream: lab.state.upstream.url });
    const settings = report.checks.find((c) => c.id === 'settings:create-remote-developer')!;
    expect(settings).toMatchObject({ ok: false, cause: expect.stringContaining('refused the credentials'), fix: 'check artifactoryToken' });
    expect(report.checks.find((c) => c.id === 'upstream-pull')?.ok).toBe(true);
    expect(report.checks.find((c) => c.id === 'cache-pull')).toMatchObject({ ok: false });
    expect(JSON.stringify(report)).not.toContain('wrong-token-123');
  });
});

describe('doctor never tells a reader to create what exists', () => {
  it('Nexus, an account that may not see the repository (404): the settings check says so, not "create it"', async () => {
    const nexus = await startNexusEmulator({ adminPassword: 'admin-pw', eulaAccepted: true, readOnlyUser: { username: 'viewer', password: 'viewer-pw' } });
    try {
      const port = await closedPort();
      const v = { nexusUrl: nexus.url, nexusUser: 'admin', nexusPassword: 'admin-pw', repoName: 'chainguard', repoPort: String(port), nexusHost: `127.0.0.1:${port}`, image: 'wolfi-base' };
      await createFieldsApplier().apply(await fieldsStep('nexus', 'create-proxy', 'developer', v), signal());
      const report = await runDoctor(await getGuide('nexus', contentDir), { path: 'developer', values: { ...v, nexusUser: 'viewer', nexusPassword: 'viewer-pw' }, hosts: [`tcp://${lab.state.upstream.host}`], upstream: lab.state.upstream.url, timeoutMs: 5000 });
      const settings = report.checks.find((c) => c.id === 'settings:create-proxy')!;
      expect(settings).toMatchObject({ ok: false, cause: expect.stringContaining('404'), fix: expect.stringContaining('administrator') });
      expect(settings.fix).not.toMatch(/create it|apply step/);
    } finally {
      await nexus.stop();
    }
  });

  it('Cloudsmith, the upstream on a later page of the list: the settings check finds it', async () => {
    const key = 'cs-doctor-key-0123456789';
    const cs = await startCloudsmithEmulator({ apiKey: key, repositories: [{ owner: 'acme', slug: 'chainguard' }], maxPageSize: 1 });
    try {
      const post = (body: Record<string, unknown>) => fetch(`${cs.apiUrl}/v1/repos/acme/chainguard/upstream/docker/`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await post({ name: 'hub', upstream_url: 'https://hub.example.invalid', mode: 'Proxy Only', priority: 1 });
      await post({ name: 'Chainguard Public Upstream', upstream_url: 'https://cgr.dev/chainguard', mode: 'Cache and Proxy', priority: 1, verify_ssl: true });
      const v = { cloudsmithApiUrl: cs.apiUrl, cloudsmithUser: 'jane', cloudsmithApiKey: key, cloudsmithOrg: 'acme', cloudsmithRepo: 'chainguard', cloudsmithRegistry: cs.registryHost, plainHttp: 'true', image: 'wolfi-base' };
      const report = await runDoctor(await getGuide('cloudsmith', contentDir), { path: 'developer', values: v, hosts: [`tcp://${lab.state.upstream.host}`], upstream: lab.state.upstream.url, timeoutMs: 5000 });
      expect(report.checks.find((c) => c.id === 'settings:upstream-developer')).toMatchObject({ ok: true });
      expect(cs.upstreams('acme', 'chainguard')).toHaveLength(2);
    } finally {
      await cs.stop();
    }
  });
});
