// Sonatype Nexus Repository 3 (REST API v1): the docker (proxy) repository, the active security
// realms and the Community Edition EULA. Semantics from sonatype/nexus-public (see
// docs/emulators.md): a PUT REPLACES the whole configuration, so an update sends back every setting
// it read and the upstream password again (GET never returns it; a PUT without it deletes it).
// Proven in CI against playbooks/emulators/nexus.ts, not a live Nexus.
import { z } from 'zod';
import type { ApplyResult, CheckResult, ResolvedFieldsStep } from '../contracts.ts';
import { AdapterError, parseBody, send, statusDiagnosis, type ApiResponse, type ApiTarget } from './http.ts';
import { asBool, asInt, asString, deepClone, desiredSettings, getPath, oneOf, pendingUpdate, sameUrl, satisfied, setPath, show, unprovenSettings, type ApiKeySpec } from './entries.ts';
import { summarizeProblems, type AdapterOptions, type Problem, type ProductAdapter } from './types.ts';
import { requireValue, checkFailure, transport } from './common.ts';

export const NEXUS_UPSTREAM = 'https://cgr.dev/';

const API = '/service/rest/v1';

/** The docker (proxy) repository as Nexus takes it in POST and PUT. */
export const NexusDockerProxyRequestSchema = z.object({
  name: z.string().min(1).describe('Repository name; also its path under /repository/.'),
  online: z.boolean().describe('Whether the repository accepts requests.'),
  storage: z.object({
    blobStoreName: z.string().describe('Blob store holding the cached layers.'),
    strictContentTypeValidation: z.boolean().describe('Reject content whose type does not match its path.'),
  }),
  proxy: z.object({
    remoteUrl: z.string().describe('Remote storage: the upstream registry, https://cgr.dev/ for Chainguard.'),
    contentMaxAge: z.number().int().describe('Minutes a cached blob is kept before checking upstream.'),
    metadataMaxAge: z.number().int().describe('Minutes cached manifests/tags are kept before checking upstream.'),
  }),
  negativeCache: z.object({
    enabled: z.boolean().describe('Remember upstream 404s.'),
    timeToLive: z.number().int().describe('Minutes a remembered 404 lasts.'),
  }),
  httpClient: z.object({
    blocked: z.boolean().describe('Block outbound requests to the upstream.'),
    autoBlock: z.boolean().describe('Block the upstream automatically while it is unreachable.'),
    authentication: z
      .looseObject({
        type: z.enum(['username', 'ntlm', 'bearerToken']).describe('Authentication type; "username" for a pull token.'),
        username: z.string().nullable().optional().describe('Pull token identity id.'),
        password: z.string().optional().describe('Pull token secret (write-only: never returned by GET; a PUT without it deletes it).'),
      })
      .nullable()
      .optional()
      .describe('Upstream credentials; only for private (Production) images.'),
  }),
  docker: z.object({
    v1Enabled: z.boolean().describe('Allow the Docker V1 API.'),
    forceBasicAuth: z.boolean().describe('Require basic auth (false lets the Docker Bearer Token Realm serve anonymous pulls).'),
    httpPort: z.number().int().min(1).max(65535).nullable().optional().describe('HTTP port connector of this repository.'),
    httpsPort: z.number().int().nullable().optional().describe('HTTPS port connector of this repository.'),
  }),
  dockerProxy: z.object({
    indexType: z.enum(['REGISTRY', 'HUB', 'CUSTOM']).describe('Docker index; REGISTRY = use the proxy registry itself.'),
    indexUrl: z.string().nullable().optional().describe('Index URL for CUSTOM.'),
  }),
});
export type NexusDockerProxyRequest = z.output<typeof NexusDockerProxyRequestSchema>;
export type NexusDockerProxyRequestInput = z.input<typeof NexusDockerProxyRequestSchema>;

