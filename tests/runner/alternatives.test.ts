// Two steps on conditions that cannot both hold may capture the same value (the one that runs
// provides it), and a probe's credentials may depend on a condition (`credentialsWhen`): when it
// does not hold the probe pulls anonymously and needs no password.
import { describe, expect, it } from 'vitest';
import { runPlaybook } from '../../playbooks/runner/run.ts';
import type { ProbeRunner, ResolvedProbe } from '../../playbooks/contracts.ts';
import { collect, fixture, outputOf } from './helpers.ts';

function recorder(): ProbeRunner & { seen: ResolvedProbe[] } {
  const seen: ResolvedProbe[] = [];
  return { seen, run: async (p) => (seen.push(p), { ok: true, summary: `pulled ${p.image}` }) };
}

describe('alternative steps that capture the same value', () => {
  for (const useLab of ['false', 'true']) {
    it(`useLab=${useLab}: the step whose condition holds runs and provides the value to the later step`, async () => {
      const guide = await fixture('alternatives');
      const handle = runPlaybook(guide, { path: 'developer', ci: true, only: undefined, values: { useLab, needsLogin: 'false' }, probeRunner: recorder() });
      const events = collect(handle);
      const r = await handle.done;
      expect(r.status, JSON.stringify(r.steps)).toBe('passed');
      const verdicts = Object.fromEntries(r.steps.map((s) => [s.id, s.verdict]));
      expect(verdicts).toMatchObject(useLab === 'true' ? { 'token-real': 'skipped', 'token-lab': 'passed' } : { 'token-real': 'passed', 'token-lab': 'skipped' });
      expect(outputOf(events, 'use-token')).toContain(useLab === 'true' ? 'using lab-2' : 'using real-1');
    });
  }
});

describe('probe credentials on a condition (credentialsWhen)', () => {
  it('condition false: the probe pulls anonymously, and no password is asked for or needed', async () => {
    const guide = await fixture('alternatives');
    const probes = recorder();
    const r = await runPlaybook(guide, { path: 'developer', ci: true, only: 'pulled', values: { needsLogin: 'false' }, probeRunner: probes }).done;
    expect(r.steps.find((s) => s.id === 'pulled')).toMatchObject({ verdict: 'passed' });
    expect(probes.seen).toHaveLength(1);
    expect(probes.seen[0]).not.toHaveProperty('username');
    expect(probes.seen[0]).not.toHaveProperty('password');
  });

  it('condition true: the probe sends the credentials; without the password it fails naming it', async () => {
    const guide = await fixture('alternatives');
    const probes = recorder();
    const ok = await runPlaybook(guide, { path: 'developer', ci: true, only: 'pulled', values: { needsLogin: 'true', password: 'pw-123456' }, probeRunner: probes }).done;
    expect(ok.status).toBe('passed');
    expect(probes.seen[0]).toMatchObject({ username: 'admin', password: 'pw-123456' });
    const missing = await runPlaybook(guide, { path: 'developer', ci: true, only: 'pulled', values: { needsLogin: 'true' }, probeRunner: recorder() }).done;
    expect(missing.steps.find((s) => s.id === 'pulled')).toMatchObject({ verdict: 'failed', reason: expect.stringContaining('password') });
  });
});
