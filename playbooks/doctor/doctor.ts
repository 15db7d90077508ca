// `cgr-playbook doctor`: the guides' "when a pull fails" sections as checks. Reachability of
// cgr.dev and Chainguard's other hosts (DNS, TCP, TLS); the repository manager's settings read
// back through its API and checked against the guide's rules (URL exactly https://cgr.dev/, ...);
// a direct pull from the upstream with the same credentials; a pull through the cache. Every
// failing check names the likely cause and the fix. No secret reaches the report.
import type { FieldsApplier, ProbeRunner, ResolvedProbe } from '../contracts.ts';
import type { Guide } from '../model/guide.ts';
import type { PathId } from '../model/props.ts';
import type { FieldsStep } from '../model/step.ts';
import { stepsForPath } from '../plan/plan.ts';
import { resolveFieldsStep } from '../adapters/resolve.ts';
import { createFieldsApplier } from '../adapters/index.ts';
import { createProbeRunner } from '../probes/index.ts';
import { createMasker } from '../mask/masker.ts';
import { CHAINGUARD_HOSTS, checkHost, parseHostTarget } from './network.ts';
import { cachePullTarget, upstreamImage } from './targets.ts';
import type { DoctorCheck, DoctorReport } from './types.ts';

export interface DoctorOptions {
  path: PathId;
  /** Field values and captures by name (identityId, pullToken for Production). Secrets in clear: memory only. */
  values: Readonly<Record<string, string | undefined>>;
  /** Hosts to check instead of Chainguard's list: "cgr.dev", "host:port", "https://h:p" (TLS) or "tcp://h:p" (TCP only). */
  hosts?: string[];
  /** Upstream registry for the direct pull (default https://cgr.dev). */
  upstream?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  applier?: FieldsApplier;
  probeRunner?: ProbeRunner;
}

function applicableFieldsSteps(guide: Guide, path: PathId, values: Readonly<Record<string, string | undefined>>): FieldsStep[] {
  return stepsForPath(guide, path, values)
    .filter((p) => !p.skipReason && p.step.kind === 'fields' && p.step.apply !== undefined)
    .map((p) => p.step as FieldsStep);
}