/** GET .../docker/proxy/{name}: the request shape plus what Nexus adds (format, type, url); unknown keys kept. */
export const NexusDockerProxyResponseSchema = z.looseObject({
  name: z.string().describe('Repository name.'),
  format: z.string().optional().describe('Always "docker" here.'),
  type: z.string().optional().describe('Always "proxy" here.'),
  url: z.string().optional().describe('Browse URL of the repository.'),
  online: z.boolean().describe('Whether the repository accepts requests.'),
  storage: z.looseObject({ blobStoreName: z.string(), strictContentTypeValidation: z.boolean() }),
  proxy: z.looseObject({ remoteUrl: z.string(), contentMaxAge: z.number(), metadataMaxAge: z.number() }),
  negativeCache: z.looseObject({ enabled: z.boolean(), timeToLive: z.number() }),
  httpClient: z.looseObject({
    blocked: z.boolean(),
    autoBlock: z.boolean(),
    authentication: z.looseObject({ type: z.string(), username: z.string().nullable().optional(), password: z.string().nullable().optional() }).nullable().optional(),
  }),
  docker: z.looseObject({ v1Enabled: z.boolean(), forceBasicAuth: z.boolean(), httpPort: z.number().nullable().optional(), httpsPort: z.number().nullable().optional() }),
  dockerProxy: z.looseObject({ indexType: z.string(), indexUrl: z.string().nullable().optional() }),
});
export type NexusDockerProxyResponse = z.output<typeof NexusDockerProxyResponseSchema>;

/** One Nexus error: {id, message}. */
const NexusErrorSchema = z.looseObject({ id: z.string().optional().describe('"*" or "PARAMETER <name>".'), message: z.string().describe('What is wrong.') });
/** Nexus errors (400): bean validation answers a list of {id, message}; every other create/update failure ONE such object, its message in quotes. */
export const NexusValidationErrorsSchema = z.union([z.array(NexusErrorSchema), NexusErrorSchema]);

export const NexusEulaSchema = z.looseObject({
  accepted: z.boolean().describe('Whether an administrator accepted the Community Edition EULA.'),
  disclaimer: z.string().describe('The EULA text; POSTed back with accepted=true to accept.'),
});

export const NexusRealmsSchema = z.array(z.string().describe('Realm id, e.g. NexusAuthenticatingRealm, DockerToken.'));

const PROXY_KEYS: Record<string, ApiKeySpec> = {
  name: { coerce: asString },
  online: { coerce: asBool },
  'storage.blobStoreName': { coerce: asString },
  'storage.strictContentTypeValidation': { coerce: asBool },
  'proxy.remoteUrl': { coerce: asString, url: true },
  'proxy.contentMaxAge': { coerce: asInt },
  'proxy.metadataMaxAge': { coerce: asInt },
  'negativeCache.enabled': { coerce: asBool },
  'negativeCache.timeToLive': { coerce: asInt },
  'httpClient.blocked': { coerce: asBool },
  'httpClient.autoBlock': { coerce: asBool },
  'httpClient.authentication.type': { coerce: oneOf({ Username: 'username', 'Windows NTLM': 'ntlm' }) },
  'httpClient.authentication.username': { coerce: asString },
  'httpClient.authentication.password': { coerce: (t) => (t === '' ? undefined : t), writeOnly: true },
  'docker.v1Enabled': { coerce: asBool },
  'docker.forceBasicAuth': { coerce: asBool },
  'docker.httpPort': { coerce: asInt },
  'dockerProxy.indexType': { coerce: oneOf({ 'Use proxy registry (specified above)': 'REGISTRY', 'Use Docker Hub': 'HUB', 'Custom index': 'CUSTOM' }) },
};

const LABELS: Record<string, string> = {
  'proxy.remoteUrl': 'Remote storage',
  'docker.httpPort': 'HTTP port',
  'httpClient.authentication.type': 'Authentication type',
  'httpClient.authentication.username': 'Username',
  'httpClient.authentication.password': 'Password',
  online: 'Online',
};

