// JFrog Artifactory: a Docker remote repository through the Repositories REST API
// (PUT create, POST update, GET read). Request shapes from Artifactory 7.x's REST API and
// repository-configuration JSON as summarized in registry-apis.md; proven in CI against
// playbooks/emulators/artifactory.ts, not a live Artifactory.
import { z } from 'zod';
import type { ApplyResult, CheckResult, ResolvedFieldsStep } from '../contracts.ts';
import { AdapterError, parseBody, send, statusDiagnosis, type ApiResponse, type ApiTarget } from './http.ts';
import { asBool, asString, desiredSettings, getPath, oneOf, pendingUpdate, sameUrl, satisfied, show, unprovenSettings, type ApiKeySpec } from './entries.ts';
import { summarizeProblems, type AdapterOptions, type Problem, type ProductAdapter } from './types.ts';
import { checkFailure, requireValue, transport } from './common.ts';

export const ARTIFACTORY_UPSTREAM = 'https://cgr.dev/';

/** A Docker remote repository as Artifactory takes it (PUT create / POST update). */
export const ArtifactoryRemoteRequestSchema = z.object({
  key: z.string().min(1).describe('Repository key; also the first path segment of pulls (<host>/<key>/<image>).'),
  rclass: z.literal('remote').describe('Repository class: remote (a proxy of another registry).'),
  packageType: z.literal('docker').describe('Package type: docker.'),
  url: z.string().describe('Upstream URL; exactly https://cgr.dev/ (the organization and image go in the pull address).'),
  username: z.string().optional().describe('Upstream user: the pull token identity id (Production).'),
  password: z.string().optional().describe('Upstream password: the pull token secret (Production; write-only).'),
  includesPattern: z.string().optional().describe('Include Patterns; default **/*.'),
  blockMismatchingMimeTypes: z.boolean().optional().describe('Block Mismatching Mime Types; default true.'),
  enableTokenAuthentication: z.boolean().optional().describe('Use the upstream\'s bearer token flow (cgr.dev needs it).'),
  description: z.string().optional().describe('Free text.'),
});
export type ArtifactoryRemoteRequest = z.output<typeof ArtifactoryRemoteRequestSchema>;
export type ArtifactoryRemoteRequestInput = z.input<typeof ArtifactoryRemoteRequestSchema>;

/** GET /artifactory/api/repositories/{key}: the configuration, with many more keys (kept). The password is never returned in clear. */
export const ArtifactoryRemoteResponseSchema = z.looseObject({
  key: z.string().describe('Repository key.'),
  rclass: z.string().describe('local | remote | virtual | federated.'),
  packageType: z.string().describe('docker, maven, ...'),
  url: z.string().optional().describe('Upstream URL (remote repositories).'),
  username: z.string().optional().describe('Upstream user.'),
  password: z.string().optional().describe('Upstream password, encrypted or empty.'),
  includesPattern: z.string().optional(),
  blockMismatchingMimeTypes: z.boolean().optional(),
  enableTokenAuthentication: z.boolean().optional(),
});
export type ArtifactoryRemoteResponse = z.output<typeof ArtifactoryRemoteResponseSchema>;

/** Artifactory's error body: {"errors":[{"status","message"}]}. */
export const ArtifactoryErrorsSchema = z.looseObject({ errors: z.array(z.looseObject({ status: z.number().optional(), message: z.string() })) });

const KEYS: Record<string, ApiKeySpec> = {
  key: { coerce: asString },
  rclass: { coerce: oneOf({ Remote: 'remote' }) },
  packageType: { coerce: oneOf({ Docker: 'docker' }) },
  url: { coerce: asString, url: true },
  username: { coerce: asString },
  password: { coerce: (t) => (t === '' ? undefined : t), writeOnly: true },
  includesPattern: { coerce: asString },
  blockMismatchingMimeTypes: { coerce: asBool },
  enableTokenAuthentication: { coerce: asBool },
  description: { coerce: asString },
};

const LABELS: Record<string, string> = { url: 'URL', includesPattern: 'Include Patterns', blockMismatchingMimeTypes: 'Block Mismatching Mime Types', username: 'User Name', password: 'Password / Access Token', key: 'Repository Key' };

function target(step: ResolvedFieldsStep, opts: AdapterOptions): ApiTarget {
  return {
    product: 'Artifactory',
    // Accept https://x.jfrog.io and https://x.jfrog.io/artifactory alike.
    baseUrl: requireValue(step, 'artifactoryUrl').replace(/\/+$/, '').replace(/\/artifactory$/, ''),
    auth: { kind: 'bearer', token: requireValue(step, 'artifactoryToken') },
    fields: { url: 'artifactoryUrl', credentials: ['artifactoryToken'] },
    ...transport(opts),
  };
}

