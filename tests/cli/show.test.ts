// `cgr-playbook show`: the whole guide for each path (prose, values, steps), values filled in, secrets masked;
// bad input is exit 2 with a one-line reason naming the valid choices.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, repoRoot } from './memory-io.ts';
import { loadAllGuides } from '../../playbooks/guides.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import type { DescribedPlan } from '../../playbooks/plan/describe.ts';
import { inlineText } from '../../playbooks/model/doc.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

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
        expect(heads.map((l) => /\(([a-z0-9-]+)\)(?:  · cleanup: runs even after a failure)?(?:  — skipped: .*)?$/.exec(l)![1])).toEqual(steps.map((s) => s.id));
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
      "nexus developer: 1.c:start-nexus(skip) 2.v:nexus-up 3.f:accept-eula(skip) 4.f:create-proxy 5.f:docker-realm 6.f:anonymous-pull(skip) 7.m:tls-front(skip) 8.m:insecure-registry 9.v:proxy-port 10.v:insecure-listed 11.c:docker-login 12.c:pull-developer 13.v:pulled-developer 14.v:pulled-developer-https(skip) 15.v:cgr-reachable(skip) 16.v:remote-url(skip) 17.v:upstream-public(skip) 18.c:remove-nexus(skip)
      nexus production: 1.c:start-nexus(skip) 2.v:nexus-up 3.m:chainctl-login 4.c:create-pull-token 5.f:accept-eula(skip) 6.f:create-proxy 7.f:set-auth 8.f:docker-realm 9.f:anonymous-pull(skip) 10.m:tls-front(skip) 11.m:insecure-registry 12.v:proxy-port 13.v:insecure-listed 14.c:docker-login 15.c:pull-production 16.v:pulled-production 17.v:pulled-production-https(skip) 18.v:cgr-reachable(skip) 19.v:remote-url(skip) 20.v:upstream-direct(skip) 21.c:remove-nexus(skip)
      artifactory developer: 1.v:artifactory-up 2.m:access-token 3.v:token-works 4.f:create-remote-developer 5.v:remote-url 6.c:docker-login 7.c:pull-developer 8.v:pulled-developer 9.v:pulled-developer-http(skip) 10.v:cgr-reachable(skip) 11.v:upstream-public(skip) 12.v:remote-settings(skip)
      artifactory production: 1.v:artifactory-up 2.m:access-token 3.v:token-works 4.m:chainctl-login 5.c:find-org(skip) 6.c:create-pull-token 7.f:create-remote-production 8.v:remote-url-production 9.c:docker-login 10.c:pull-production 11.v:pulled-production 12.v:pulled-production-http(skip) 13.v:cgr-reachable(skip) 14.v:upstream-direct(skip) 15.v:remote-settings-production(skip)
      cloudsmith developer: 1.m:api-key 2.v:api-key-works 3.f:create-repo 4.v:repo-exists 5.f:upstream-developer 6.v:upstream-url-developer 7.c:docker-login 8.c:pull-developer 9.v:pulled-developer 10.v:pulled-developer-http(skip) 11.v:cgr-reachable(skip) 12.v:upstream-public(skip) 13.v:upstream-active(skip)
      cloudsmith production: 1.m:api-key 2.v:api-key-works 3.f:create-repo 4.v:repo-exists 5.m:chainctl-login 6.c:create-pull-token 7.f:upstream-production 8.v:upstream-url-production 9.c:docker-login 10.c:pull-production 11.v:pulled-production 12.v:pulled-production-http(skip) 13.v:cgr-reachable(skip) 14.v:upstream-direct(skip) 15.v:upstream-active(skip)
      distribution developer: 1.v:registry-installed 2.v:docker-works 3.v:upstream-answers 4.c:write-config 5.c:start-cache 6.v:cache-answers 7.c:pull-developer 8.v:pulled-developer 9.v:cached-developer 10.v:registry-log(skip) 11.c:stop-cache
      distribution production: 1.v:registry-installed 2.v:docker-works 3.v:upstream-answers 4.m:chainctl-login 5.c:create-pull-token 6.c:lab-pull-token(skip) 7.c:write-config 8.c:start-cache-auth 9.v:cache-answers 10.c:pull-production 11.v:pulled-production 12.v:cached-production 13.v:upstream-direct(skip) 14.v:registry-log(skip) 15.c:stop-cache"
    `);
  });

  it('golden: cloudsmith, production path, the whole guide as text and as Markdown', async () => {
    const g = guides.find((x) => x.meta.id === 'cloudsmith')!;
    const args = ['show', 'cloudsmith', '--path', 'production', ...sampleSets(g), '--set', 'troubleshoot=yes'];
    const text = await cli(args);
    expect(text.code).toBe(0);
    await expect(text.stdout).toMatchFileSnapshot('golden/cloudsmith.production.txt');
    const md = await cli([...args, '--format', 'markdown']);
    expect(md.code).toBe(0);
    await expect(md.stdout).toMatchFileSnapshot('golden/cloudsmith.production.md');
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
      "cgr-playbook show: unknown field "nexusPort" in --set; valid fields of nexus: nexusUrl, repoName, repoPort, nexusHost, nexusScheme, nexusAuth, nexusUser, nexusPassword, image, cgOrg, runLocalNexus, acceptEula, troubleshoot, upstreamUrl, dockerCertsDir
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
        hint: type it into \`read -rs CGR_ARTIFACTORY_TOKEN && export CGR_ARTIFACTORY_TOKEN\` (not echoed, kept out of shell history), put it in a --values file, or let the runner prompt for it
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
        hint: fields of nexus: nexusUrl, repoName, repoPort, nexusHost, nexusScheme, nexusAuth, nexusUser, nexusPassword, image, cgOrg, runLocalNexus, acceptEula, troubleshoot, upstreamUrl, dockerCertsDir
      "
    `);
  });
});