function target(step: ResolvedFieldsStep, opts: AdapterOptions): ApiTarget {
  return {
    product: 'Nexus',
    baseUrl: requireValue(step, 'nexusUrl'),
    auth: { kind: 'basic', username: requireValue(step, 'nexusUser'), password: requireValue(step, 'nexusPassword') },
    fields: { url: 'nexusUrl', credentials: ['nexusUser', 'nexusPassword'] },
    ...transport(opts),
  };
}

function validationMessages(res: ApiResponse): string[] {
  const r = NexusValidationErrorsSchema.safeParse(res.json);
  const unquote = (m: string) => m.replace(/^"([\s\S]*)"$/, '$1');
  if (r.success) return (Array.isArray(r.data) ? r.data : [r.data]).map((e) => unquote(e.message));
  return res.text ? [res.text.slice(0, 300)] : [];
}

function failure(t: ApiTarget, res: ApiResponse, action: string, step: ResolvedFieldsStep): AdapterError {
  const messages = validationMessages(res);
  const joined = messages.join('; ');
  if (res.status === 400 && /port/i.test(joined) && /in use|already|bind/i.test(joined)) {
    const port = step.values.repoPort ?? '';
    return new AdapterError(
      { code: 'PORT_IN_USE', cause: `Nexus cannot open the repository's HTTP port ${port}: ${joined}`, fix: `choose a free port for repoPort (another repository or program holds ${port}), publish it if Nexus runs in a container, and apply again` },
      { status: 400 },
    );
  }
  return new AdapterError(statusDiagnosis(t, res, action, joined), { status: res.status });
}

/**
 * Fetches a docker proxy repository; undefined when it does not exist. Nexus answers 404 also to an
 * account that may not read the repository, so a 404 is taken as "missing" only when the account
 * can read the security settings (an administrator); otherwise it is FORBIDDEN: the repository may exist.
 */
export async function readNexusProxy(t: ApiTarget, name: string, signal?: AbortSignal): Promise<NexusDockerProxyResponse | undefined> {
  const res = await send(t, 'GET', `${API}/repositories/docker/proxy/${encodeURIComponent(name)}`, { signal });
  if (res.status === 404) {
    const admin = await send(t, 'GET', `${API}/security/realms/active`, { signal });
    if (admin.status === 403 || admin.status === 401) {
      throw new AdapterError(
        {
          code: 'FORBIDDEN',
          cause: `Nexus answers 404 for repository "${name}" to account ${t.auth.kind === 'basic' ? `"${t.auth.username}"` : ''}, which is also its answer when the account may not see a repository that exists; this account is not an administrator (it may not read the security settings: ${admin.status})`,
          fix: `use an administrator account (${t.fields.credentials.join(' and ')}); the repository may already exist, so do not create another one`,
        },
        { status: 404 },
      );
    }
    return undefined;
  }
  if (res.status !== 200) throw new AdapterError(statusDiagnosis(t, res, `read repository "${name}"`, validationMessages(res).join('; ')), { status: res.status });
  return parseBody(t, res, NexusDockerProxyResponseSchema, `GET repository "${name}"`);
}

function defaultProxy(step: ResolvedFieldsStep, name: string): NexusDockerProxyRequest {
  const port = step.values.repoPort !== undefined && /^\d+$/.test(step.values.repoPort) ? Number(step.values.repoPort) : undefined;
  return {
    name,
    online: true,
    storage: { blobStoreName: 'default', strictContentTypeValidation: true },
    proxy: { remoteUrl: NEXUS_UPSTREAM, contentMaxAge: 1440, metadataMaxAge: 1440 },
    negativeCache: { enabled: true, timeToLive: 1440 },
    httpClient: { blocked: false, autoBlock: true },
    docker: { v1Enabled: false, forceBasicAuth: false, ...(port !== undefined ? { httpPort: port } : {}) },
    dockerProxy: { indexType: 'REGISTRY' },
  };
}

/**
 * The PUT body that keeps everything Nexus holds now: a PUT replaces the whole configuration, so
 * every section read (cleanup, routing rule, connection, replication, subdomain, foreign layers,
 * and keys this adapter has never heard of) goes back. Only what GET adds is dropped (format, type,
 * url: read-only) and `routingRuleName` goes back under the request's name, `routingRule`.
 */
