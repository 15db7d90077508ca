// Cloudsmith: a Docker upstream of a repository through API v1
// (/v1/repos/{owner}/{repo}/upstream/docker/: list, create, partial update). Semantics from
// cloudsmith-io/cloudsmith-api and cloudsmith-cli (see docs/emulators.md): lists are paginated
// (every page is read), `mode` is "Proxy Only" or "Cache and Proxy", a 429 is waited for and
// retried (http.ts), a repository created without a type would be Public, a create or update answers
// with the upstream as stored (checked from that answer, not from a second list). Proven in CI against
// playbooks/emulators/cloudsmith.ts, not the live service.
import { z } from 'zod';
import type { ApplyResult, CheckResult, ResolvedFieldsStep } from '../contracts.ts';
import { AdapterError, parseBody, send, statusDiagnosis, type ApiResponse, type ApiTarget } from './http.ts';
import { asBool, asInt, asString, desiredSettings, enforcedOnUpdate, getPath, oneOf, pendingUpdate, sameUrl, satisfied, show, unprovenSettings, type ApiKeySpec } from './entries.ts';
import { summarizeProblems, type AdapterOptions, type Problem, type ProductAdapter } from './types.ts';
import { checkFailure, requireValue, transport } from './common.ts';

export const CLOUDSMITH_PUBLIC_UPSTREAM = 'https://cgr.dev/chainguard';
export const CLOUDSMITH_PRIVATE_UPSTREAM = 'https://cgr.dev/';
export const CLOUDSMITH_DEFAULT_API = 'https://api.cloudsmith.io';

/** models/docker_upstream_request.py: the only values `mode` takes (422 otherwise). */
export const CLOUDSMITH_MODES = ['Proxy Only', 'Cache and Proxy'] as const;
export const CLOUDSMITH_AUTH_MODES = ['None', 'Username and Password'] as const;

/** A Docker upstream as Cloudsmith takes it (POST create; PATCH takes any subset). */
export const CloudsmithUpstreamRequestSchema = z.object({
  name: z.string().min(1).describe('Upstream name, e.g. "Chainguard Production".'),
  upstream_url: z.string().describe('https://cgr.dev/chainguard for public images, https://cgr.dev for Production.'),
  mode: z.enum(CLOUDSMITH_MODES).describe('Cache and Proxy keeps a copy of what it fetches.'),
  priority: z.number().int().min(1).optional().describe('Resolution order; 1 first.'),
  verify_ssl: z.boolean().optional().describe('Verify the upstream\'s TLS certificate.'),
  is_active: z.boolean().optional().describe('Whether the upstream is used.'),
  auth_mode: z.enum(CLOUDSMITH_AUTH_MODES).optional().describe('"Username and Password" for a pull token.'),
  auth_username: z.string().optional().describe('Pull token identity id.'),
  auth_secret: z.string().optional().describe('Pull token secret (write-only).'),
});
export type CloudsmithUpstreamRequest = z.output<typeof CloudsmithUpstreamRequestSchema>;
export type CloudsmithUpstreamRequestInput = z.input<typeof CloudsmithUpstreamRequestSchema>;

/** One upstream as Cloudsmith returns it; the secret is never returned. Unknown keys kept. */
export const CloudsmithUpstreamResponseSchema = z.looseObject({
  slug_perm: z.string().describe('Permanent identifier used in the upstream\'s own URL.'),
  name: z.string(),
  upstream_url: z.string(),
  mode: z.string(),
  priority: z.number().optional(),
  verify_ssl: z.boolean().optional(),
  is_active: z.boolean().optional(),
  auth_mode: z.string().optional(),
  auth_username: z.string().nullable().optional(),
});
export type CloudsmithUpstreamResponse = z.output<typeof CloudsmithUpstreamResponseSchema>;

/** Cloudsmith's error body: {"detail": "...", "fields": {...}}. */
export const CloudsmithErrorSchema = z.looseObject({ detail: z.string().optional(), fields: z.record(z.string(), z.unknown()).optional() });

