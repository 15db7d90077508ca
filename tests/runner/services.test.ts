// Fields steps through a FieldsApplier, probes through a ProbeRunner, manual steps and prompts
// through a Prompter: the runner's side of the contracts in playbooks/contracts.ts. The appliers
// and probe runners here are small recorders standing in for the adapters and the OCI prober,
// which have their own tests.
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../playbooks/runner/run.ts';
import type { FieldsApplier, ProbeRunner, ResolvedFieldsStep, ResolvedProbe } from '../../playbooks/contracts.ts';
import type { Prompter } from '../../playbooks/runner/types.ts';
import { getDefaultServices, setDefaultServices } from '../../playbooks/runner/services.ts';
import { join } from 'node:path';
import { collect, fixture, outputOf, ROOT } from './helpers.ts';
import { getGuide } from '../../playbooks/guides.ts';
import { formatReference, parseReference, referenceTarget } from '../../playbooks/oci/reference.ts';

const PASSWORD = 'admin-Pa55word-xyz';

function applier(opts: { done: boolean }): FieldsApplier & { applied: ResolvedFieldsStep[]; checked: number } {
  const a = {
    applied: [] as ResolvedFieldsStep[],
    checked: 0,
    canApply: (step: { apply?: string }) => step.apply === 'demo.repo',
    async check() {
      a.checked++;
      return opts.done ? { ok: true, summary: 'repository chainguard exists with these settings' } : { ok: false, summary: 'no repository chainguard' };
    },
    async apply(step: ResolvedFieldsStep) {
      a.applied.push(step);
      return { changed: true, summary: `created repository ${step.entries[0]!.value}` };
    },
  };
  return a;
}

function probes(ok: boolean): ProbeRunner & { seen: ResolvedProbe[] } {
  const seen: ResolvedProbe[] = [];
  return {
    seen,
    async run(p) {
      seen.push(p);
      return ok
        ? { ok: true, summary: `pulled ${p.image}: 3 blobs, digests match` }
        : { ok: false, summary: `pull of ${p.image} failed: 404 MANIFEST_UNKNOWN`, diagnosis: { code: 'MANIFEST_UNKNOWN', cause: 'the proxy cannot sign in to the upstream', fix: 'check the pull token' } };
    },
  };
}

function scripted(answers: { fields?: Record<string, string[]>; confirms?: boolean[]; choose?: string }): Prompter & { asked: string[]; errors: string[] } {
  const asked: string[] = [];
  const errors: string[] = [];
  return {
    asked,
    errors,
    async askField(field, { error }) {
      asked.push(field.id);
      if (error) errors.push(`${field.id}: ${error}`);
      const list = answers.fields?.[field.id];
      if (!list?.length) throw new Error(`no answer for ${field.id}`);
      return list.shift()!;
    },
    async confirm(message) {
      asked.push(`confirm: ${message}`);
      return answers.confirms?.shift() ?? true;
    },
    async choose(_m, choices) {
      asked.push('choose');
      return (answers.choose ?? choices[0]!.value) as never;
    },
  };
}

const values = { adminPassword: PASSWORD, flavour: 'plain' };

describe('fields applier', () => {
  it('--apply: check() says not done -> apply() with resolved values (secrets in clear, in memory)', async () => {
    const guide = await fixture('services');
    const a = applier({ done: false });
    const r = await runPlaybook(guide, { path: 'developer', ci: true, apply: true, only: 'create-repo', values, fieldsApplier: a }).done;
    expect(r.steps[0]).toMatchObject({ id: 'create-repo', verdict: 'passed', reason: 'applied: created repository chainguard' });
    expect(a.checked).toBe(1);
    expect(a.applied[0]!.entries).toEqual([
      { label: 'Name', value: 'chainguard', api: 'name' },
      { label: 'Password', value: PASSWORD, api: 'auth.password' },
    ]);
    expect(a.applied[0]!.path).toBe('developer');
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
  });

  it('--apply: check() says done -> skipped "already done", nothing applied', async () => {
    const guide = await fixture('services');
    const a = applier({ done: true });
    const r = await runPlaybook(guide, { path: 'developer', ci: true, apply: true, only: 'create-repo', values, fieldsApplier: a }).done;
    expect(r.steps[0]).toMatchObject({ verdict: 'skipped', reason: 'already done: repository chainguard exists with these settings' });
    expect(a.applied).toEqual([]);
  });

  it('without --apply in CI: the entries are shown (secrets masked) and the step is skipped with the reason', async () => {
    const guide = await fixture('services');
    const handle = runPlaybook(guide, { path: 'developer', ci: true, only: 'create-repo', values, fieldsApplier: applier({ done: false }) });
    const events = collect(handle);
    const r = await handle.done;
    expect(r.steps[0]).toMatchObject({ verdict: 'skipped', reason: `CI mode: enter these in the product's UI, or use --apply (adapter "demo.repo")` });
    const out = outputOf(events);
    expect(out).toContain('In Admin › Repositories › chainguard:');
    expect(out).toContain('Name      chainguard');
    expect(out).not.toContain(PASSWORD);
  });

  it('interactive: the entries are shown and the operator confirms', async () => {
    const guide = await fixture('services');
    const p = scripted({ confirms: [true] });
    const r = await runPlaybook(guide, { path: 'developer', only: 'create-repo', values, prompter: p }).done;
    expect(r.steps[0]).toMatchObject({ verdict: 'passed', reason: 'confirmed by the operator' });
    expect(p.asked).toEqual(['confirm: Entered these in the screen above? Continue']);
  });
});