function requestFromResponse(r: NexusDockerProxyResponse): Record<string, unknown> {
  const body = deepClone(r) as Record<string, unknown>;
  for (const k of ['format', 'type', 'url']) delete body[k];
  if ('routingRuleName' in body) {
    if (body['routingRule'] === undefined) body['routingRule'] = body['routingRuleName'];
    delete body['routingRuleName'];
  }
  return body;
}

/** The field ids holding the pull token this guide gives the repository (Production). */
const PULL_TOKEN_FIELDS = { username: 'identityId', password: 'pullToken' } as const;

/**
 * The upstream credentials an update must carry so that Nexus keeps them. Nexus never returns the
 * password and a PUT without it deletes it: the adapter sends the pull token it is responsible for
 * again (from the guide's secret value); a secret it does not hold means it must not write.
 */
function credentialsForUpdate(step: ResolvedFieldsStep, repoName: string, existing: NexusDockerProxyResponse, body: Record<string, unknown>, desired: ReturnType<typeof desiredSettings>): { note?: string } {
  const current = existing.httpClient.authentication;
  const stepSetsAuth = desired.some((d) => d.api.startsWith('httpClient.authentication'));
  const stepSetsPassword = desired.some((d) => d.api === 'httpClient.authentication.password');
  const httpClient = body['httpClient'] as Record<string, unknown>;
  if (stepSetsAuth) {
    const auth = httpClient['authentication'] as Record<string, unknown> | null | undefined;
    if (auth && auth['type'] !== 'bearerToken') delete auth['bearerToken'];
    if (stepSetsPassword || !auth) return {};
    // The step names the username but not the password: fall through to resend the stored one's source.
  }
  if (!current && !stepSetsAuth) return {};
  const type = (current?.type ?? 'username') as string;
  const storedUser = current?.username ?? undefined;
  const refuse = (why: string): never => {
    throw new AdapterError({
      code: 'SECRET_NEEDED',
      cause: `repository "${repoName}" authenticates to its upstream ${why}; Nexus never returns that secret, and an update without it deletes it (every pull that needs it would then fail with 401 from the upstream), so nothing was changed`,
      fix: type === 'username'
        ? `give the pull token this repository uses, fields ${PULL_TOKEN_FIELDS.username} and ${PULL_TOKEN_FIELDS.password} (CGR_IDENTITY_ID / CGR_PULL_TOKEN), and apply again; or make this change in the Nexus UI and enter the password again there`
        : 'make this change in the Nexus UI and enter that secret again there; this guide manages only Username credentials (a pull token)',
    });
  };
  if (type !== 'username') refuse(`with a credential of type ${type}`);
  const id = step.values[PULL_TOKEN_FIELDS.username];
  const secret = step.values[PULL_TOKEN_FIELDS.password];
  const auth = (httpClient['authentication'] ?? {}) as Record<string, unknown>;
  if (secret && id && (storedUser === id || (stepSetsAuth && auth['username'] === id))) {
    httpClient['authentication'] = { ...auth, type: 'username', username: id, password: secret };
    return {};
  }
  if (secret && id && step.path === 'production') {
    // Production: the guide's pull token is the one this repository is meant to hold (set-auth writes it next).
    httpClient['authentication'] = { ...auth, type: 'username', username: id, password: secret };
    return { note: `; its upstream credentials now use the guide's pull token (${id}) instead of ${storedUser ?? 'none'}` };
  }
  return refuse(`as "${storedUser ?? ''}" (type username)${id && storedUser !== id ? `, not as the guide's pull token ${id}` : ''}`);
}

/** The guide's rules for a Chainguard mirror, plus every setting the step names. */
export function nexusProblems(step: ResolvedFieldsStep, repo: NexusDockerProxyResponse): Problem[] {
  const desired = desiredSettings('nexus.docker-proxy', step, PROXY_KEYS);
  const credsSet = !!repo.httpClient.authentication && repo.httpClient.authentication.type === 'username' && !!repo.httpClient.authentication.username;
  const authType = repo.httpClient.authentication?.type;
  const problems: Problem[] = [];
  if (!sameUrl(repo.proxy.remoteUrl, NEXUS_UPSTREAM)) {
    const hasPath = /^https?:\/\/[^/]+\/./.test(repo.proxy.remoteUrl);
    problems.push({
      field: 'Remote storage (proxy.remoteUrl)',
      actual: repo.proxy.remoteUrl,
      expected: NEXUS_UPSTREAM,
      fix: hasPath ? `set Remote storage to exactly ${NEXUS_UPSTREAM}: no organization or path (the organization belongs in the pull reference, e.g. <nexus host>/chainguard/<image>)` : `set Remote storage to ${NEXUS_UPSTREAM}`,
    });
  }
  if (!repo.online) problems.push({ field: 'Online', actual: 'false', expected: 'true', fix: 'tick Online so the repository answers requests' });
  if (repo.httpClient.blocked) problems.push({ field: 'Blocked (httpClient.blocked)', actual: 'true', expected: 'false', fix: 'untick Blocked in the HTTP section so Nexus may fetch from cgr.dev' });
  if (step.path === 'production' && desired.some((d) => d.api.startsWith('httpClient.authentication')) && !credsSet) {
    problems.push({ field: 'Authentication', actual: authType ? `type ${authType}` : 'not set', expected: 'Username with the pull token', fix: 'tick Authentication in the HTTP section, type Username, and enter the pull token identity id and password' });
  }
  for (const d of desired) {
    if (d.api === 'proxy.remoteUrl' && sameUrl(d.value, NEXUS_UPSTREAM)) continue; // covered by the URL rule above
    if (d.api.startsWith('httpClient.authentication') && problems.some((p) => p.field === 'Authentication')) continue;
    const actual = getPath(repo, d.api);
    if (!satisfied(actual, d, credsSet)) {
      const label = LABELS[d.api] ?? d.label;
      problems.push({ field: `${label} (${d.api})`, actual: d.spec.writeOnly ? 'not set' : show(actual), expected: d.spec.writeOnly ? 'set' : show(d.value), fix: `set ${label} to ${d.spec.writeOnly ? 'the value from the guide' : show(d.value)}` });
    }
  }
  return problems;
}

/**
 * Editions whose `Server` token is known: COMMUNITY (3.77+; the only one the Community EULA applies
 * to, nexus-onboarding-plugin CommunityOnboardingItem), PRO and OSS (seen on real servers), CORE (a
 * build of nexus-public, nexus-open-core-edition ApplicationVersionImpl).
 */
type NexusEdition = 'PRO' | 'COMMUNITY' | 'OSS' | 'CORE';
const KNOWN_EDITIONS: readonly string[] = ['PRO', 'COMMUNITY', 'OSS', 'CORE'];

/**
 * The edition, from the `Server` header Nexus sends on every response (nexus-base EnvironmentFilter:
 * "Nexus/<version> (<edition>)"; e.g. "(PRO)", "(OSS)" before 3.77, "(COMMUNITY)", "(CORE)" for a
 * build of nexus-public). `token` is what the header named, `edition` that token when it is a known
 * one (a token starting with PRO counts as PRO); both undefined when no header names one (a proxy in
 * front may strip it). The EULA endpoint exists on every edition, so it cannot tell them apart.
 */
async function nexusEdition(t: ApiTarget, signal?: AbortSignal): Promise<{ edition?: NexusEdition; token?: string }> {
  const res = await send(t, 'GET', `${API}/status`, { signal });
  const m = /\bNexus\/\S+\s+\(([^)]+)\)/i.exec(res.headers.get('server') ?? '');
  if (!m) return {};
  const token = m[1]!.trim().toUpperCase();
  const edition = token.startsWith('PRO') ? 'PRO' : KNOWN_EDITIONS.includes(token) ? (token as NexusEdition) : undefined;
  return { token, ...(edition ? { edition } : {}) };
}