const PROSE = join(repoRoot, 'tests/fixtures/show/prose.mdx');

describe('show: the whole guide for one path, in reading order', () => {
  for (const path of PATHS) {
    it(`golden: every kind of prose block, ${path} path, text and Markdown`, async () => {
      const text = await cli(['show', PROSE, '--path', path, '--set', 'host=localhost:5000']);
      expect(text.stderr).toBe('');
      await expect(text.stdout).toMatchFileSnapshot(`golden/prose.${path}.txt`);
      const md = await cli(['show', PROSE, '--path', path, '--format', 'markdown']);
      expect(md.stderr).toBe('');
      await expect(md.stdout).toMatchFileSnapshot(`golden/prose.${path}.md`);
    });
  }

  it('--json carries the same content: the prose in reading order with the steps and fields where they sit', async () => {
    const r = await cli(['show', PROSE, '--path', 'production', '--set', 'host=localhost:5000', '--json']);
    const plan = JSON.parse(r.stdout) as DescribedPlan;
    const kinds = plan.body.map((b) => (b.kind === 'step' || b.kind === 'field' ? `${b.kind}:${b.id}` : b.kind));
    expect(kinds).toEqual(['paragraph', 'heading', 'field:host', 'field:image', 'field:mirror', 'field:token', 'field:cgOrg', 'heading', 'paragraph', 'list', 'table', 'aside', 'step:create-token', 'heading', 'paragraph', 'step:settings', 'heading', 'step:pull', 'step:pulled', 'step:intact', 'step:tidy', 'heading', 'step:prod-only']);
    // Every step of the path sits in the body once, in plan order.
    expect(plan.body.flatMap((b) => (b.kind === 'step' ? [b.id] : []))).toEqual(plan.steps.map((s) => s.id));
    // <Value id="host"/> carries its value; prose in a step travels with the step.
    const start = plan.body[8]!;
    expect(start.kind === 'paragraph' && start.text).toEqual([{ t: 'text', v: 'Your cache answers on ' }, { t: 'value', id: 'host', value: 'localhost:5000' }, { t: 'text', v: '. Before you start:' }]);
    const token = plan.body.find((b) => b.kind === 'step' && b.id === 'create-token')!;
    expect(token.kind === 'step' && token.blocks.map((b) => b.kind)).toEqual(['paragraph', 'code']);
    expect(plan.steps.find((s) => s.id === 'pulled')!.done).toEqual(['The command succeeds', 'docker reports the image pulled or up to date']);
    expect(plan.steps.find((s) => s.id === 'tidy')!.always).toBe(true);
  });

  it('every guide and path: each heading and every step\'s own prose is shown, before the step\'s command', async () => {
    for (const g of guides) {
      for (const path of PATHS) {
        const r = await cli(['show', g.meta.id, '--path', path, ...sampleSets(g)]);
        expect(r.code).toBe(0);
        const plan = JSON.parse((await cli(['show', g.meta.id, '--path', path, '--json', ...sampleSets(g)])).stdout) as DescribedPlan;
        // A link reads "text (https://…)": the address is left out when comparing with the plain description.
        // Inline code keeps its backticks in the output; the description has none.
        const flat = r.stdout.replace(/\s+/g, ' ').replace(/ \(https?:\/\/[^) ]*\)/g, '').replaceAll('`', '');
        for (const b of plan.body) if (b.kind === 'heading') expect(r.stdout, `${g.meta.id} ${path}`).toContain(inlineText(b.text));
        for (const s of plan.steps) {
          const words = s.description.replace(/<[a-zA-Z]+>/g, ' ').split(/\s+/).filter((w) => w.length > 3).slice(0, 6);
          for (const w of words) expect(flat, `${g.meta.id} ${path} ${s.id}`).toContain(w);
        }
      }
    }
  });

  it('says where a value comes from before a step uses it (cloudsmith: the identity id)', async () => {
    const g = guides.find((x) => x.meta.id === 'cloudsmith')!;
    const r = await cli(['show', 'cloudsmith', '--path', 'production', ...sampleSets(g)]);
    const use = r.stdout.indexOf('<identityId>');
    expect(use).toBeGreaterThan(0);
    expect(r.stdout.slice(0, use)).toMatch(/identity id/);
  });

  it('never prints a control character from a value to the terminal, nor into Markdown: such a value is refused, naming the field', async () => {
    for (const evil of ['wolfi\u001b]0;owned\u0007\u001b[2Jbase', 'wolfi\u202ebase']) {
      for (const format of ['text', 'markdown']) {
        const r = await cli(['show', PROSE, '--path', 'developer', '--set', `image=${evil}`, '--format', format]);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/invalid value for image .*expected no control characters, got U\+(001B \(escape\)|202E \(right-to-left override\))/);
        expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
      }
    }
  });

  it('inline code keeps its backticks in text, so a command in a sentence reads as one', async () => {
    const r = await cli(['show', PROSE, '--path', 'production', '--set', 'host=localhost:5000']);
    expect(r.stdout).toContain('- You can reach `cgr.dev`:');
    const g = guides.find((x) => x.meta.id === 'nexus')!;
    const nexus = await cli(['show', 'nexus', '--path', 'production', ...sampleSets(g)]);
    expect(nexus.stdout.replace(/\s+/g, ' ')).toContain('Run `chainctl auth login` in a terminal');
  });

  it('a Markdown table of a guide is a table: aligned columns in text, a table in Markdown, cells in --json', async () => {
    const text = await cli(['show', PROSE, '--path', 'developer']);
    expect(text.stdout).toContain(['Port  Used by', '────  ───────────────────────', '5000  the cache', '443   `cgr.dev`, the upstream'].map((l) => `  ${l}`.trimEnd()).join('\n'));
    const md = await cli(['show', PROSE, '--path', 'developer', '--format', 'markdown']);
    expect(md.stdout).toContain('| Port | Used by |\n| --- | --- |\n| 5000 | the cache |\n| 443 | `cgr.dev`, the upstream |');
    const plan = JSON.parse((await cli(['show', PROSE, '--path', 'developer', '--json'])).stdout) as DescribedPlan;
    const table = plan.body.find((b) => b.kind === 'table');
    expect(table?.kind === 'table' && table.rows.map((r) => r.map((c) => inlineText(c)))).toEqual([['Port', 'Used by'], ['5000', 'the cache'], ['443', 'cgr.dev, the upstream']]);
  });

  it('--format markdown: a value is one code span wherever it stands: a pipe stays in its table cell, a multi-line value adds no row, heading or paragraph', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgr-show-md-'));
    try {
      const file = join(dir, 'values.mdx');
      writeFileSync(
        file,
        '---\nid: values\ntitle: Values\nproduct: bash\nsummary: x.\n---\n\n<Field id="pat" label="Pattern" />\n<Field id="cert" label="CA" multiline />\n\n' +
          '<Fields id="set" title="Set it">\n  <Set label="Include" value="{{pat}}" />\n  <Set label="CA" value="{{cert}}" />\n</Fields>\n\n| Setting | Value |\n| --- | --- |\n| CA | <Value id="cert" /> |\n\nThe value <Value id="cert" /> here.\n',
      );
      const r = await cli(['show', file, '--format', 'markdown', '--set', 'pat=a|b', '--set', 'cert=one\n| injected | row |\n\n# Injected heading']);
      expect(r.code).toBe(0);
      const tree = fromMarkdown(r.stdout, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
      type N = { type: string; depth?: number; value?: string; children?: N[] };
      const all = (n: N): N[] => [n, ...(n.children ?? []).flatMap(all)];
      const nodes = all(tree as N);
      expect(nodes.filter((n) => n.type === 'heading').map((n) => n.depth)).toEqual([1, 2]); // the title and the step
      const tables = nodes.filter((n) => n.type === 'table');
      expect(tables).toHaveLength(2);
      for (const t of tables) for (const row of t.children!) expect(row.children).toHaveLength(2);
      expect(tables.map((t) => t.children!.length)).toEqual([3, 2]);
      const codes = nodes.filter((n) => n.type === 'inlineCode').map((n) => n.value);
      expect(codes).toContain('a|b');
      expect(codes.filter((c) => c?.startsWith('one'))).toEqual(Array(4).fill('one ⏎ | injected | row | ⏎  ⏎ # Injected heading'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--format markdown: prose that only looks like block syntax (an escaped #, >, - or 1.) stays text of its paragraph, and an aside title with a line break stays its title', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgr-show-md-'));
    try {
      const file = join(dir, 'prose.mdx');
      writeFileSync(
        file,
        '---\nid: prose\ntitle: Prose\nproduct: bash\nsummary: x.\n---\n\nA line\n\\# not a heading\n\\> not a quote\n\\- not a list\n1\\. not a list either\n\\=\\=\\=\n\n' +
          '<Aside type="note" title="Two\n# lines">\n  Body.\n</Aside>\n\n<Command id="a" title="A">\n  ```sh\n  echo hi\n  ```\n</Command>\n',
      );
      const r = await cli(['show', file, '--format', 'markdown']);
      expect(r.code).toBe(0);
      const tree = fromMarkdown(r.stdout, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
      type N = { type: string; depth?: number; value?: string; children?: N[] };
      const all = (n: N): N[] => [n, ...(n.children ?? []).flatMap(all)];
      const nodes = all(tree as N);
      expect(nodes.filter((n) => ['heading', 'list', 'blockquote'].includes(n.type)).map((n) => `${n.type}${n.depth ?? ''}`)).toEqual(['heading1', 'blockquote', 'heading2']);
      const para = nodes.find((n) => n.type === 'paragraph' && n.children?.some((c) => c.value?.includes('A line')));
      expect(para?.children?.map((c) => c.value).join('')).toBe('A line # not a heading > not a quote - not a list 1. not a list either ===');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('advanced fields come last among the values, in an "Advanced / testing" block', async () => {
    for (const format of ['text', 'markdown']) {
      const r = await cli(['show', PROSE, '--path', 'production', '--format', format]);
      const at = (s: string) => r.stdout.indexOf(s);
      const id = (x: string) => (format === 'text' ? `(${x})` : `(\`${x}\`)`);
      expect(at('Advanced / testing'), format).toBeGreaterThan(at(id('cgOrg')));
      expect(at(id('mirror')), format).toBeGreaterThan(at('Advanced / testing'));
      expect(at(id('mirror')), format).toBeLessThan(at('Start'));
      expect(r.stdout.split('Advanced / testing').length, format).toBe(2);
    }
    for (const g of guides) {
      const r = await cli(['show', g.meta.id, '--path', 'production', ...sampleSets(g)]);
      const advanced = g.fields.filter((f) => f.group === 'advanced');
      const block = r.stdout.slice(r.stdout.indexOf('Advanced / testing'), r.stdout.indexOf('Before you start'));
      for (const f of g.fields.filter((x) => x.path !== 'developer')) expect(block.includes(`(${f.id})`), `${g.meta.id} ${f.id}`).toBe(advanced.includes(f));
    }
  });

  it('a check is shown by its success statement, never by its regular expression (which stays in --json)', async () => {
    for (const g of guides) {
      for (const path of PATHS) {
        const patterns = g.steps.flatMap((s) => (s.kind === 'verify' && s.paths.includes(path) ? s.checks.flatMap((c) => (c.type === 'regex' ? [c.pattern] : [])) : []));
        for (const format of ['text', 'markdown']) {
          const r = await cli(['show', g.meta.id, '--path', path, '--format', format, ...sampleSets(g)]);
          for (const p of patterns) expect(r.stdout, `${g.meta.id} ${path} ${format}`).not.toContain(format === 'markdown' ? p.replace(/[\\`*_[\]<>|]/g, '\\$&') : p);
        }
      }
    }
  });

  it('an unknown format is a usage error', async () => {
    const r = await cli(['show', 'nexus', '--format', 'html']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cgr-playbook show: unknown format "html"; valid formats: text, json, markdown\n');
  });
});

describe('a guide given as a file', () => {
  it('is read relative to the working folder the command was given, not the process', async () => {
    const r = await cli(['show', '../runner/fail.mdx', '--path', 'developer'], { cwd: join(repoRoot, 'tests/fixtures/broken') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('A guide whose second step fails');
  });
});