const KEYS: Record<string, ApiKeySpec> = {
  // "any descriptive name": a new upstream gets the step's; an existing one keeps the reader's.
  name: { coerce: asString, initialOnly: true },
  upstream_url: { coerce: asString, url: true },
  mode: { coerce: oneOf(Object.fromEntries(CLOUDSMITH_MODES.map((m) => [m, m]))) },
  // Resolution order among the repository's upstreams: the guide suggests 1 ("use 2 if the repository
  // also has the public upstream"), so an existing upstream's priority is the reader's.
  priority: { coerce: asInt, initialOnly: true },
  verify_ssl: { coerce: asBool },
  is_active: { coerce: asBool },
  auth_mode: { coerce: oneOf({ None: 'None', 'Username and Password': 'Username and Password' }) },
  auth_username: { coerce: asString },
  auth_secret: { coerce: (t) => (t === '' ? undefined : t), writeOnly: true },
};

const LABELS: Record<string, string> = { upstream_url: 'Proxy URL', mode: 'Mode', verify_ssl: 'Verify SSL Certificates', auth_mode: 'Authentication', auth_username: 'Username', auth_secret: 'Password', name: 'Name', priority: 'Priority' };

function target(step: ResolvedFieldsStep, opts: AdapterOptions): ApiTarget {
  return {
    product: 'Cloudsmith',
    baseUrl: (step.values.cloudsmithApiUrl || CLOUDSMITH_DEFAULT_API).replace(/\/+$/, '').replace(/\/v1$/, ''),
    auth: { kind: 'header', name: 'x-api-key', value: requireValue(step, 'cloudsmithApiKey') },
    fields: { url: 'cloudsmithApiUrl', credentials: ['cloudsmithApiKey'] },
    ...transport(opts),
  };
}