const EDITION_NAMES: Record<NexusEdition, string> = { PRO: 'Pro', COMMUNITY: 'Community Edition', OSS: 'OSS', CORE: 'a build of nexus-public (CORE)' };

/** A known edition the Community Edition EULA does not apply to (PRO, OSS, CORE). */
function notCommunity(edition: NexusEdition | undefined): boolean {
  return edition !== undefined && edition !== 'COMMUNITY';
}

async function eulaDiagnosis(t: ApiTarget, signal: AbortSignal): Promise<AdapterError | undefined> {
  const res = await send(t, 'GET', `${API}/system/eula`, { signal });
  if (res.status === 404) return undefined; // before 3.77: no EULA gate
  if (res.status !== 200) return undefined;
  const eula = parseBody(t, res, NexusEulaSchema, 'GET system/eula');
  if (eula.accepted) return undefined;
  if (notCommunity((await nexusEdition(t, signal)).edition)) return undefined; // the Community EULA applies to COMMUNITY only
  return new AdapterError({
    code: 'EULA_NOT_ACCEPTED',
    cause: 'Nexus Community Edition has not had its EULA accepted: it answers every pull with 403 until an administrator accepts it',
    fix: 'sign in to Nexus as admin and accept the EULA where it asks; or, if you agree to it, turn on acceptEula and apply the guide\'s accept-eula step (Apply in the page, or --set acceptEula=true --apply) so it accepts it through the API',
  });
}