export async function runDoctor(guide: Guide, opts: DoctorOptions): Promise<DoctorReport> {
  const signal = opts.signal ?? AbortSignal.timeout(120_000);
  const timeoutMs = opts.timeoutMs ?? 8000;
  const applier = opts.applier ?? createFieldsApplier({ timeoutMs });
  const probes = opts.probeRunner ?? createProbeRunner({ timeoutMs });
  const secretIds = new Set([...guide.fields.filter((f) => f.secret).map((f) => f.id), ...guide.steps.flatMap((s) => (s.kind === 'command' ? s.captures.filter((c) => c.secret).map((c) => c.name) : []))]);
  const masker = createMasker([...secretIds].map((id) => opts.values[id]));
  const checks: DoctorCheck[] = [];
  const v = opts.values;

  // 1. Network: DNS, TCP, TLS to every host on the list.
  const targets = (opts.hosts && opts.hosts.length ? opts.hosts : CHAINGUARD_HOSTS).map(parseHostTarget);
  checks.push(...(await Promise.all(targets.map((t) => checkHost(t, timeoutMs)))));

  // 2. The product's settings, read back through its API and checked against the guide's rules.
  let settingsWrong = false;
  /** Write-only settings no read-back can prove, by step: only the pull through the repository proves them. */
  const unproven: Array<{ step: string; settings: string[] }> = [];
  for (const step of applicableFieldsSteps(guide, opts.path, v)) {
    const id = `settings:${step.id}`;
    const title = `${step.title}: the product holds the guide's settings`;
    if (!applier.canApply(step) || !applier.check) {
      checks.push({ id, title, ok: false, summary: 'no adapter to read these settings back', skipped: `no adapter "${step.apply ?? ''}"` });
      continue;
    }
    let resolved;
    try {
      resolved = resolveFieldsStep(guide, step, opts.path, v);
    } catch (e) {
      checks.push({ id, title, ok: false, summary: (e as Error).message, skipped: 'values missing' });
      continue;
    }
    const c = await applier.check(resolved, signal);
    if (c.ok) {
      checks.push({ id, title, ok: true, summary: c.summary });
    } else if (c.unproven?.length && !c.problems?.length && !c.diagnosis) {
      // Everything readable matches; the rest (a password) is proven by the pull below, or not at all.
      unproven.push({ step: step.id, settings: c.unproven });
      checks.push({ id, title, ok: true, summary: `${c.summary} (the pull through the repository below is the proof)`, unproven: c.unproven });
    } else if (c.problems?.length) {
      settingsWrong = true;
      checks.push({ id, title, ok: false, summary: c.summary, cause: c.problems.map((p) => `${p.field} is ${p.actual}, expected ${p.expected}`).join('; '), fix: c.problems.map((p) => p.fix).join('; ') });
    } else {
      settingsWrong = settingsWrong || c.diagnosis?.code !== 'MISSING';
      checks.push({ id, title, ok: false, summary: c.summary, cause: c.diagnosis?.cause ?? c.summary, fix: c.diagnosis?.fix ?? `apply step ${step.id}` });
    }
  }

  // 3. The same image straight from the upstream, with the same credentials as the repository.
  let upstreamOk: boolean | undefined;
  const upImage = upstreamImage(v, opts.path);
  const creds = opts.path === 'production' ? { username: v.identityId, password: v.pullToken } : {};
  if (!upImage || (opts.path === 'production' && (!creds.username || !creds.password))) {
    checks.push({ id: 'upstream-pull', title: 'The image can be pulled from the upstream directly', ok: false, summary: 'needs the image and, for Production, the pull token', skipped: opts.path === 'production' ? 'set cgOrg, and CGR_IDENTITY_ID / CGR_PULL_TOKEN to the pull token' : 'no image' });
  } else {
    const upstream = opts.upstream ?? 'https://cgr.dev';
    const probe: ResolvedProbe = { type: 'upstream', image: upImage, upstream, insecure: upstream.startsWith('http://'), ...(creds.username ? { username: creds.username } : {}), ...(creds.password ? { password: creds.password } : {}) };
    const r = await probes.run(probe, signal);
    upstreamOk = r.ok;
    checks.push({
      id: 'upstream-pull',
      title: `The image can be pulled from the upstream directly${creds.username ? ' with the pull token' : ''}`,
      ok: r.ok,
      summary: r.summary,
      ...(r.ok ? {} : { cause: r.diagnosis?.cause ?? r.summary, fix: r.diagnosis?.fix ?? 'fix the upstream access first: the cache cannot fetch what this machine cannot' }),
    });
  }

  // 4. A pull through the repository manager, as the guide's pull step does it.
  const target = cachePullTarget(guide.meta.id, v, opts.path);
  if (!target) {
    checks.push({ id: 'cache-pull', title: 'The image can be pulled through the repository', ok: false, summary: 'needs the registry address and image values', skipped: guide.meta.id === 'distribution' ? 'not a product guide' : 'values missing' });
  } else {
    const r = await probes.run({ type: 'pull', image: target.image, insecure: target.insecure, ...(target.username ? { username: target.username } : {}), ...(target.password ? { password: target.password } : {}) }, signal);
    let cause = r.diagnosis?.cause ?? r.summary;
    let fix = r.diagnosis?.fix ?? 'see the checks above';
    const secretSteps = unproven.map((u) => u.step);
    if (!r.ok && upstreamOk && secretSteps.length && !settingsWrong) {
      cause = `${cause} The upstream serves the image with the pull token and every readable setting matches, so the repository's stored credentials are the likely fault: the password cannot be read back (${unproven.flatMap((u) => u.settings).join(', ')}), and it is missing or stale (an update that did not send it again removes it).`;
      fix = `apply step ${secretSteps.join(', ')} again (cgr-playbook run ${guide.meta.id} --apply sends the password again), or enter the password again in the product's UI; then pull again`;
    } else if (!r.ok && upstreamOk) {
      cause = `${cause} The upstream serves the image with the same credentials, so the repository manager's configuration is at fault${settingsWrong ? ' (see the settings check above)' : ''}.`;
      fix = settingsWrong ? 'apply the settings fixes above, then pull again' : `${fix} If the settings look right, clear the repository's cache or create a fresh repository with the guide's values to rule out stale state.`;
    } else if (!r.ok && upstreamOk === false) {
      cause = `${cause} The upstream refuses or cannot serve the image either: fix that first (see the upstream check).`;
    }
    const proof = r.ok && unproven.length ? ` (this proves the stored pull token, which no read-back can: ${unproven.flatMap((u) => u.settings).join(', ')})` : '';
    checks.push({ id: 'cache-pull', title: 'The image can be pulled through the repository', ok: r.ok, summary: r.summary + proof, ...(r.ok ? {} : { cause, fix }) });
  }

  const clean = checks.map((c) => ({ ...c, summary: masker.mask(c.summary), ...(c.cause ? { cause: masker.mask(c.cause) } : {}), ...(c.fix ? { fix: masker.mask(c.fix) } : {}) }));
  return { guide: guide.meta.id, path: opts.path, ok: clean.every((c) => c.ok || c.skipped !== undefined), checks: clean };
}

/** Text for a terminal: ✔ / ✘ / – per check, cause and fix under failing ones. */
export function formatDoctorReport(r: DoctorReport): string {
  const lines = [`doctor: ${r.guide} (${r.path} path)`, ''];
  for (const c of r.checks) {
    const mark = c.skipped !== undefined ? '–' : c.ok ? '✔' : '✘';
    lines.push(`${mark} ${c.title}`);
    lines.push(`    ${c.skipped !== undefined ? `skipped: ${c.skipped}` : c.summary}`);
    if (!c.ok && c.skipped === undefined) {
      if (c.cause && !c.summary.includes(c.cause)) lines.push(`    cause: ${c.cause}`);
      if (c.fix) lines.push(`    fix:   ${c.fix}`);
    }
  }
  const failed = r.checks.filter((c) => !c.ok && c.skipped === undefined).length;
  lines.push('', failed ? `${failed} check(s) failed` : 'all checks passed');
  return lines.join('\n') + '\n';
}