describe('probes', () => {
  it('without a probe runner a probe fails with a clear reason', async () => {
    const guide = await fixture('services');
    const r = await runPlaybook(guide, { path: 'developer', ci: true, only: 'pull-works', values }).done;
    expect(r.steps[1]!.verdict).toBe('failed');
    expect(r.steps[1]!.reason).toBe('no probe runner is available to pull localhost:5000/chainguard/wolfi-base:latest: manifest and every layer download and match their digests');
  });

  it('a probe runner gets the resolved probe; its failure carries the diagnosis', async () => {
    const guide = await fixture('services');
    const ok = probes(true);
    const r1 = await runPlaybook(guide, { path: 'developer', ci: true, only: 'pull-works', values, probeRunner: ok }).done;
    expect(r1.steps[1]!.verdict).toBe('passed');
    expect(ok.seen[0]).toEqual({ type: 'pull', image: 'localhost:5000/chainguard/wolfi-base:latest', password: PASSWORD, insecure: true });
    const bad = await runPlaybook(guide, { path: 'developer', ci: true, only: 'pull-works', values, probeRunner: probes(false) }).done;
    // The reader's statement of success first, then what came back with the diagnosis; the probe itself is the detail.
    expect(bad.steps[1]!.reason).toBe('expected: The image comes through the registry intact; got: pull of localhost:5000/chainguard/wolfi-base:latest failed: 404 MANIFEST_UNKNOWN — the proxy cannot sign in to the upstream; fix: check the pull token');
    expect(bad.steps[1]!.detail).toBe('pull localhost:5000/chainguard/wolfi-base:latest: manifest and every layer download and match their digests');
  });
});

describe('probe images written as {{host}}/chainguard/{{image}}', () => {
  it('resolve to a reference with the value\'s tag, or :latest without one', async () => {
    const guide = await getGuide(join(ROOT, 'tests/fixtures/show/prose.mdx'), undefined, ROOT);
    const targets: string[] = [];
    const probeRunner = {
      async run(p: ResolvedProbe) {
        const ref = parseReference(p.image);
        targets.push(`${ref.repository} ${referenceTarget(ref)}`);
        return { ok: true, summary: `pulled ${formatReference(ref)}` };
      },
    };
    for (const image of ['wolfi-base', 'python:3.12-dev', `static@sha256:${'0f'.repeat(32)}`]) {
      const r = await runPlaybook(guide, { path: 'developer', ci: true, only: 'intact', values: { host: 'localhost:5000', image }, probeRunner }).done;
      expect(r.steps.find((s) => s.id === 'intact')!.verdict).toBe('passed');
    }
    expect(targets).toEqual(['chainguard/wolfi-base latest', 'chainguard/python 3.12-dev', `chainguard/static sha256:${'0f'.repeat(32)}`]);
  });
});

describe('prompts', () => {
  it('asks the path, missing values (re-prompting an invalid enum), and a manual step\'s provided value', async () => {
    const guide = await fixture('services');
    const p = scripted({ fields: { adminPassword: ['pw-123456'], flavour: ['spicy', 'fancy'], apiKey: ['key-abcdef'] }, confirms: [true] });
    const handle = runPlaybook(guide, { prompter: p, from: 'get-key' });
    const events = collect(handle);
    const r = await handle.done;
    expect(r.path).toBe('developer');
    expect(p.asked).toEqual(['choose', 'adminPassword', 'flavour', 'flavour', 'confirm: Copied the API key?', 'apiKey']);
    expect(p.errors).toEqual(['flavour: expected one of plain, fancy, got "spicy"']);
    expect(r.steps.map((s) => `${s.id}:${s.verdict}`)).toEqual(['create-repo:skipped', 'pull-works:skipped', 'get-key:passed', 'show-flavour:passed']);
    expect(outputOf(events, 'show-flavour')).toContain('flavour=fancy');
    expect(events.filter((e) => e.type === 'prompt').length).toBe(6);
  });

  it('CI mode never prompts, even with a prompter', async () => {
    const guide = await fixture('services');
    const p = scripted({});
    const r = await runPlaybook(guide, { path: 'developer', ci: true, prompter: p }).done;
    expect(r.exitCode).toBe(2);
    expect(r.error?.missing?.map((m) => m.id)).toEqual(['adminPassword', 'flavour']);
    expect(p.asked).toEqual([]);
  });
});

describe('default services registry', () => {
  it('merges and removes services', () => {
    const before = getDefaultServices();
    const pr = probes(true);
    setDefaultServices({ probeRunner: pr });
    expect(getDefaultServices().probeRunner).toBe(pr);
    setDefaultServices({ probeRunner: undefined });
    expect(getDefaultServices().probeRunner).toBeUndefined();
    setDefaultServices(before);
  });
});