export function nexusDockerProxyAdapter(opts: AdapterOptions = {}): ProductAdapter {
  const name = 'nexus.docker-proxy';
  const repoName = (step: ResolvedFieldsStep) => step.entries.find((e) => e.api === 'name')?.value ?? requireValue(step, 'repoName');
  return {
    name,
    product: 'Nexus',
    async apply(step, signal): Promise<ApplyResult> {
      const t = target(step, opts);
      const repo = repoName(step);
      const desired = desiredSettings(name, step, PROXY_KEYS);
      const existing = await readNexusProxy(t, repo, signal);
      let changed = false;
      let resent = false;
      let note = '';
      if (!existing) {
        const body: Record<string, unknown> = deepClone(defaultProxy(step, repo)) as unknown as Record<string, unknown>;
        for (const d of desired) setPath(body, d.api, d.value);
        const parsed = NexusDockerProxyRequestSchema.parse(body);
        const res = await send(t, 'POST', `${API}/repositories/docker/proxy`, { body: parsed, signal });
        if (res.status !== 201) throw failure(t, res, `create repository "${repo}"`, step);
        changed = true;
      } else {
        const credsSet = existing.httpClient.authentication?.type === 'username' && !!existing.httpClient.authentication.username;
        // Write-only values (the pull-token password) cannot be compared: they are always sent again.
        const { stale, resend } = pendingUpdate(desired, existing, credsSet);
        if (stale.length || resend) {
          const body = requestFromResponse(existing);
          for (const d of desired) setPath(body, d.api, d.value);
          note = credentialsForUpdate(step, repo, existing, body, desired).note ?? '';
          const res = await send(t, 'PUT', `${API}/repositories/docker/proxy/${encodeURIComponent(repo)}`, { body, signal });
          if (res.status !== 204) throw failure(t, res, `update repository "${repo}"`, step);
          changed = stale.length > 0;
          resent = !changed;
        }
      }
      const after = await readNexusProxy(t, repo, signal);
      if (!after) throw new AdapterError({ code: 'NOT_FOUND', cause: `Nexus accepted repository "${repo}" but does not return it`, fix: 'look at the Nexus log; apply again' });
      const problems = nexusProblems(step, after);
      if (problems.length) throw new AdapterError({ code: 'WRONG_SETTINGS', cause: summarizeProblems(`repository "${repo}"`, problems), fix: problems.map((p) => p.fix).join('; ') });
      const eula = await eulaDiagnosis(t, signal);
      if (eula) throw eula;
      if (resent) return { changed: false, summary: `re-sent the pull-token password to docker (proxy) repository "${repo}" (Nexus never returns a password, so a rerun writes it again; only a pull through the repository proves it); every other setting already matched` };
      return { changed, summary: changed ? `${existing ? 'updated' : 'created'} docker (proxy) repository "${repo}"${note}` : `docker (proxy) repository "${repo}" already has these settings` };
    },
    async check(step, signal): Promise<CheckResult> {
      try {
        const t = target(step, opts);
        const repo = repoName(step);
        const existing = await readNexusProxy(t, repo, signal);
        if (!existing) return { ok: false, summary: `Nexus has no docker (proxy) repository "${repo}" yet`, diagnosis: { code: 'MISSING', cause: `repository "${repo}" does not exist`, fix: 'create it (apply this step)' } };
        const problems = nexusProblems(step, existing);
        if (problems.length) return { ok: false, summary: summarizeProblems(`repository "${repo}"`, problems), problems };
        const eula = await eulaDiagnosis(t, signal);
        if (eula) return { ok: false, summary: eula.diagnosis.cause, diagnosis: eula.diagnosis };
        const unproven = unprovenSettings(desiredSettings(name, step, PROXY_KEYS), LABELS);
        if (unproven.length) {
          return {
            ok: false,
            unproven,
            summary: `repository "${repo}" holds username "${existing.httpClient.authentication?.username ?? ''}"; the password cannot be read back from Nexus (it never returns one), so only a pull through the repository proves it; applying sends it again`,
          };
        }
        return { ok: true, summary: `docker (proxy) repository "${repo}" mirrors ${existing.proxy.remoteUrl}${existing.docker.httpPort ? ` on port ${existing.docker.httpPort}` : ''}` };
      } catch (e) {
        return checkFailure(e);
      }
    },
  };
}

