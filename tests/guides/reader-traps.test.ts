// Reader traps, run for real with stand-in programs on PATH (no container engine, no network):
// - Nexus's throwaway container: the clean-up step removes the container the guide started, by
//   the id `docker run -d` printed, and nothing else. A reader who already has a container called
//   `nexus` sees the start fail ("name already in use"), and that container stays.
// - Cloudsmith's API key check: /v1/user/self/ answers anyone ("a brief for the current user (if
//   any)", UserBrief.authenticated in Cloudsmith's API reference), so a 200 proves nothing; the
//   check passes only on authenticated: true.
// - Nexus over HTTPS with a certificate the reader's own CA signed, trusted by docker through
//   /etc/docker/certs.d/<registry address>/ca.crt ("Verify repository client with certificates",
//   docs.docker.com/engine/security/certificates/): the address check (curl) and the pull check
//   (the engine's own client) read the same file, so they pass where docker pulls; without it
//   they fail saying the certificate is not trusted, and where the CA belongs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getGuide } from '../../playbooks/guides.ts';
import { runPlaybook } from '../../playbooks/runner/run.ts';
import { createProbeRunner } from '../../playbooks/probes/index.ts';
import type { Clock } from '../../playbooks/runner/types.ts';
import { machineTrustsCa, startTlsRegistry, type TlsRegistry } from '../support/tls-registry.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The real time, and a retry interval that ends at once (still ended by a stop). */
const noWaitClock: Clock = {
  now: () => Date.now(),
  sleep: (_ms, signal) => (signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve()),
};
const ID = 'f'.repeat(12) + '0123456789abcdef'.repeat(3) + '0123';
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Runs the guide's start and clean-up steps with a `docker` whose `run` does `runScript`. */
async function startAndCleanUp(runScript: string, loginScript = 'echo "Login Succeeded"'): Promise<{ verdicts: Record<string, string>; calls: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cgr-nexus-container-'));
  dirs.push(dir);
  const log = join(dir, 'docker.log');
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\necho "$*" >> "${log}"\ncase "$1" in run) ${runScript} ;; login) cat > /dev/null; ${loginScript} ;; esac\n`);
  chmodSync(join(dir, 'docker'), 0o755);
  const guide = await getGuide('nexus', undefined, ROOT);
  const cut = { ...guide, steps: guide.steps.filter((s) => ['start-nexus', 'docker-login', 'remove-nexus'].includes(s.id)) };
  const handle = runPlaybook(cut, {
    path: 'developer',
    ci: true,
    values: { runLocalNexus: 'true', nexusUrl: 'http://127.0.0.1:1', nexusHost: '127.0.0.1:1', nexusPassword: 'admin-password-1' },
    env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir },
  });
  const result = await handle.done;
  return { verdicts: Object.fromEntries(result.steps.map((s) => [s.id, s.verdict])), calls: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] };
}

describe('Nexus: the throwaway container', () => {
  it('is removed by the id docker printed, after the run', async () => {
    const r = await startAndCleanUp(`echo "${ID}"`);
    expect(r.verdicts).toEqual({ 'start-nexus': 'passed', 'docker-login': 'passed', 'remove-nexus': 'passed' });
    expect(r.calls).toEqual(['run -d -p 8081:8081 -p 5051:5051 --name nexus sonatype/nexus3', 'login --username admin --password-stdin 127.0.0.1:1', `rm -f ${ID}`]);
  });

  it('is removed also when a later step failed', async () => {
    const r = await startAndCleanUp(`echo "${ID}"`, `echo 'Error response from daemon: unauthorized' >&2; exit 1`);
    expect(r.verdicts).toEqual({ 'start-nexus': 'passed', 'docker-login': 'failed', 'remove-nexus': 'passed' });
    expect(r.calls.at(-1)).toBe(`rm -f ${ID}`);
  });

  it('a container of the reader\'s called nexus is never removed when the start fails', async () => {
    const r = await startAndCleanUp(`echo 'docker: Error response from daemon: Conflict. The container name "/nexus" is already in use.' >&2; exit 125`);
    expect(r.verdicts['start-nexus']).toBe('failed');
    expect(r.verdicts['remove-nexus']).toBe('skipped');
    expect(r.calls.filter((c) => c.startsWith('rm'))).toEqual([]);
  });
});

/** Runs Cloudsmith's API key check with a `curl` that answers `body` (and 200 to a status-only request). */
async function apiKeyCheck(body: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cgr-cloudsmith-key-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'curl'), `#!/bin/sh\ncat > /dev/null\ncase " $* " in *" -o /dev/null "*) echo 200 ;; *) echo '${body}' ;; esac\n`);
  chmodSync(join(dir, 'curl'), 0o755);
  const guide = await getGuide('cloudsmith', undefined, ROOT);
  const handle = runPlaybook(guide, {
    path: 'developer',
    ci: true,
    only: 'api-key-works',
    values: { cloudsmithUser: 'jane', cloudsmithApiKey: 'k'.repeat(40), cloudsmithOrg: 'acme' },
    env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir },
  });
  const result = await handle.done;
  return result.steps.find((s) => s.id === 'api-key-works')!.verdict;
}