function detail(res: ApiResponse): string {
  const r = CloudsmithErrorSchema.safeParse(res.json);
  if (!r.success) return res.text.slice(0, 300);
  const fields = r.data.fields ? Object.entries(r.data.fields).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}`).join('; ') : '';
  return [r.data.detail, fields].filter(Boolean).join(' — ');
}

export function expectedUpstream(path: string): string {
  return path === 'production' ? CLOUDSMITH_PRIVATE_UPSTREAM : CLOUDSMITH_PUBLIC_UPSTREAM;
}

function base(step: ResolvedFieldsStep): string {
  return `/v1/repos/${encodeURIComponent(requireValue(step, 'cloudsmithOrg'))}/${encodeURIComponent(requireValue(step, 'cloudsmithRepo'))}/upstream/docker/`;
}

/** Page size asked for (cloudsmith-cli asks for 1000, its MAX_PAGE_SIZE); the server may hand out less. */
const PAGE_SIZE = 1000;
/** A bound on pages read, so a server that never says "last page" cannot keep the adapter forever. */
const MAX_PAGES = 200;

/** Every Docker upstream of the repository: all pages (X-Pagination-PageTotal; without it, until a short or empty page). */
export async function listCloudsmithUpstreams(t: ApiTarget, step: ResolvedFieldsStep, signal?: AbortSignal): Promise<CloudsmithUpstreamResponse[]> {
  const all: CloudsmithUpstreamResponse[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { items, res } = await listPage(t, step, page, signal);
    all.push(...items);
    const total = Number(res.headers.get('x-pagination-pagetotal') ?? NaN);
    const size = Number(res.headers.get('x-pagination-pagesize') ?? PAGE_SIZE);
    if (Number.isInteger(total) ? page >= total : items.length === 0 || items.length < size) return all;
  }
  throw new AdapterError({ code: 'UNEXPECTED_RESPONSE', cause: `Cloudsmith listed more than ${MAX_PAGES} pages of Docker upstreams in ${step.values.cloudsmithOrg}/${step.values.cloudsmithRepo}`, fix: 'check that cloudsmithApiUrl points at the Cloudsmith API itself' });
}

async function listPage(t: ApiTarget, step: ResolvedFieldsStep, page: number, signal?: AbortSignal): Promise<{ items: CloudsmithUpstreamResponse[]; res: ApiResponse }> {
  const res = await send(t, 'GET', `${base(step)}?page=${page}&page_size=${PAGE_SIZE}`, { signal });
  if (res.status === 404 && page > 1) return { items: [], res }; // "Invalid page.": past the last one
  if (res.status === 404) {
    throw new AdapterError({
      code: 'REPOSITORY_MISSING',
      cause: `Cloudsmith answers 404 for repository ${step.values.cloudsmithOrg}/${step.values.cloudsmithRepo} (${detail(res) || 'Not found.'}): it does not exist, or the account of cloudsmithApiKey may not see it (Cloudsmith answers both the same way)`,
      fix: NOT_VISIBLE_FIX,
    }, { status: 404 });
  }
  if (res.status !== 200) throw new AdapterError(statusDiagnosis(t, res, 'list the Docker upstreams', detail(res)), { status: res.status });
  return { items: parseBody(t, res, z.array(CloudsmithUpstreamResponseSchema), 'GET upstream/docker/'), res };
}

/** What to do about a repository Cloudsmith answers 404 for: missing, or not visible to this API key (help.cloudsmith.io "HTTP Responses"). */
const NOT_VISIBLE_FIX = 'check cloudsmithOrg / cloudsmithRepo; if the repository exists, give the account of cloudsmithApiKey access to it (a member of the workspace with write access to the repository); if it does not, create it first (Repositories › + Create Repository, or the guide\'s create-repo step)';

/**
 * Which stored upstream this step is about: the one with the step's name, else one with the URL this
 * path needs (the guide's Name is "any descriptive name": a reader who made it by hand under another
 * name has it already), else, for a step that names none, any pointing at cgr.dev.
 */
function findUpstream(list: CloudsmithUpstreamResponse[], name: string | undefined, path: string): CloudsmithUpstreamResponse | undefined {
  const byName = name !== undefined ? list.find((u) => u.name === name) : undefined;
  return byName ?? list.find((u) => sameUrl(u.upstream_url, expectedUpstream(path))) ?? (name === undefined ? list.find((u) => /^https?:\/\/cgr\.dev(\/|$)/.test(u.upstream_url)) : undefined);
}

export function cloudsmithProblems(step: ResolvedFieldsStep, up: CloudsmithUpstreamResponse): Problem[] {
  const desired = enforcedOnUpdate(desiredSettings('cloudsmith.docker-upstream', step, KEYS));
  const credsSet = up.auth_mode === 'Username and Password' && !!up.auth_username;
  const problems: Problem[] = [];
  const want = expectedUpstream(step.path);
  if (!sameUrl(up.upstream_url, want)) {
    const why = step.path === 'production' ? 'Production images need the bare registry: the organization goes in the pull reference' : 'public Developer images live under /chainguard';
    problems.push({ field: 'Proxy URL (upstream_url)', actual: up.upstream_url, expected: want, fix: `set Proxy URL to ${want} (${why}); nothing else may follow it` });
  }
  if (up.mode !== 'Cache and Proxy') problems.push({ field: 'Mode (mode)', actual: up.mode, expected: 'Cache and Proxy', fix: 'select Cache and Proxy so Cloudsmith keeps what it fetches' });
  if (up.verify_ssl === false) problems.push({ field: 'Verify SSL Certificates (verify_ssl)', actual: 'false', expected: 'true', fix: 'tick Verify SSL Certificates under Additional options' });
  if (up.is_active === false) problems.push({ field: 'Active (is_active)', actual: 'false', expected: 'true', fix: 'enable the upstream' });
  if (step.path === 'production' && !credsSet) {
    problems.push({ field: 'Authentication (auth_mode)', actual: show(up.auth_mode), expected: 'Username and Password', fix: 'under Additional options, set Authentication to Username and Password and enter the pull token\'s identity id as Username and its password as Password' });
  }
  for (const d of desired) {
    if (['upstream_url', 'mode', 'verify_ssl', 'is_active'].includes(d.api) && problems.some((p) => p.field.includes(`(${d.api})`))) continue;
    if (d.api === 'upstream_url' && sameUrl(d.value, want)) continue;
    // Missing credentials are one problem with one fix, as in the guide's form.
    if (['auth_mode', 'auth_username', 'auth_secret'].includes(d.api) && problems.some((p) => p.field.includes('(auth_mode)'))) continue;
    const actual = getPath(up, d.api);
    if (!satisfied(actual, d, credsSet)) {
      const label = LABELS[d.api] ?? d.label;
      problems.push({ field: `${label} (${d.api})`, actual: d.spec.writeOnly ? 'not set' : show(actual), expected: d.spec.writeOnly ? 'set' : show(d.value), fix: `set ${label} to ${d.spec.writeOnly ? 'the value from the guide' : show(d.value)}` });
    }
  }
  return problems;
}

export function cloudsmithDockerUpstreamAdapter(opts: AdapterOptions = {}): ProductAdapter {
  const name = 'cloudsmith.docker-upstream';
  const upstreamName = (step: ResolvedFieldsStep) => step.entries.find((e) => e.api === 'name')?.value;
  const where = (step: ResolvedFieldsStep) => `${step.values.cloudsmithOrg}/${step.values.cloudsmithRepo}`;
  return {
    name,
    product: 'Cloudsmith',
    async apply(step, signal): Promise<ApplyResult> {
      const t = target(step, opts);
      const desired = desiredSettings(name, step, KEYS);
      const list = await listCloudsmithUpstreams(t, step, signal);
      const existing = findUpstream(list, upstreamName(step), step.path);
      let changed = false;
      let resent = false;
      // What Cloudsmith stores: a POST (201) and a PATCH (200) answer with the upstream as stored
      // (ReposApi.md: repos_upstream_docker_create / _partial_update return a DockerUpstream, the
      // model the list holds), so no second read of the list; without a write, the one just read.
      let after: CloudsmithUpstreamResponse;
      if (!existing) {
        const body: Record<string, unknown> = {
          name: step.path === 'production' ? 'Chainguard Production' : 'Chainguard Public',
          upstream_url: expectedUpstream(step.path),
          mode: 'Cache and Proxy',
          priority: 1,
          verify_ssl: true,
          is_active: true,
        };
        for (const d of desired) body[d.api] = d.value;
        const res = await send(t, 'POST', base(step), { body: CloudsmithUpstreamRequestSchema.parse(body), signal });
        if (res.status !== 201) throw new AdapterError(statusDiagnosis(t, res, `create the Docker upstream in ${where(step)}`, detail(res)), { status: res.status });
        after = parseBody(t, res, CloudsmithUpstreamResponseSchema, 'POST upstream/docker/');
        changed = true;
      } else {
        after = existing;
        const slug = existing.slug_perm;
        const credsSet = existing.auth_mode === 'Username and Password' && !!existing.auth_username;
        // The secret cannot be compared (never returned): the step's own secret is always sent again.
        const enforced = enforcedOnUpdate(desired);
        const { stale, resend } = pendingUpdate(enforced, existing, credsSet);
        if (stale.length || resend) {
          // PATCH is a partial update: what it does not name stays as it is.
          const patch: Record<string, unknown> = {};
          for (const d of enforced) patch[d.api] = d.value;
          const res = await send(t, 'PATCH', `${base(step)}${encodeURIComponent(slug)}/`, { body: CloudsmithUpstreamRequestSchema.partial().parse(patch), signal });
          if (res.status !== 200) throw new AdapterError(statusDiagnosis(t, res, `update the Docker upstream "${existing.name}"`, detail(res)), { status: res.status });
          after = parseBody(t, res, CloudsmithUpstreamResponseSchema, 'PATCH upstream/docker/{slug_perm}/');
          changed = stale.length > 0;
          resent = !changed;
        }
      }
      const problems = cloudsmithProblems(step, after);
      if (problems.length) throw new AdapterError({ code: 'WRONG_SETTINGS', cause: summarizeProblems(`upstream "${after.name}"`, problems), fix: problems.map((p) => p.fix).join('; ') });
      if (resent) return { changed: false, summary: `re-sent the pull-token password to Docker upstream "${after.name}" in ${where(step)} (Cloudsmith never returns it, so a rerun writes it again; only a pull proves it); every other setting already matched` };
      return { changed, summary: changed ? `${existing ? 'updated' : 'created'} Docker upstream "${after.name}" in ${where(step)}` : `Docker upstream "${after.name}" in ${where(step)} already has these settings` };
    },
    async check(step, signal): Promise<CheckResult> {
      try {
        const t = target(step, opts);
        const list = await listCloudsmithUpstreams(t, step, signal);
        const up = findUpstream(list, upstreamName(step), step.path);
        if (!up) return { ok: false, summary: `${where(step)} has no Docker upstream${upstreamName(step) ? ` named "${upstreamName(step)}"` : ' for cgr.dev'} yet`, diagnosis: { code: 'MISSING', cause: 'the upstream does not exist', fix: 'create it (apply this step)' } };
        const problems = cloudsmithProblems(step, up);
        if (problems.length) return { ok: false, summary: summarizeProblems(`upstream "${up.name}"`, problems), problems };
        const unproven = unprovenSettings(desiredSettings(name, step, KEYS), LABELS);
        if (unproven.length) {
          return { ok: false, unproven, summary: `Docker upstream "${up.name}" in ${where(step)} authenticates as "${up.auth_username ?? ''}"; the password cannot be read back from Cloudsmith, so only a pull through the repository proves it; applying sends it again` };
        }
        return { ok: true, summary: `Docker upstream "${up.name}" in ${where(step)} mirrors ${up.upstream_url} (${up.mode})` };
      } catch (e) {
        return checkFailure(e);
      }
    },
  };
}

/** POST /v1/repos/{owner}/ (path UNCONFIRMED in registry-apis.md): create a repository. */
export const CloudsmithRepoRequestSchema = z.object({
  name: z.string().min(1).describe('Repository name; its slug (lower-case) is what pulls use.'),
  slug: z.string().optional().describe('URL name; defaults to the name.'),
  repository_type_str: z.enum(['Public', 'Private', 'Open-Source']).optional().describe('Who may read it.'),
  storage_region: z.string().optional().describe('Region slug; "default" when unset.'),
});

export const CloudsmithRepoResponseSchema = z.looseObject({
  name: z.string(),
  slug: z.string(),
  repository_type_str: z.string().optional(),
});

const REPO_KEYS: Record<string, ApiKeySpec> = {
  name: { coerce: asString },
  slug: { coerce: asString },
  repository_type_str: { coerce: oneOf({ Public: 'Public', Private: 'Private', 'Open-Source': 'Open-Source', 'Open Source': 'Open-Source' }) },
  storage_region: { coerce: asString },
};

/** Creates the repository the upstream goes in, when it does not exist yet; an existing one is left as it is. */
export function cloudsmithRepositoryAdapter(opts: AdapterOptions = {}): ProductAdapter {
  const read = async (t: ApiTarget, step: ResolvedFieldsStep, signal: AbortSignal) => {
    const res = await send(t, 'GET', `/v1/repos/${encodeURIComponent(requireValue(step, 'cloudsmithOrg'))}/${encodeURIComponent(requireValue(step, 'cloudsmithRepo'))}/`, { signal });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new AdapterError(statusDiagnosis(t, res, 'read the repository', detail(res)), { status: res.status });
    return parseBody(t, res, CloudsmithRepoResponseSchema, 'GET repository');
  };
  return {
    name: 'cloudsmith.repository',
    product: 'Cloudsmith',
    async apply(step, signal) {
      const t = target(step, opts);
      const repo = requireValue(step, 'cloudsmithRepo');
      if (await read(t, step, signal)) return { changed: false, summary: `repository ${step.values.cloudsmithOrg}/${repo} already exists` };
      // Cloudsmith makes a repository Public when no type is sent: a mirror that may hold private images is Private unless the step says otherwise.
      const body: Record<string, unknown> = { name: repo, slug: repo, repository_type_str: 'Private' };
      for (const d of desiredSettings('cloudsmith.repository', step, REPO_KEYS)) body[d.api] = d.value;
      const res = await send(t, 'POST', `/v1/repos/${encodeURIComponent(requireValue(step, 'cloudsmithOrg'))}/`, { body: CloudsmithRepoRequestSchema.parse(body), signal });
      if (res.status !== 201) throw new AdapterError(statusDiagnosis(t, res, `create repository ${step.values.cloudsmithOrg}/${repo}`, detail(res)), { status: res.status });
      return { changed: true, summary: `created repository ${step.values.cloudsmithOrg}/${repo}` };
    },
    async check(step, signal) {
      try {
        const found = await read(target(step, opts), step, signal);
        return found
          ? { ok: true, summary: `repository ${step.values.cloudsmithOrg}/${found.slug} exists` }
          : {
              ok: false,
              summary: `no repository ${step.values.cloudsmithOrg}/${step.values.cloudsmithRepo} that this API key can see yet`,
              diagnosis: { code: 'MISSING', cause: 'Cloudsmith answers 404: the repository does not exist, or the account of cloudsmithApiKey may not see it', fix: 'create it (apply this step); if it already exists, give the account of cloudsmithApiKey access to it instead' },
            };
      } catch (e) {
        return checkFailure(e);
      }
    },
  };
}