/** Adds the step's realm ids (e.g. DockerToken) to the active realms, keeping the ones already active. */
export function nexusRealmsAdapter(opts: AdapterOptions = {}): ProductAdapter {
  const wanted = (step: ResolvedFieldsStep) => {
    const ids = step.entries.flatMap((e) => (e.api ? [e.api] : []));
    if (!ids.length) throw new AdapterError({ code: 'GUIDE_API_KEY', cause: `step "${step.step.id}" names no realm (api="DockerToken")`, fix: 'add api="<realm id>" to the step\'s <Set> line' });
    return ids;
  };
  const read = async (t: ApiTarget, signal: AbortSignal) => {
    const res = await send(t, 'GET', `${API}/security/realms/active`, { signal });
    if (res.status !== 200) throw new AdapterError(statusDiagnosis(t, res, 'read the active realms', validationMessages(res).join('; ')), { status: res.status });
    return parseBody(t, res, NexusRealmsSchema, 'GET security/realms/active');
  };
  /** The realms the step wants, those Nexus has active, and the wanted ones that are not. */
  const state = async (step: ResolvedFieldsStep, signal: AbortSignal) => {
    const t = target(step, opts);
    const ids = wanted(step);
    const active = await read(t, signal);
    return { t, ids, active, missing: ids.filter((id) => !active.includes(id)) };
  };
  return {
    name: 'nexus.realms',
    product: 'Nexus',
    async apply(step, signal) {
      const { t, ids, active, missing } = await state(step, signal);
      if (!missing.length) return { changed: false, summary: `realms ${ids.join(', ')} already active` };
      const res = await send(t, 'PUT', `${API}/security/realms/active`, { body: [...active, ...missing], signal });
      if (res.status !== 204) throw failure(t, res, `activate realm ${missing.join(', ')}`, step);
      return { changed: true, summary: `activated realm ${missing.join(', ')} (kept ${active.join(', ') || 'none'})` };
    },
    async check(step, signal) {
      try {
        const { ids, active, missing } = await state(step, signal);
        if (!missing.length) return { ok: true, summary: `realms ${ids.join(', ')} active` };
        return {
          ok: false,
          summary: `realm ${missing.join(', ')} not active`,
          problems: missing.map((id) => ({ field: 'Security › Realms › Active', actual: active.join(', ') || '(none)', expected: `includes ${id}`, fix: `move ${id === 'DockerToken' ? 'Docker Bearer Token Realm' : id} to Active and save` })),
        };
      } catch (e) {
        return checkFailure(e);
      }
    },
  };
}