function messages(res: ApiResponse): string {
  const r = ArtifactoryErrorsSchema.safeParse(res.json);
  return r.success ? r.data.errors.map((e) => e.message).join('; ') : res.text.slice(0, 300);
}

const repoPath = (key: string) => `/artifactory/api/repositories/${encodeURIComponent(key)}`;

/** An Artifactory without a Pro licence answers the repositories API itself with 400 and says so. */
const PRO_ONLY = /only in Artifactory Pro|licen[cs]e/i;

/**
 * The repository's configuration; undefined when it does not exist (Artifactory answers 400, newer
 * versions 404). A 400 saying the API needs Artifactory Pro is a LICENSE diagnosis, not "missing".
 */
export async function readArtifactoryRepo(t: ApiTarget, key: string, signal?: AbortSignal): Promise<ArtifactoryRemoteResponse | undefined> {
  const res = await send(t, 'GET', repoPath(key), { signal });
  if (res.status === 400 && PRO_ONLY.test(messages(res))) throw failure(t, res, `read repository "${key}"`);
  if (res.status === 404 || res.status === 400) return undefined;
  if (res.status !== 200) throw new AdapterError(statusDiagnosis(t, res, `read repository "${key}"`, messages(res)), { status: res.status });
  return parseBody(t, res, ArtifactoryRemoteResponseSchema, `GET repository "${key}"`);
}

export function artifactoryProblems(step: ResolvedFieldsStep, repo: ArtifactoryRemoteResponse): Problem[] {
  const desired = desiredSettings('artifactory.docker-remote', step, KEYS);
  const credsSet = !!repo.username;
  const problems: Problem[] = [];
  if (repo.rclass !== 'remote' || repo.packageType !== 'docker') {
    problems.push({ field: 'Repository type', actual: `${repo.rclass} ${repo.packageType}`, expected: 'remote docker', fix: `repository "${repo.key}" exists as another type: pick another Repository Key, or delete that repository first` });
    return problems;
  }
  if (!sameUrl(repo.url, ARTIFACTORY_UPSTREAM)) {
    problems.push({ field: 'URL (url)', actual: show(repo.url), expected: ARTIFACTORY_UPSTREAM, fix: `set URL to exactly ${ARTIFACTORY_UPSTREAM}, with nothing after the host: the organization and the image go in the pull address (<registry>/<repository key>/<organization>/<image>)` });
  }
  if (repo.includesPattern !== undefined && repo.includesPattern !== '**/*') {
    problems.push({ field: 'Include Patterns (includesPattern)', actual: repo.includesPattern, expected: '**/*', fix: 'set Include Patterns back to the default **/*' });
  }
  if (repo.blockMismatchingMimeTypes === false) {
    problems.push({ field: 'Block Mismatching Mime Types (blockMismatchingMimeTypes)', actual: 'false', expected: 'true', fix: 'tick Block Mismatching Mime Types in the Advanced tab' });
  }
  if (step.path === 'production' && desired.some((d) => d.api === 'username' || d.api === 'password') && !credsSet) {
    problems.push({ field: 'User Name / Password', actual: 'not set', expected: 'the pull token', fix: 'enter the pull token identity id as User Name and its password as Password / Access Token' });
  }
  for (const d of desired) {
    if (['url', 'includesPattern', 'blockMismatchingMimeTypes'].includes(d.api) && problems.some((p) => p.field.includes(`(${d.api})`))) continue;
    if (d.api === 'url' && sameUrl(d.value, ARTIFACTORY_UPSTREAM)) continue;
    if ((d.api === 'username' || d.api === 'password') && problems.some((p) => p.field === 'User Name / Password')) continue;
    const actual = getPath(repo, d.api);
    if (!satisfied(actual, d, credsSet)) {
      const label = LABELS[d.api] ?? d.label;
      problems.push({ field: `${label} (${d.api})`, actual: d.spec.writeOnly ? 'not set' : show(actual), expected: d.spec.writeOnly ? 'set' : show(d.value), fix: `set ${label} to ${d.spec.writeOnly ? 'the value from the guide' : show(d.value)}` });
    }
  }
  return problems;
}

