// The guides in content/: they validate, cover both paths, and keep the facts that matter from
// the source material (exact upstream URLs, adapter names and API keys on every "fill fields" step).
import { beforeAll, describe, expect, it } from 'vitest';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAllGuides } from '../../playbooks/guides.ts';
import { ADAPTER_NAMES } from '../../playbooks/adapters/index.ts';
import type { Guide } from '../../playbooks/model/guide.ts';
import type { FieldsStep } from '../../playbooks/model/step.ts';

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
    expect(entry(g, 'upstream-developer', 'Upstream URL').value).toBe('https://cgr.dev/chainguard');
    expect(entry(g, 'upstream-production', 'Upstream URL').value).toBe('https://cgr.dev');
    expect(entry(g, 'upstream-production', 'Method').value).toBe('Username and Password');
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
});