/**
 * Accepts the Community Edition EULA (3.77+): GET it, POST it back with accepted=true. Only on a
 * server whose `Server` header says COMMUNITY (the EULA applies to that edition only; the endpoint is
 * registered on PRO, OSS and CORE too), and an edition the adapter cannot tell is refused (accept it
 * in the UI). No endpoint (older): nothing to do.
 */
export function nexusEulaAdapter(opts: AdapterOptions = {}): ProductAdapter {
  const read = async (t: ApiTarget, signal: AbortSignal) => {
    const res = await send(t, 'GET', `${API}/system/eula`, { signal });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new AdapterError(statusDiagnosis(t, res, 'read the EULA status'), { status: res.status });
    return parseBody(t, res, NexusEulaSchema, 'GET system/eula');
  };
  return {
    name: 'nexus.eula',
    product: 'Nexus',
    async apply(step, signal) {
      const t = target(step, opts);
      const eula = await read(t, signal);
      if (!eula) return { changed: false, summary: 'this Nexus has no EULA to accept (a version before 3.77)' };
      if (eula.accepted) return { changed: false, summary: 'the EULA is already accepted' };
      const { edition, token } = await nexusEdition(t, signal);
      if (notCommunity(edition)) return { changed: false, summary: `this Nexus is ${EDITION_NAMES[edition!]} (its Server header names ${edition}): the Community Edition EULA does not apply, nothing accepted` };
      if (!edition) {
        throw new AdapterError({
          code: 'EDITION_UNKNOWN',
          cause: token
            ? `Nexus answers the EULA endpoint on every edition, and this server's Server header names an edition this tool does not know ("${token}"; it knows PRO, COMMUNITY, OSS and CORE), so the adapter will not accept the Community Edition EULA in your name`
            : 'Nexus answers the EULA endpoint on every edition, and this server\'s edition cannot be told: no Server header names it (a proxy in front of Nexus may remove it), so the adapter will not accept the Community Edition EULA in your name',
          fix: token
            ? 'sign in to Nexus as an administrator and accept the EULA where it asks, if your edition has one'
            : 'sign in to Nexus as an administrator and accept the EULA where it asks (Community Edition only); or let the Server header through the proxy and apply again',
        });
      }
      const res = await send(t, 'POST', `${API}/system/eula`, { body: { accepted: true, disclaimer: eula.disclaimer }, signal });
      if (res.status !== 204) throw new AdapterError(statusDiagnosis(t, res, 'accept the EULA', validationMessages(res).join('; ')), { status: res.status });
      return { changed: true, summary: 'accepted the Nexus Community Edition EULA' };
    },
    async check(step, signal) {
      try {
        const t = target(step, opts);
        const eula = await read(t, signal);
        if (!eula) return { ok: true, summary: 'no EULA on this Nexus' };
        if (!eula.accepted) {
          const { edition } = await nexusEdition(t, signal);
          if (notCommunity(edition)) return { ok: true, summary: `Nexus ${EDITION_NAMES[edition!]}: the Community Edition EULA does not apply` };
        }
        return eula.accepted ? { ok: true, summary: 'EULA accepted' } : { ok: false, summary: 'EULA not accepted', diagnosis: { code: 'EULA_NOT_ACCEPTED', cause: 'the Community Edition EULA is not accepted; pulls answer 403', fix: 'accept it (apply this step, or in the Nexus UI)' } };
      } catch (e) {
        return checkFailure(e);
      }
    },
  };
}