describe('Cloudsmith: the API key check', () => {
  it('passes when Cloudsmith says the key signed you in', async () => {
    expect(await apiKeyCheck('{"authenticated": true, "slug": "jane"}')).toBe('passed');
  });

  it('fails on the answer an anonymous caller gets, although its status is 200', async () => {
    expect(await apiKeyCheck('{"authenticated": false, "slug": null}')).toBe('failed');
  });
});


describe('Nexus over HTTPS with a certificate from the reader\'s own CA', () => {
  let reg: TlsRegistry;
  beforeAll(async () => {
    reg = await startTlsRegistry();
  });
  afterAll(async () => {
    await reg?.stop();
  });

  /** The pull, the address check and the pull check, with docker's certificate folder at `certsDir`. */
  async function httpsChecks(certsDir: string, env: Record<string, string> = {}): Promise<{ verdicts: Record<string, string>; reasons: Record<string, string>; output: string }> {
    const bin = mkdtempSync(join(tmpdir(), 'cgr-nexus-tls-'));
    dirs.push(bin);
    writeFileSync(join(bin, 'docker'), '#!/bin/sh\necho "Status: Downloaded newer image for $2"\n');
    chmodSync(join(bin, 'docker'), 0o755);
    const guide = await getGuide('nexus', undefined, ROOT);
    const cut = { ...guide, steps: guide.steps.filter((s) => ['proxy-port', 'pull-developer', 'pulled-developer-https'].includes(s.id)) };
    const handle = runPlaybook(cut, {
      path: 'developer',
      ci: true,
      values: { nexusScheme: 'https', nexusHost: reg.host, nexusAuth: 'false', image: 'tiny', dockerCertsDir: certsDir },
      env: { PATH: `${bin}:/usr/bin:/bin`, HOME: bin, ...env },
      probeRunner: createProbeRunner(),
      // The address check is retried 5 times, 3 s apart (the guide's retries/interval): the
      // retries still run, without their 15 s of waiting, which under load took this test past
      // its time limit.
      clock: noWaitClock,
    });
    let output = '';
    handle.subscribe((e) => {
      if (e.type === 'step-output') output += e.data;
    });
    const result = await handle.done;
    return { verdicts: Object.fromEntries(result.steps.map((s) => [s.id, s.verdict])), reasons: Object.fromEntries(result.steps.map((s) => [s.id, s.reason ?? ''])), output };
  }

  it('the checks trust the CA docker has for the registry address in its certs.d', async () => {
    const certs = join(reg.dir, 'certs.d');
    mkdirSync(join(certs, reg.host), { recursive: true });
    copyFileSync(reg.caFile, join(certs, reg.host, 'ca.crt'));
    const r = await httpsChecks(certs);
    expect(r.verdicts).toEqual({ 'proxy-port': 'passed', 'pull-developer': 'passed', 'pulled-developer-https': 'passed' });
  });

  it('without that CA the address check says the certificate is not trusted and where the CA goes', async () => {
    const empty = join(reg.dir, 'empty-certs.d');
    mkdirSync(empty, { recursive: true });
    const r = await httpsChecks(empty);
    expect(r.verdicts['proxy-port']).toBe('failed');
    expect(r.reasons['proxy-port']).toContain(`got: ${reg.host} answers over HTTPS with a certificate this machine does not tru`);
    expect(r.output).toContain(`${reg.host} answers over HTTPS with a certificate this machine does not trust; if your own authority signed it, put its CA certificate at ${empty}/${reg.host}/ca.crt`);
  });

  // Docker adds the .crt files of certs.d/<address>/ to the system's CAs ("merged with the system
  // defaults", Verify repository client with certificates; moby registry readCertsDirectory:
  // SystemCertPool, then AppendCertsFromPEM, whose failure it ignores). A registry the machine
  // already trusts therefore pulls whatever ca.crt holds: another CA, or no certificate at all.
  // curl's --cacert replaces its CAs instead, so the checks must not hand it the file alone.
  // The machine's trust is stood in for by curl's CURL_CA_BUNDLE and Node's default CAs.
  describe('a registry this machine already trusts, with an unrelated ca.crt in docker\'s folder', () => {
    machineTrustsCa(() => reg.caFile);

    /** docker's folder with `content` as the registry address's ca.crt, and the machine's trust holding the registry's CA. */
    function certsWith(name: string, content: string): { certs: string; env: Record<string, string> } {
      const certs = join(reg.dir, name);
      mkdirSync(join(certs, reg.host), { recursive: true });
      writeFileSync(join(certs, reg.host, 'ca.crt'), content);
      const bundle = join(reg.dir, 'system-bundle.pem');
      writeFileSync(bundle, readFileSync(reg.caFile));
      return { certs, env: { CURL_CA_BUNDLE: bundle } };
    }

    it('another CA\'s certificate: the checks pass, as docker pulls', async () => {
      const other = join(reg.dir, 'other-ca');
      mkdirSync(other, { recursive: true });
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'other.key', '-out', 'other.crt', '-days', '1', '-subj', '/CN=an unrelated CA'], { cwd: other, stdio: 'pipe' });
      const { certs, env } = certsWith('certs-other-ca.d', readFileSync(join(other, 'other.crt'), 'utf8'));
      const r = await httpsChecks(certs, env);
      expect(r.reasons).toEqual({ 'proxy-port': '', 'pull-developer': '', 'pulled-developer-https': '' });
      expect(r.verdicts).toEqual({ 'proxy-port': 'passed', 'pull-developer': 'passed', 'pulled-developer-https': 'passed' });
    });

    it('a file that holds no certificate: the checks pass, as docker pulls', async () => {
      const { certs, env } = certsWith('certs-junk.d', 'left over, not a certificate\n');
      const r = await httpsChecks(certs, env);
      expect(r.reasons).toEqual({ 'proxy-port': '', 'pull-developer': '', 'pulled-developer-https': '' });
      expect(r.verdicts).toEqual({ 'proxy-port': 'passed', 'pull-developer': 'passed', 'pulled-developer-https': 'passed' });
    });
  });

  it('the HTTPS pull checks read the CA file from docker\'s certificate folder', async () => {
    const guide = await getGuide('nexus', undefined, ROOT);
    for (const id of ['pulled-developer-https', 'pulled-production-https']) {
      const s = guide.steps.find((x) => x.id === id)!;
      expect(s.kind === 'verify' && s.probes.map((p) => p.caFile), id).toEqual(['{{dockerCertsDir}}/{{nexusHost}}/ca.crt']);
    }
    expect(guide.fields.find((f) => f.id === 'dockerCertsDir')).toMatchObject({ default: '/etc/docker/certs.d', group: 'advanced' });
    // Self-hosted Artifactory behind TLS has the same HTTPS pull checks.
    const artifactory = await getGuide('artifactory', undefined, ROOT);
    for (const id of ['pulled-developer', 'pulled-production']) {
      const s = artifactory.steps.find((x) => x.id === id)!;
      expect(s.kind === 'verify' && s.probes.map((p) => p.caFile), id).toEqual(['{{dockerCertsDir}}/{{artifactoryHost}}/ca.crt']);
    }
  });
});