function failure(t: ApiTarget, res: ApiResponse, action: string): AdapterError {
  const said = messages(res);
  if (res.status === 400 && PRO_ONLY.test(said)) {
    return new AdapterError(
      {
        code: 'LICENSE',
        cause: `Artifactory answered that its repositories REST API needs a Pro licence while trying to ${action} (${said.slice(0, 200)}): this server runs without one, so nothing can be created or read through the API`,
        fix: 'create the repository in the UI instead: Administration › Repositories › Create a Repository › Remote › Docker, with the values this step lists (Artifactory OSS has no Docker repositories at all: use JFrog Container Registry or a licensed Artifactory); or apply against a licensed Artifactory (Pro, Enterprise, or a cloud trial)',
      },
      { status: 400 },
    );
  }
  return new AdapterError(statusDiagnosis(t, res, action, said), { status: res.status });
}

export function artifactoryDockerRemoteAdapter(opts: AdapterOptions = {}): ProductAdapter {
  const name = 'artifactory.docker-remote';
  const keyOf = (step: ResolvedFieldsStep) => step.entries.find((e) => e.api === 'key')?.value ?? requireValue(step, 'repoKey');
  return {
    name,
    product: 'Artifactory',
    async apply(step, signal): Promise<ApplyResult> {
      const t = target(step, opts);
      const key = keyOf(step);
      const desired = desiredSettings(name, step, KEYS);
      const existing = await readArtifactoryRepo(t, key, signal);
      let changed = false;
      let resent = false;
      if (!existing) {
        const body: Record<string, unknown> = { key, rclass: 'remote', packageType: 'docker', url: ARTIFACTORY_UPSTREAM, includesPattern: '**/*', blockMismatchingMimeTypes: true, enableTokenAuthentication: true };
        for (const d of desired) body[d.api] = d.value;
        const res = await send(t, 'PUT', repoPath(key), { body: ArtifactoryRemoteRequestSchema.parse(body), signal });
        if (res.status !== 200 && res.status !== 201) throw failure(t, res, `create repository "${key}"`);
        changed = true;
      } else {
        const credsSet = !!existing.username;
        // The password cannot be compared (never returned in clear): the step's own is always sent again.
        const { stale, resend } = pendingUpdate(desired, existing, credsSet);
        if (stale.length || resend) {
          // POST is a partial update: send only the settings the step names (plus the identifying ones).
          const body: Record<string, unknown> = { key, rclass: 'remote', packageType: 'docker', url: existing.url ?? ARTIFACTORY_UPSTREAM };
          for (const d of desired) body[d.api] = d.value;
          const res = await send(t, 'POST', repoPath(key), { body: ArtifactoryRemoteRequestSchema.parse(body), signal });
          if (res.status !== 200) throw failure(t, res, `update repository "${key}"`);
          changed = stale.length > 0;
          resent = !changed;
        }
      }
      const after = await readArtifactoryRepo(t, key, signal);
      if (!after) throw new AdapterError({ code: 'NOT_FOUND', cause: `Artifactory accepted repository "${key}" but does not return it`, fix: 'look at the Artifactory log; apply again' });
      const problems = artifactoryProblems(step, after);
      if (problems.length) throw new AdapterError({ code: 'WRONG_SETTINGS', cause: summarizeProblems(`repository "${key}"`, problems), fix: problems.map((p) => p.fix).join('; ') });
      if (resent) return { changed: false, summary: `re-sent the pull-token password to Docker remote repository "${key}" (Artifactory never returns it in clear, so a rerun writes it again; only a pull proves it); every other setting already matched` };
      return { changed, summary: changed ? `${existing ? 'updated' : 'created'} Docker remote repository "${key}"` : `Docker remote repository "${key}" already has these settings` };
    },
    async check(step, signal): Promise<CheckResult> {
      try {
        const t = target(step, opts);
        const key = keyOf(step);
        const repo = await readArtifactoryRepo(t, key, signal);
        if (!repo) return { ok: false, summary: `Artifactory has no repository "${key}" yet`, diagnosis: { code: 'MISSING', cause: `repository "${key}" does not exist`, fix: 'create it (apply this step)' } };
        const problems = artifactoryProblems(step, repo);
        if (problems.length) return { ok: false, summary: summarizeProblems(`repository "${key}"`, problems), problems };
        const unproven = unprovenSettings(desiredSettings(name, step, KEYS), LABELS);
        if (unproven.length) return { ok: false, unproven, summary: `Docker remote repository "${key}" holds user "${repo.username ?? ''}"; the password cannot be read back from Artifactory, so only a pull through the repository proves it; applying sends it again` };
        return { ok: true, summary: `Docker remote repository "${key}" mirrors ${repo.url}` };
      } catch (e) {
        return checkFailure(e);
      }
    },
  };
}
