// The guides in content/: they validate, cover both paths, and keep the facts that matter from
// the source material (exact upstream URLs, adapter names and API keys on every "fill fields" step).
import { beforeAll, describe, expect, it } from 'vitest';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAllGuides } from '../../playbooks/guides.ts';
import { ADAPTER_NAMES } from '../../playbooks/adapters/index.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import type { FieldsStep } from '../../playbooks/model/step.ts';
import { checkFieldValue } from '../../playbooks/model/field-check.ts';
import { resolveValue } from '../../playbooks/plan/plan.ts';
import { parseReference } from '../../playbooks/oci/reference.ts';
import { readFileSync } from 'node:fs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let guides: Map<string, Guide>;

beforeAll(async () => {
  const r = await loadAllGuides(join(root, 'content'), root);
  expect(r.failed.flatMap((f) => f.diagnostics)).toEqual([]);
  guides = new Map(r.guides.map((g) => [g.meta.id, g]));
});

const fieldsSteps = (g: Guide) => g.steps.filter((s): s is FieldsStep & { paths: ('developer' | 'production')[] } => s.kind === 'fields');
const entry = (g: Guide, stepId: string, label: string) => fieldsSteps(g).find((s) => s.id === stepId)!.entries.find((e) => e.label === label)!;

describe('guides', () => {
  it('the three product guides and the lab guide are all there', () => {
    expect([...guides.keys()].sort()).toEqual(['artifactory', 'cloudsmith', 'distribution', 'nexus']);
  });

  it('every guide has a pull-token step and a troubleshooting field on the production path', () => {
    for (const g of guides.values()) {
      const token = g.steps.find((s) => s.kind === 'command' && s.run.includes('chainctl auth configure-docker --pull-token'));
      expect(token?.paths, g.meta.id).toEqual(['production']);
      expect(token?.kind === 'command' && token.captures.map((c) => [c.name, c.secret])).toEqual([
        ['identityId', false],
        ['pullToken', true],
      ]);
      expect(g.fields.some((f) => f.id === 'troubleshoot')).toBe(true);
    }
  });

  it('every "fill fields" step that names an adapter gives each line its API key', () => {
    const known = ADAPTER_NAMES;
    for (const g of guides.values()) {
      for (const s of fieldsSteps(g)) {
        if (s.apply === undefined) continue;
        expect(known).toContain(s.apply);
        const withoutApi = s.entries.filter((e) => e.api === undefined && !(s.id === 'create-repo' && e.label === 'Storage Region'));
        expect(withoutApi.map((e) => `${g.meta.id}/${s.id}: ${e.label}`)).toEqual([]);
      }
    }
  });

  it('Artifactory: remote Docker repositories on both paths, URL exactly https://cgr.dev/', () => {
    const g = guides.get('artifactory')!;
    const steps = fieldsSteps(g).filter((s) => s.apply === 'artifactory.docker-remote');
    expect(steps.map((s) => [s.id, s.paths])).toEqual([
      ['create-remote-developer', ['developer']],
      ['create-remote-production', ['production']],
    ]);
    for (const s of steps) expect(s.entries.find((e) => e.api === 'url')!.value).toBe('https://cgr.dev/');
    expect(entry(g, 'create-remote-production', 'User Name').value).toBe('{{identityId}}');
    expect(entry(g, 'create-remote-production', 'Password / Access Token').value).toBe('{{pullToken}}');
    expect(entry(g, 'create-remote-developer', 'Include Patterns').value).toBe('**/*');
  });

  it('Cloudsmith: https://cgr.dev/chainguard for public images, https://cgr.dev with credentials for private ones', () => {
    const g = guides.get('cloudsmith')!;
    expect(entry(g, 'upstream-developer', 'Proxy URL').value).toBe('https://cgr.dev/chainguard');
    expect(entry(g, 'upstream-production', 'Proxy URL').value).toBe('https://cgr.dev');
    expect(entry(g, 'upstream-production', 'Authentication').value).toBe('Username and Password');
    for (const id of ['upstream-developer', 'upstream-production']) expect(entry(g, id, 'Mode').value).toBe('Cache and Proxy');
    expect(g.fields.find((f) => f.id === 'cloudsmithApiUrl')!.default).toBe('https://api.cloudsmith.io');
    expect(g.fields.find((f) => f.id === 'cloudsmithRegistry')!.default).toBe('docker.cloudsmith.io');
  });

  it('Artifactory and Cloudsmith test the pull with a pull probe on each path', () => {
    for (const id of ['artifactory', 'cloudsmith']) {
      const g = guides.get(id)!;
      for (const path of ['developer', 'production'] as const) {
        const probes = g.steps.filter((s) => s.kind === 'verify' && s.paths.includes(path) && s.probes.some((p) => p.type === 'pull'));
        expect(probes.length, `${id} ${path}`).toBeGreaterThan(0);
      }
    }
  });

  const field = (g: Guide, id: string) => g.fields.find((f) => f.id === id)!;
  const stepById = (g: Guide, id: string) => g.steps.find((s) => s.id === id)!;
  const onPath = (g: Guide, path: 'developer' | 'production') => g.steps.filter((s) => s.paths.includes(path));
  const text = (s: Guide['steps'][number]) => JSON.stringify(s);

  it('Artifactory: one repository key per path, cgr-public and cgr-private, never mixed', () => {
    const g = guides.get('artifactory')!;
    expect(g.fields.some((f) => f.id === 'repoKey')).toBe(false);
    expect([field(g, 'publicRepoKey').default, field(g, 'publicRepoKey').path]).toEqual(['cgr-public', 'developer']);
    expect([field(g, 'privateRepoKey').default, field(g, 'privateRepoKey').path]).toEqual(['cgr-private', 'production']);
    expect(entry(g, 'create-remote-developer', 'Repository Key').value).toBe('{{publicRepoKey}}');
    expect(entry(g, 'create-remote-production', 'Repository Key').value).toBe('{{privateRepoKey}}');
    // The pull token goes on the private repository only; no developer step names the private key and vice versa.
    for (const s of onPath(g, 'developer')) expect(text(s), s.id).not.toContain('privateRepoKey');
    for (const s of onPath(g, 'production')) expect(text(s), s.id).not.toContain('publicRepoKey');
    expect(stepById(g, 'pull-developer').kind === 'command' && stepById(g, 'pull-developer')).toMatchObject({ run: expect.stringContaining('{{artifactoryHost}}/{{publicRepoKey}}/chainguard/{{image}}') });
    expect(stepById(g, 'pull-production')).toMatchObject({ run: expect.stringContaining('{{artifactoryHost}}/{{privateRepoKey}}/{{cgOrg}}/{{image}}') });
  });

  it('Artifactory: the access token comes from the profile, before any repository exists', () => {
    const g = guides.get('artifactory')!;
    const ids = g.steps.map((s) => s.id);
    expect(ids.indexOf('access-token')).toBeLessThan(ids.indexOf('create-remote-developer'));
    const s = stepById(g, 'access-token');
    expect(s.kind === 'manual' && s.description).toMatch(/Edit Profile[\s\S]*Generate an Identity Token/);
    expect(s.kind === 'manual' && s.description).toMatch(/once the repository exists/);
  });

  it('Cloudsmith: the seed repository name, today\'s UI labels, exact mode values', () => {
    const g = guides.get('cloudsmith')!;
    expect(field(g, 'cloudsmithRepo').default).toBe('chainguard-public');
    // The pull address takes the repository's identifier (slug): lowercase letters, digits, - and _ (Cloudsmith's "Create a Repository").
    for (const ok of ['chainguard-public', 'chainguard_private', 'cg']) expect(checkFieldValue(field(g, 'cloudsmithRepo'), ok).ok, ok).toBe(true);
    for (const bad of ['Chainguard Public', 'Chainguard-Public', 'chainguard.public', 'c']) expect(checkFieldValue(field(g, 'cloudsmithRepo'), bad).ok, bad).toBe(false);
    for (const id of ['upstream-developer', 'upstream-production']) {
      const s = fieldsSteps(g).find((x) => x.id === id)!;
      expect(s.screen).toContain('Upstreams/Sources › Add upstream');
      expect(['Proxy Only', 'Cache and Proxy']).toContain(entry(g, id, 'Mode').value);
      expect(entry(g, id, 'Proxy URL').note).toMatch(/formerly Upstream URL/);
    }
    expect(stepById(g, 'pull-developer')).toMatchObject({ run: expect.stringMatching(/\{\{cloudsmithRegistry\}\}\/\{\{cloudsmithOrg\}\}\/\{\{cloudsmithRepo\}\}\/\{\{image\}\}$/m) });
    expect(stepById(g, 'pull-production')).toMatchObject({ run: expect.stringContaining('{{cloudsmithRepo}}/{{cgOrg}}/{{image}}') });
  });

  it('Cloudsmith: the Create Repository step names only what Cloudsmith\'s docs show', () => {
    // docs.cloudsmith.com/repositories/create-a-repository ("Via the Website UI"): the Repositories
    // overview's "New repository" button opens the "Create a new Repository" form; name the
    // repository, press "Create Repository", and it is private (name and type can be changed
    // later under Settings). The form's name field has no documented label, so the step does not
    // name one. Custom Storage Regions: a "Storage Region" drop-down, Dublin, Ireland by default.
    const g = guides.get('cloudsmith')!;
    const s = fieldsSteps(g).find((x) => x.id === 'create-repo')!;
    expect(s.screen).toBe('Repositories › New repository');
    const block = /<Fields id="create-repo"[\s\S]*?<\/Fields>/.exec(readFileSync(join(root, 'content', 'cloudsmith.mdx'), 'utf8'))![0];
    expect(block).toMatch(/\*\*New repository\*\*[\s\S]*\*\*Create a new Repository\*\*[\s\S]*\*\*Create Repository\*\*[\s\S]*private/);
    expect(block).toContain('(https://docs.cloudsmith.com/repositories/create-a-repository)');
    expect(block).toContain('(https://docs.cloudsmith.com/repositories/custom-storage-regions)');
    // The seed's 2024 names only as former ones.
    expect(block).toMatch(/\*\*New repository\*\* \(formerly \*\*\+ Create Repository\*\*\)/);
    expect(s.entries.map((e) => [e.label, e.api])).toEqual([
      ["The repository's name", 'name'],
      ['Storage Region', undefined],
    ]);
    expect(entry(g, 'create-repo', 'Storage Region').note).toMatch(/Dublin, Ireland/);
  });

  it('Cloudsmith: the three upstream checks read the list the same short way, every page of it', () => {
    const g = guides.get('cloudsmith')!;
    const runs = ['upstream-url-developer', 'upstream-url-production', 'upstream-active'].map((id) => { const s = stepById(g, id); return s.kind === 'verify' ? (s.run ?? '').trim() : ''; });
    expect(new Set(runs).size).toBe(1);
    expect(runs[0]!.split('\n').length).toBeLessThanOrEqual(5);
    expect(runs[0]).toMatch(/^# .*X-Pagination-PageTotal/);
  });

  it('Nexus: HTTPS or insecure-registries, with the steps and checks of each and a verify that says which answers', () => {
    const g = guides.get('nexus')!;
    expect(field(g, 'nexusScheme')).toMatchObject({ type: 'enum', options: ['http', 'https'], default: 'http' });
    const cond = (id: string) => stepById(g, id).when;
    expect(cond('tls-front')).toBe('nexusScheme == https');
    expect(cond('insecure-registry')).toBe('nexusScheme == http');
    expect(cond('insecure-listed')).toBe('nexusScheme == http');
    expect(text(stepById(g, 'insecure-registry'))).toContain('insecure-registries');
    expect(text(stepById(g, 'insecure-registry'))).toContain('/etc/docker/daemon.json');
    expect(text(stepById(g, 'tls-front'))).toMatch(/reverse proxy[\s\S]*HTTPS connector/);
    const port = stepById(g, 'proxy-port');
    expect(port.kind === 'verify' && port.run).toMatch(/https:\/\/\{\{nexusHost\}\}\/v2\/[\s\S]*http:\/\/\{\{nexusHost\}\}\/v2\//);
    expect(port.kind === 'verify' && port.checks).toEqual([expect.objectContaining({ type: 'contains', text: 'registry answers over: {{nexusScheme}}' })]);
    // The pull probes speak plain HTTP only on the http branch.
    for (const path of ['developer', 'production']) {
      const http = stepById(g, `pulled-${path}`);
      const https = stepById(g, `pulled-${path}-https`);
      expect([http.when, http.kind === 'verify' && http.probes[0]!.insecure]).toEqual(['nexusScheme == http', true]);
      expect([https.when, https.kind === 'verify' && https.probes[0]!.insecure]).toEqual(['nexusScheme == https', false]);
    }
  });

  it('Distribution: the Production path takes its pull token from chainctl, or from the test lab when useLab is on (never both)', () => {
    const g = guides.get('distribution')!;
    expect(field(g, 'useLab')).toMatchObject({ type: 'boolean', default: 'false', group: 'advanced' });
    expect(['chainctl-login', 'create-pull-token', 'lab-pull-token'].map((id) => [id, stepById(g, id).when, stepById(g, id).paths])).toEqual([
      ['chainctl-login', '!useLab', ['production']],
      ['create-pull-token', '!useLab', ['production']],
      ['lab-pull-token', 'useLab', ['production']],
    ]);
    const lab = stepById(g, 'lab-pull-token');
    expect(lab.kind === 'command' && [lab.run.trim(), lab.captures.map((c) => [c.name, c.secret])]).toEqual(['cgr-playbook lab token --org {{cgOrg}}', [['identityId', false], ['pullToken', true]]]);
    expect(lab.title).toMatch(/^Advanced \/ testing: /);
  });

  it('Nexus and Distribution: images are pulled at <address>/chainguard/<image> and <address>/<organization>/<image>', () => {
    for (const [id, host] of [['nexus', '{{nexusHost}}'], ['distribution', '{{listen}}']] as const) {
      const g = guides.get(id)!;
      const run = (sid: string) => { const s = stepById(g, sid); return [s.paths, s.kind === 'command' ? s.run.trim() : '']; };
      expect(run('pull-developer'), id).toEqual([['developer'], `docker pull ${host}/chainguard/{{image}}`]);
      expect(run('pull-production'), id).toEqual([['production'], `docker pull ${host}/{{cgOrg}}/{{image}}`]);
    }
    expect(entry(guides.get('nexus')!, 'create-proxy', 'Remote storage').value).toBe('https://cgr.dev/');
  });

  it('Nexus: anonymous pulls are switched on when asked for; the realm is explained as what they need', () => {
    const g = guides.get('nexus')!;
    const anon = fieldsSteps(g).find((s) => s.id === 'anonymous-pull')!;
    expect(anon.when).toBe('!nexusAuth');
    expect(anon.entries.map((e) => e.label)).toEqual(['Allow anonymous users to access the server', 'Allow anonymous docker pull']);
    // The pull checks log in only when Nexus requires a login: with anonymous pulls they need no password.
    for (const id of ['pulled-developer', 'pulled-developer-https', 'pulled-production', 'pulled-production-https']) {
      const s = stepById(g, id);
      expect(s.kind === 'verify' && s.probes.map((p) => [p.username, p.password, p.credentialsWhen]), id).toEqual([['{{nexusUser}}', '{{nexusPassword}}', 'nexusAuth']]);
    }
    expect(field(g, 'nexusPassword').help).not.toMatch(/also when anonymous/);
    const realm = fieldsSteps(g).find((s) => s.id === 'docker-realm')!;
    expect(realm.description).toMatch(/anonymous pulls/);
    expect(realm.description).not.toMatch(/sign in with bearer tokens/);
  });

  it('troubleshooting never logs the reader in to cgr.dev: the direct pulls are upstream probes', () => {
    for (const g of guides.values()) {
      for (const s of g.steps) {
        if (s.kind === 'command' || s.kind === 'verify') expect(s.run ?? '', `${g.meta.id}/${s.id}`).not.toMatch(/docker login[^\n|]*cgr\.dev/);
      }
      const direct = stepById(g, 'upstream-direct');
      expect(direct.kind === 'verify' && direct.probes.map((p) => [p.type, p.image]), g.meta.id).toEqual([['upstream', 'cgr.dev/{{cgOrg}}/{{image}}']]);
      if (g.meta.id !== 'distribution') {
        const pub = stepById(g, 'upstream-public');
        expect(pub.kind === 'verify' && pub.probes.map((p) => [p.type, p.image]), g.meta.id).toEqual([['upstream', 'cgr.dev/chainguard/{{image}}']]);
      }
    }
  });

  it('images may carry a tag or a digest, through the field, the probes and the commands', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    for (const g of guides.values()) {
      const f = field(g, 'image');
      for (const ok of ['wolfi-base', 'python:3.9-dev', `wolfi-base@${digest}`, 'chainguard-private/nginx:1.27']) expect(checkFieldValue(f, ok), `${g.meta.id} ${ok}`).toMatchObject({ ok: true });
      for (const bad of ['Wolfi', 'wolfi-base:', 'wolfi-base@sha256:abc', 'a b']) expect(checkFieldValue(f, bad).ok, `${g.meta.id} ${bad}`).toBe(false);
      for (const s of g.steps) {
        if (s.kind === 'verify') for (const p of s.probes) expect(p.image, `${g.meta.id}/${s.id}`).toMatch(/\/\{\{image\}\}$/);
        if (s.kind === 'command') expect(s.run, `${g.meta.id}/${s.id}`).not.toMatch(/\{\{image\}\}:/);
      }
      // A tagged image reaches the probe as that tag; a bare one means latest.
      const pull = g.steps.find((s) => s.kind === 'verify' && s.paths.includes('developer') && s.probes.some((p) => p.type === 'pull'))!;
      const tpl = pull.kind === 'verify' ? pull.probes[0]!.image : '';
      const values = { nexusHost: 'nexus.example.com:5051', artifactoryHost: 'a.jfrog.io', publicRepoKey: 'cgr-public', cloudsmithRegistry: 'docker.cloudsmith.io', cloudsmithOrg: 'acme', cloudsmithRepo: 'chainguard-public', listen: '127.0.0.1:5000' };
      expect(parseReference(resolveValue(g, tpl, { ...values, image: 'python:3.9-dev' }).value)).toMatchObject({ tag: '3.9-dev' });
      expect(parseReference(resolveValue(g, tpl, { ...values, image: `wolfi-base@${digest}` }).value)).toMatchObject({ digest });
      expect(parseReference(resolveValue(g, tpl, { ...values, image: 'wolfi-base' }).value)).toMatchObject({ tag: 'latest' });
    }
  });

  it('the HTTPS branches say where Docker Desktop (macOS, Windows) takes a CA from, with Docker\'s own pages', () => {
    // Docker's FAQs for Docker Desktop: "How do I add TLS certificates?" (Mac: the keychain,
    // `security add-trusted-cert`, ~/.docker/certs.d copied into the VM at start, restart after a
    // change) and "How do I add custom CA certificates?" (Windows: the certificate store's Trusted
    // Root / Intermediate Certification Authorities).
    const mac = 'https://docs.docker.com/desktop/troubleshoot-and-support/faqs/macfaqs/#how-do-i-add-tls-certificates';
    const win = 'https://docs.docker.com/desktop/troubleshoot-and-support/faqs/windowsfaqs/#how-do-i-add-custom-ca-certificates';
    const nexus = readFileSync(join(root, 'content', 'nexus.mdx'), 'utf8');
    const artifactory = readFileSync(join(root, 'content', 'artifactory.mdx'), 'utf8');
    const branches = {
      'nexus tls-front': /<Manual id="tls-front"[\s\S]*?<\/Manual>/.exec(nexus)![0],
      'artifactory before you start': /## Before you start[\s\S]*?\n<Verify/.exec(artifactory)![0],
    };
    for (const [where, block] of Object.entries(branches)) {
      expect(block, where).toContain(mac);
      expect(block, where).toContain(win);
      expect(block, where).toMatch(/keychain[\s\S]*security add-trusted-cert -d -r trustRoot -k ~\/Library\/Keychains\/login\.keychain/);
      expect(block, where).toMatch(/Trusted Root Certification Authorities/);
      expect(block, where).toMatch(/~\/\.docker\/certs\.d\/<registry address>\/ca\.crt/);
      expect(block, where).toMatch(/[Rr]estart\s+Docker\s+Desktop/);
      expect(block, where).toMatch(/\*\*Docker's certificate folder\*\*/);
    }
    for (const g of ['nexus', 'artifactory']) expect(field(guides.get(g)!, 'dockerCertsDir').help, g).toMatch(/Docker Desktop[\s\S]*\.docker\/certs\.d/);
  });

  it('test-lab settings (and docker\'s certificate folder) sit in the advanced group, with defaults a reader keeps', () => {
    const lab = ['plainHttp', 'upstreamUrl', 'cloudsmithApiUrl', 'useLab', 'dockerCertsDir'];
    for (const g of guides.values()) {
      for (const f of g.fields) {
        if (lab.includes(f.id)) expect([g.meta.id, f.id, f.group], 'advanced').toEqual([g.meta.id, f.id, 'advanced']);
        else expect([g.meta.id, f.id, f.group]).toEqual([g.meta.id, f.id, 'main']);
      }
    }
    expect(field(guides.get('cloudsmith')!, 'cloudsmithApiUrl').default).toBe('https://api.cloudsmith.io');
    expect(field(guides.get('nexus')!, 'upstreamUrl').default).toBe('https://cgr.dev');
    expect(field(guides.get('nexus')!, 'dockerCertsDir').default).toBe('/etc/docker/certs.d');
  });

  it('prose reads as documentation: no runner or test internals outside the terminal asides; no unsourced claims', () => {
    for (const g of guides.values()) {
      const raw = readFileSync(join(root, 'content', `${g.meta.id}.mdx`), 'utf8');
      // Only an aside meant for terminal readers (its title says so) may name what a terminal
      // reader types; every other aside is reader prose like the rest.
      const terminal = (a: string) => /^<Aside[^>]*title="[^"]*from a terminal[^"]*"/.test(a);
      const prose = raw.replace(/<Aside[\s\S]*?<\/Aside>/g, (a) => (terminal(a) ? '' : a)).replace(/<Field [\s\S]*?\/>/g, (f) => (/group="advanced"/.test(f) ? '' : f));
      for (const leak of [/\bthe runner\b/i, /\bemulator/i, /CI proves/, /\bCGR_[A-Z_]+/, /\bthe probe\b/i, /\bwith 403\b/]) expect(prose, `${g.meta.id}: ${leak}`).not.toMatch(leak);
      for (const claim of [/8760h/, /drops any path/, /Invalid username\/password/]) expect(raw, `${g.meta.id}: ${claim}`).not.toMatch(claim);
      // A terminal aside is worded for its reader: it names the command, and each variable it names
      // is one of the guide's values, with the way to set it that keeps a secret off the command line.
      for (const a of (raw.match(/<Aside[\s\S]*?<\/Aside>/g) ?? []).filter(terminal)) {
        expect(a, g.meta.id).toContain(`\`cgr-playbook run ${g.meta.id}\``);
        for (const v of new Set(a.match(/\bCGR_[A-Z_]+/g) ?? [])) {
          const f = g.fields.find((x) => x.envVar === v);
          expect(f?.envVar, `${g.meta.id}: ${v} is no value of the guide`).toBe(v);
          if (f?.secret) expect(a, `${g.meta.id}: ${v}`).toContain(`\`read -rs ${v} && export ${v}\``);
        }
      }
      // chainctl: the seed's command and the current one.
      const org = field(g, 'cgOrg').help ?? '';
      expect(org, g.meta.id).toContain('chainctl iam organizations list');
      expect(org, g.meta.id).toContain('chainctl iam groups list');
    }
  });

  it('every guide carries the seeds\' links as absolute links, chainctl install and network requirements included', () => {
    for (const g of guides.values()) {
      const raw = readFileSync(join(root, 'content', `${g.meta.id}.mdx`), 'utf8');
      expect(raw, g.meta.id).not.toMatch(/\]\(\//);
      for (const url of ['https://edu.chainguard.dev/chainguard/administration/network-requirements/', 'https://edu.chainguard.dev/chainguard/administration/how-to-install-chainctl/', 'https://edu.chainguard.dev/chainguard/chainguard-registry/overview/', 'https://docs.docker.com/engine/install/']) {
        expect(raw, `${g.meta.id}: ${url}`).toContain(url);
      }
    }
    expect(readFileSync(join(root, 'content', 'nexus.mdx'), 'utf8')).toContain('https://help.sonatype.com/en/sonatype-nexus-repository.html');
    expect(readFileSync(join(root, 'content', 'artifactory.mdx'), 'utf8')).toContain('https://jfrog.com/help/r/jfrog-artifactory-documentation');
    expect(readFileSync(join(root, 'content', 'cloudsmith.mdx'), 'utf8')).toContain('https://help.cloudsmith.io/docs/welcome-to-cloudsmith-docs');
    const seedLinks: Record<string, string[]> = {
      nexus: ['https://www.sonatype.com/products/sonatype-nexus-repository', 'https://www.sonatype.com/products/sonatype-nexus-oss-download', 'https://github.com/sonatype/docker-nexus3', 'https://edu.chainguard.dev/chainguard/chainguard-images/overview/'],
      artifactory: ['https://jfrog.com/artifactory/', 'https://www.chainguard.dev/contact?utm_source=docs', 'https://jfrog.com/help/r/artifactory-cleanup-best-practices/clearing-an-oversized-cache', 'https://edu.chainguard.dev/chainguard/chainguard-images/overview/'],
      cloudsmith: ['https://cloudsmith.com/', 'https://cloudsmith.io/user/login/', 'https://help.cloudsmith.io/docs/upstream-proxying-caching', 'https://edu.chainguard.dev/chainguard/chainguard-images/overview/'],
    };
    for (const [id, urls] of Object.entries(seedLinks)) for (const url of urls) expect(readFileSync(join(root, 'content', `${id}.mdx`), 'utf8'), `${id}: ${url}`).toContain(url);
    // Every pull-token step says how long the token lasts and where chainctl documents it.
    for (const g of guides.values()) {
      const raw = readFileSync(join(root, 'content', `${g.meta.id}.mdx`), 'utf8');
      const block = /<Command id="create-pull-token"[\s\S]*?<\/Command>/.exec(raw)![0];
      expect(block, g.meta.id).toMatch(/30 days[\s\S]*--ttl[\s\S]*\(https:\/\/edu\.chainguard\.dev\/chainguard\/chainctl\/chainctl-docs\/chainctl_auth_pull-token\/\)/);
    }
  });

  it('every check and probe says in plain words what success looks like', () => {
    for (const g of guides.values()) {
      for (const s of g.steps) {
        if (s.kind !== 'verify') continue;
        for (const c of [...s.checks, ...s.probes]) expect(c.success, `${g.meta.id}/${s.id}`).toMatch(/^[A-Z{a-z]/);
      }
    }
  });

  it('whatever a guide starts, a cleanup step that runs after a failure stops it', () => {
    for (const g of guides.values()) {
      g.steps.forEach((s, i) => {
        if (s.kind !== 'command' || !/\bsetsid\b|docker run -d/.test(s.run)) return;
        const cleanup = g.steps.slice(i + 1).filter((c) => c.kind === 'command' && c.always && c.paths.some((p) => s.paths.includes(p)));
        expect(cleanup.map((c) => c.id), `${g.meta.id}/${s.id}`).not.toEqual([]);
      });
    }
    expect(stepById(guides.get('distribution')!, 'stop-cache')).toMatchObject({ always: true });
    expect(stepById(guides.get('nexus')!, 'remove-nexus')).toMatchObject({ always: true, when: 'runLocalNexus' });
  });

  it('each pull check fetches exactly the image the reader pulled on that path', () => {
    for (const g of guides.values()) {
      for (const path of ['developer', 'production'] as const) {
        const pull = stepById(g, `pull-${path}`);
        const address = pull.kind === 'command' ? /docker pull (\S+)/.exec(pull.run)![1] : '';
        const probes = g.steps.filter((s) => s.kind === 'verify' && s.paths.includes(path)).flatMap((s) => (s.kind === 'verify' ? s.probes.filter((p) => p.type === 'pull') : []));
        expect(probes.length, `${g.meta.id} ${path}`).toBeGreaterThan(0);
        for (const p of probes) expect(p.image, `${g.meta.id} ${path}`).toBe(address);
      }
    }
    expect(field(guides.get('nexus')!, 'repoName').default).toBe('chainguard');
  });

  it('Artifactory and Cloudsmith: the pull checks use TLS unless the advanced plain-HTTP switch is on', () => {
    for (const id of ['artifactory', 'cloudsmith']) {
      const g = guides.get(id)!;
      for (const path of ['developer', 'production']) {
        const tls = stepById(g, `pulled-${path}`);
        const plain = stepById(g, `pulled-${path}-http`);
        expect([tls.when, tls.kind === 'verify' && tls.probes.every((p) => !p.insecure)], `${id} ${path}`).toEqual(['!plainHttp', true]);
        expect([plain.when, plain.kind === 'verify' && plain.probes.every((p) => p.insecure)], `${id} ${path}`).toEqual(['plainHttp', true]);
      }
    }
  });

  it('side effects on the reader\'s machine are said where they happen', () => {
    // docker login keeps (and replaces) the stored login for the address.
    for (const g of guides.values()) {
      const login = g.steps.find((s) => s.id === 'docker-login');
      if (login) expect(login.kind === 'command' && login.description, g.meta.id).toMatch(/replacing any it had[\s\S]*docker logout/);
    }
    // The throwaway Nexus: its clean-up removes the container the start step printed, never one by name.
    const nexus = guides.get('nexus')!;
    const start = stepById(nexus, 'start-nexus');
    const remove = stepById(nexus, 'remove-nexus');
    expect(start.kind === 'command' && start.captures.map((c) => c.name)).toEqual(['nexusContainer']);
    expect(remove.kind === 'command' && remove.run.trim()).toBe('docker rm -f {{nexusContainer}}');
    // Distribution: the default cache folder needs preparing for a non-root reader; podman needs the cache marked insecure.
    const dist = readFileSync(join(root, 'content', 'distribution.mdx'), 'utf8');
    expect(dist).toContain('sudo install -d -o "$(id -un)" /var/lib/cgr-cache');
    expect(dist).toMatch(/registries\.conf[\s\S]*insecure = true/);
    expect(field(guides.get('distribution')!, 'cacheDir').help).toMatch(/not as root/);
  });
});
