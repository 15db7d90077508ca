// `cgr-playbook show`: the resolved plan of each guide and path, values filled in, secrets masked;
// bad input is exit 2 with a one-line reason naming the valid choices.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, repoRoot } from './memory-io.ts';
import { loadAllGuides } from '../../playbooks/guides.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import type { DescribedPlan } from '../../playbooks/plan/describe.ts';

let guides: Guide[];
beforeAll(async () => {
  const r = await loadAllGuides(join(repoRoot, 'content'), repoRoot);
  expect(r.failed).toEqual([]);
  guides = r.guides;
});

/** --set for every non-secret field with a sample value (its example, else its default). */
function sampleSets(g: Guide): string[] {
  return g.fields.filter((f) => !f.secret && (f.example ?? f.default) !== undefined).flatMap((f) => ['--set', `${f.id}=${f.example ?? f.default}`]);
}

const PATHS = ['developer', 'production'] as const;
const GUIDE_IDS = ['nexus', 'artifactory', 'cloudsmith', 'distribution'];

describe('show, every guide and path with sample values', () => {
  for (const id of GUIDE_IDS) {
    for (const path of PATHS) {
      it(`${id} --path ${path}`, async () => {
        const g = guides.find((x) => x.meta.id === id)!;
        const r = await cli(['show', id, '--path', path, ...sampleSets(g)]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        // Every step of the path, numbered in order, with its id.
        const steps = g.steps.filter((s) => s.paths.includes(path));
        const heads = r.stdout.split('\n').filter((l) => /^\s*\d+\. \[/.test(l));
        expect(heads.map((l) => /\(([a-z0-9-]+)\)(?:  — skipped: .*)?$/.exec(l)![1])).toEqual(steps.map((s) => s.id));
        expect(heads.map((l) => Number(/^\s*(\d+)\./.exec(l)![1]))).toEqual(steps.map((_, i) => i + 1));
        // No template syntax left; every sample value that a step uses shows up.
        expect(r.stdout).not.toContain('{{');
        // Secret fields are never given a value: they show as their environment variable.
        for (const f of g.fields.filter((x) => x.secret && (x.path === 'both' || x.path === path))) expect(r.stdout).toContain(`<from $${f.envVar}>`);
      });

      it(`${id} --path ${path} --json`, async () => {
        const g = guides.find((x) => x.meta.id === id)!;
        const r = await cli(['show', id, '--path', path, '--json', ...sampleSets(g)]);
        expect(r.code).toBe(0);
        const plan = JSON.parse(r.stdout) as DescribedPlan;
        expect(plan.guide.id).toBe(id);
        expect(plan.path).toBe(path);
        for (const f of plan.fields) {
          expect(typeof f.id).toBe('string');
          expect(typeof f.type).toBe('string');
          expect(typeof f.secret).toBe('boolean');
          if (f.secret) expect(f).not.toHaveProperty('value');
        }
        expect(plan.steps.map((s) => s.id)).toEqual(g.steps.filter((s) => s.paths.includes(path)).map((s) => s.id));
        for (const s of plan.steps) {
          expect(['fields', 'command', 'verify', 'manual']).toContain(s.kind);
          expect(typeof s.text).toBe('string');
          expect(s.text).not.toContain('{{');
        }
      });
    }
  }

  it('golden: the steps of each guide and path (number, kind, id, skipped)', async () => {
    const out: string[] = [];
    for (const id of GUIDE_IDS) {
      for (const path of PATHS) {
        const g = guides.find((x) => x.meta.id === id)!;
        const plan = JSON.parse((await cli(['show', id, '--path', path, '--json', ...sampleSets(g)])).stdout) as DescribedPlan;
        out.push(`${id} ${path}: ${plan.steps.map((s) => `${s.number}.${s.kind[0]}:${s.id}${s.skipped ? '(skip)' : ''}`).join(' ')}`);
      }
    }
    expect(out.join('\n')).toMatchInlineSnapshot(`
      "nexus developer: 1.c:start-nexus(skip) 2.v:nexus-up 3.f:accept-eula(skip) 4.f:create-proxy 5.f:docker-realm 6.v:proxy-port 7.c:docker-login 8.c:pull-developer 9.v:pulled-developer 10.v:cgr-reachable(skip) 11.v:remote-url(skip)
      nexus production: 1.c:start-nexus(skip) 2.v:nexus-up 3.m:chainctl-login 4.c:create-pull-token 5.f:accept-eula(skip) 6.f:create-proxy 7.f:set-auth 8.f:docker-realm 9.v:proxy-port 10.c:docker-login 11.c:pull-production 12.v:pulled-production 13.v:cgr-reachable(skip) 14.v:remote-url(skip) 15.v:upstream-direct(skip)
      artifactory developer: 1.v:artifactory-up 2.m:access-token 3.v:token-works 4.f:create-remote-developer 5.v:remote-url 6.c:docker-login 7.c:pull-developer 8.v:pulled-developer 9.v:pulled-developer-http(skip) 10.v:cgr-reachable(skip) 11.v:upstream-public(skip) 12.v:remote-settings(skip)
      artifactory production: 1.v:artifactory-up 2.m:access-token 3.v:token-works 4.m:chainctl-login 5.c:find-org(skip) 6.c:create-pull-token 7.f:create-remote-production 8.v:remote-url 9.c:docker-login 10.c:pull-production 11.v:pulled-production 12.v:pulled-production-http(skip) 13.v:cgr-reachable(skip) 14.v:upstream-direct(skip) 15.v:remote-settings(skip)
      cloudsmith developer: 1.m:api-key 2.v:api-key-works 3.f:create-repo 4.v:repo-exists 5.f:upstream-developer 6.v:upstream-url-developer 7.c:docker-login 8.c:pull-developer 9.v:pulled-developer 10.v:pulled-developer-http(skip) 11.v:cgr-reachable(skip) 12.v:upstream-public(skip) 13.v:upstream-active(skip)
      cloudsmith production: 1.m:api-key 2.v:api-key-works 3.f:create-repo 4.v:repo-exists 5.m:chainctl-login 6.c:create-pull-token 7.f:upstream-production 8.v:upstream-url-production 9.c:docker-login 10.c:pull-production 11.v:pulled-production 12.v:pulled-production-http(skip) 13.v:cgr-reachable(skip) 14.v:upstream-direct(skip) 15.v:upstream-active(skip)
      distribution developer: 1.v:registry-installed 2.v:upstream-answers 3.c:write-config 4.c:start-cache 5.v:cache-answers 6.c:pull-developer 7.v:pulled-developer 8.v:cached-developer 9.v:registry-log(skip) 10.c:stop-cache
      distribution production: 1.v:registry-installed 2.v:upstream-answers 3.m:chainctl-login 4.c:create-pull-token 5.c:write-config 6.c:start-cache-auth 7.v:cache-answers 8.c:pull-production 9.v:pulled-production 10.v:cached-production 11.v:upstream-direct(skip) 12.v:registry-log(skip) 13.c:stop-cache"
    `);
  });

  it('golden: cloudsmith, production path, full text', async () => {
    const g = guides.find((x) => x.meta.id === 'cloudsmith')!;
    const r = await cli(['show', 'cloudsmith', '--path', 'production', ...sampleSets(g), '--set', 'troubleshoot=yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchInlineSnapshot(`
      "Cloudsmith as a pull-through cache for cgr.dev
      path: production — Production images

      Values:
        cloudsmithApiUrl   https://api.cloudsmith.io
        cloudsmithUser     jane-doe
        cloudsmithApiKey   <from $CGR_CLOUDSMITH_API_KEY>
        cloudsmithOrg      chainguard-example
        cloudsmithRepo     chainguard
        cloudsmithRegistry docker.cloudsmith.io
        image              wolfi-base
        cgOrg              chainguard.edu
        plainHttp          false
        upstreamUrl        https://cgr.dev
        troubleshoot       true

       1. [manual] Copy your Cloudsmith API key  (api-key)
            Sign in to the Cloudsmith web app, open the menu under your username in the top-right corner and choose API Settings. The API Key field holds a 40-character string: it works for the API and as the password of docker login. Give it to the runner as the Cloudsmith API key value (environment variable CGR_CLOUDSMITH_API_KEY). The runner keeps it in memory only; the docker login step stores Docker's own copy in its credential store, as every docker login does.

       2. [verify] The API key is accepted  (api-key-works)
            $ printf 'X-Api-Key: %s\\n' "$CGR_CLOUDSMITH_API_KEY" | curl -sS -o /dev/null -w '%{http_code}\\n' -H @- https://api.cloudsmith.io/v1/user/self/
            check: output matches /^200\\s*$/

       3. [fields] Create a repository  (create-repo)
            in: Repositories › + Create Repository
            Name             chainguard   (any name; chainguard-public or chainguard-private read well)
            Storage Region   the region closest to you   (for example Oregon, United States)
            Repository Type  Private   (Public and Open-Source also work; Private keeps pulls behind a login)

       4. [verify] The repository exists  (repo-exists)
            $ printf 'X-Api-Key: %s\\n' "$CGR_CLOUDSMITH_API_KEY" | curl -sS -o /dev/null -w '%{http_code}\\n' -H @- https://api.cloudsmith.io/v1/repos/chainguard-example/chainguard/
            check: output matches /^200\\s*$/

       5. [manual] Sign in to chainctl  (chainctl-login)
            Run chainctl auth login and complete the sign-in in your browser, with an account allowed to create pull tokens in chainguard.edu.

       6. [command] Create a pull token for the organization  (create-pull-token)
            $ chainctl auth configure-docker --pull-token --parent chainguard.edu

       7. [fields] Create a Docker upstream that signs in with the pull token  (upstream-production)
            in: chainguard › Upstream Proxying › ➕ Create Upstream › Docker
            Name                     Chainguard Production Upstream   (any descriptive name)
            Priority                 1   (use 2 if the repository also has the public upstream)
            Upstream URL             https://cgr.dev   (the registry root; any other URL fails, and the organization goes in the pull address)
            Mode                     Cache and Proxy
            Verify SSL Certificates  checked
            Method                   Username and Password   (in the Authentication section)
            Username                 <identityId>   (the pull token's identity id)
            Password                 ••••••••   (the pull token's password)

       8. [verify] An upstream points at https://cgr.dev with credentials  (upstream-url-production)
            $ printf 'X-Api-Key: %s\\n' "$CGR_CLOUDSMITH_API_KEY" | curl -sS -H @- https://api.cloudsmith.io/v1/repos/chainguard-example/chainguard/upstream/docker/
            check: output matches /"upstream_url" *: *"https://cgr\\.dev/?"/
            check: output matches /"auth_mode" *: *"Username and Password"/

       9. [command] Log in to the Cloudsmith registry  (docker-login)
            $ printf '%s\\n' "$CGR_CLOUDSMITH_API_KEY" | docker login --username jane-doe --password-stdin docker.cloudsmith.io

      10. [command] Pull a Production image through Cloudsmith  (pull-production)
            $ docker pull docker.cloudsmith.io/chainguard-example/chainguard/chainguard.edu/wolfi-base

      11. [verify] Every layer came through Cloudsmith intact  (pulled-production)
            check: pull docker.cloudsmith.io/chainguard-example/chainguard/chainguard.edu/wolfi-base:latest: manifest and every layer download and match their digests

      12. [verify] Every layer came through Cloudsmith intact (plain HTTP)  (pulled-production-http)  — skipped: condition not met: plainHttp
            check: pull docker.cloudsmith.io/chainguard-example/chainguard/chainguard.edu/wolfi-base:latest: manifest and every layer download and match their digests

      13. [verify] This machine reaches cgr.dev over HTTPS  (cgr-reachable)
            $ curl -sS -o /dev/null -w '%{http_code}\\n' https://cgr.dev/v2/
            check: output matches /^(200|401)\\s*$/

      14. [verify] The pull token works against cgr.dev directly  (upstream-direct)
            check: pull cgr.dev/chainguard.edu/wolfi-base:latest straight from the upstream with the same credentials

      15. [verify] The upstream is active and verifies TLS  (upstream-active)
            $ printf 'X-Api-Key: %s\\n' "$CGR_CLOUDSMITH_API_KEY" | curl -sS -H @- https://api.cloudsmith.io/v1/repos/chainguard-example/chainguard/upstream/docker/
            check: output matches /"is_active" *: *true/
            check: output matches /"verify_ssl" *: *true/

      "
    `);
  });

  it('values needing quotes are quoted in commands so they paste as one word', async () => {
    const r = await cli(['show', 'distribution', '--set', 'upstreamUrl=https://cgr.dev', '--set', 'cacheDir=/var/lib/cgr-cache', '--set', "image=wolfi-base"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('docker pull 127.0.0.1:5000/chainguard/wolfi-base');
  });

  it('the default path is developer', async () => {
    const r = await cli(['show', 'nexus', '--json']);
    expect((JSON.parse(r.stdout) as DescribedPlan).path).toBe('developer');
  });
});

describe('show, bad input: exit 2, one line with the valid choices', () => {
  /** Exit 2, nothing on stdout, one line of reason and at most one hint line. */
  async function usageError(argv: string[]): Promise<string> {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [first, ...rest] = r.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^cgr-playbook show: /);
    expect(rest.every((l) => l.startsWith('  hint: '))).toBe(true);
    expect(rest.length).toBeLessThanOrEqual(1);
    return r.stderr;
  }

  it('unknown guide', async () => {
    expect(await usageError(['show', 'harbor'])).toMatchInlineSnapshot(`
      "cgr-playbook show: unknown guide "harbor"; valid guides: artifactory, cloudsmith, distribution, nexus
        hint: run \`cgr-playbook list\`
      "
    `);
  });

  it('unknown field', async () => {
    expect(await usageError(['show', 'nexus', '--set', 'nexusPort=8081'])).toMatchInlineSnapshot(`
      "cgr-playbook show: unknown field "nexusPort" in --set; valid fields of nexus: nexusUrl, repoName, repoPort, nexusHost, nexusAuth, nexusUser, nexusPassword, image, cgOrg, runLocalNexus, acceptEula, troubleshoot
      "
    `);
  });

  it('invalid value', async () => {
    expect(await usageError(['show', 'nexus', '--set', 'repoPort=99999'])).toMatchInlineSnapshot(`
      "cgr-playbook show: invalid value for repoPort (Repository port): expected a port number between 1 and 65535, got "99999"
      "
    `);
  });

  it('invalid boolean', async () => {
    expect(await usageError(['show', 'nexus', '--set', 'nexusAuth=maybe'])).toMatchInlineSnapshot(`
      "cgr-playbook show: invalid value for nexusAuth (Nexus requires a login): expected true or false, got "maybe"
      "
    `);
  });

  it('invalid host', async () => {
    expect(await usageError(['show', 'cloudsmith', '--set', 'cloudsmithRegistry=https://docker.cloudsmith.io/'])).toMatchInlineSnapshot(`
      "cgr-playbook show: invalid value for cloudsmithRegistry (Cloudsmith registry address): expected a host name with an optional port, such as registry.example.com:5051 (no scheme, no path), got "https://docker.cloudsmith.io/"
      "
    `);
  });

  it('unknown path', async () => {
    expect(await usageError(['show', 'nexus', '--path', 'staging'])).toMatchInlineSnapshot(`
      "cgr-playbook show: unknown path "staging"; valid paths: developer, production
      "
    `);
  });

  it('secret on the command line', async () => {
    expect(await usageError(['show', 'artifactory', '--set', 'artifactoryToken=abc'])).toMatchInlineSnapshot(`
      "cgr-playbook show: field "artifactoryToken" is a secret and cannot be given with --set (command lines show up in ps and shell history)
        hint: export CGR_ARTIFACTORY_TOKEN=..., put it in a --values file, or let the runner prompt for it
      "
    `);
  });

  it('no guide', async () => {
    expect(await usageError(['show'])).toMatchInlineSnapshot(`
      "cgr-playbook show: show takes one guide id
        hint: e.g. cgr-playbook show nexus --path production
      "
    `);
  });

  it('--set without =', async () => {
    expect(await usageError(['show', 'nexus', '--set', 'repoPort'])).toMatchInlineSnapshot(`
      "cgr-playbook show: --set expects id=value, got "repoPort"
        hint: fields of nexus: nexusUrl, repoName, repoPort, nexusHost, nexusAuth, nexusUser, nexusPassword, image, cgOrg, runLocalNexus, acceptEula, troubleshoot
      "
    `);
  });
});
