// The lab: a stand-in for cgr.dev on 127.0.0.1. A token service (node:http, ES256 JWTs) and a
// Distribution registry with token auth (the "upstream"), seeded with small images; optionally a
// Distribution pull-through cache in front. Everything lives under one state directory.
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlaybookError } from '../errors.ts';
import { findRegistryBin, registryMarker, startDistribution, type RunningDistribution } from './distribution.ts';
import { buildStatic, buildWolfiBase, pushImage, type BuiltImage } from './images.ts';
import { fileSize, freePort, isAlive, readFrom, readPid, spawnDetached, stopPid, tailFile, waitForHttp } from './process.ts';
import { ensureSigningKey, loadSigningKey } from './signing.ts';
import { createPullToken, LAB_ISSUER, LAB_SERVICE, parseTtl, PUBLIC_NAMESPACE, registryToken, type PullToken } from './tokens.ts';

export const DEFAULT_ORG = 'acme.example';
export const DEFAULT_TOKEN_TTL = '720h';
const MAX_TTL_SECONDS = 8760 * 3600;

/** `$XDG_STATE_HOME/cgr-playbook/lab` when XDG_STATE_HOME is set, else `<tmpdir>/cgr-playbook-lab-<user>`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['XDG_STATE_HOME']) return join(env['XDG_STATE_HOME'], 'cgr-playbook', 'lab');
  let user = 'user';
  try {
    user = userInfo().username || String(process.getuid?.() ?? 'user');
  } catch {
    /* keep */
  }
  return join(tmpdir(), `cgr-playbook-lab-${user}`);
}

export interface LabComponent {
  name: 'token' | 'upstream' | 'cache';
  url: string;
  host: string;
  pid: number;
}

/** lab.json: where everything is. Holds no secret. */
export interface LabState {
  stateDir: string;
  org: string;
  service: string;
  startedAt: string;
  upstream: LabComponent;
  token: LabComponent;
  cache?: LabComponent;
  images: Array<{ reference: string; digest: string; platforms: string[]; visibility: 'public' | 'private' }>;
}

export interface LabUpOptions {
  stateDir?: string;
  org?: string;
  /** Start the pull-through cache in front (default true). */
  cache?: boolean;
  /** Lifetime of the cache's own pull token (default 720h). */
  cacheTokenTtl?: string;
  registryBin?: string;
  signal?: AbortSignal;
  /** Fixed ports (default: free ones). */
  ports?: { token?: number; upstream?: number; cache?: number };
}

const stateFile = (dir: string) => join(dir, 'lab.json');
const tokenDir = (dir: string) => join(dir, 'token');

function tokenServerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return join(here, '..', `token-server-main${here.endsWith('.ts') ? '.ts' : '.js'}`);
}

export function readLabState(stateDir: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(stateDir), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

function validateOrg(org: string): void {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(org) || org === PUBLIC_NAMESPACE) {
    throw new PlaybookError('LAB_BAD_ORG', `organization ${JSON.stringify(org)} cannot be a repository namespace`, { hint: `use lower-case letters, digits, . _ - (and not "${PUBLIC_NAMESPACE}"), e.g. ${DEFAULT_ORG}` });
  }
}

function ttlSeconds(ttl: string): number {
  let s: number;
  try {
    s = parseTtl(ttl);
  } catch (e) {
    throw new PlaybookError('LAB_BAD_TTL', (e as Error).message, { hint: 'e.g. --ttl 720h (the default), --ttl 30m or --ttl 45s' });
  }
  if (s <= 0 || s > MAX_TTL_SECONDS) throw new PlaybookError('LAB_BAD_TTL', `ttl ${ttl} is outside 1s..8760h`, { hint: 'chainctl allows at most 8760h' });
  return s;
}
/**
 * Why a state folder may not be used: the default one has a predictable name in the shared temp
 * folder, so someone else could have made it first and planted a signing key, pid files, or log
 * files that are symlinks to your files (the lab appends to its logs). `uid` undefined: the
 * platform has no user ids.
 */
export function stateDirProblem(st: { uid: number; mode: number; symlink: boolean; dir: boolean }, uid: number | undefined): string | undefined {
  if (st.symlink) return 'is a symbolic link';
  if (!st.dir) return 'is not a folder';
  if (uid === undefined) return undefined;
  if (st.uid !== uid && st.uid !== 0) return `belongs to another user (uid ${st.uid})`;
  if (st.mode & 0o002) return 'is writable by other users';
  return undefined;
}

/** Refuses a state folder that exists and may not be trusted (stateDirProblem). */
function checkStateDir(stateDir: string): void {
  let st;
  try {
    st = lstatSync(stateDir);
  } catch {
    return; // not there yet: made with mode 0700 when the lab starts
  }
  const problem = stateDirProblem({ uid: st.uid, mode: st.mode, symlink: st.isSymbolicLink(), dir: st.isDirectory() }, process.getuid?.());
  if (problem) throw new PlaybookError('lab-state', `the lab's state folder ${stateDir} ${problem}, so it is not used`, { hint: 'remove it if you did not make it, or pass another one with --state-dir (or CGR_PLAYBOOK_LAB_STATE_DIR)' });
}

/** Starts the lab (token service, upstream registry, seed images, optional cache). Idempotent: a running lab is returned as is. */
export async function labUp(opts: LabUpOptions = {}): Promise<LabState> {
  const stateDir = opts.stateDir ?? defaultStateDir();
  const org = opts.org ?? DEFAULT_ORG;
  validateOrg(org);
  const registryBin = findRegistryBin(opts.registryBin);
  const signal = opts.signal ?? new AbortController().signal;
  const current = await labStatus({ stateDir });
  if (current.running && current.state) return current.state;
  if (current.components.some((c) => c.alive)) await labDown({ stateDir });
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  checkStateDir(stateDir);
  const key = ensureSigningKey(stateDir);
  const started: Array<() => Promise<unknown>> = [];
  try {
    // 1. token service (a free port can be taken by someone else before we bind it: retry)
    mkdirSync(tokenDir(stateDir), { recursive: true, mode: 0o700 });
    const tPidFile = join(tokenDir(stateDir), 'token.pid');
    const tLog = join(tokenDir(stateDir), 'token.log');
    const entry = tokenServerEntry();
    let tokenUrl = '';
    let tPort = 0;
    let tPid = 0;
    for (let attempt = 0; ; attempt++) {
      tPort = opts.ports?.token ?? (await freePort());
      const tOffset = fileSize(tLog);
      const t = spawnDetached(process.execPath, [entry, stateDir, String(tPort)], { logFile: tLog, pidFile: tPidFile });
      let tExited = false;
      void t.exited.then(() => (tExited = true));
      tokenUrl = `http://127.0.0.1:${tPort}`;
      try {
        await waitForHttp(`${tokenUrl}/healthz`, { alive: () => !tExited && isAlive(t.pid), ready: () => readFrom(tLog, tOffset).includes(`listening on 127.0.0.1:${tPort}`), signal });
        tPid = t.pid;
        started.push(() => stopPid(t.pid, stateDir));
        break;
      } catch (e) {
        await stopPid(t.pid, stateDir, 1000);
        const log = readFrom(tLog, tOffset);
        if (/EADDRINUSE/.test(log) && opts.ports?.token === undefined && attempt < 2) continue;
        throw new PlaybookError('LAB_TOKEN_START', `the lab token service did not start: ${(e as Error).message}\n${tailFile(tLog)}`, { hint: `see ${tLog}` });
      }
    }
    // 2. upstream registry with token auth
    const upstream = await startDistribution({
      name: 'upstream',
      stateDir,
      registryBin,
      ...(opts.ports?.upstream ? { port: opts.ports.upstream } : {}),
      auth: { realm: `${tokenUrl}/token`, service: LAB_SERVICE, issuer: LAB_ISSUER, rootCertBundle: key.certFile },
    });
    started.push(() => upstream.stop());
    // 3. seed images
    const images: BuiltImage[] = [buildWolfiBase(`${PUBLIC_NAMESPACE}/wolfi-base`), buildStatic(`${PUBLIC_NAMESPACE}/static`), buildWolfiBase(`${org}/wolfi-base`)];
    const seeded: LabState['images'] = [];
    for (const img of images) {
      const auth = `Bearer ${registryToken(key, 'lab-seeder', [{ type: 'repository', name: img.repository, actions: ['pull', 'push'] }], 120)}`;
      const digest = await pushImage(upstream.url, img, auth, signal);
      seeded.push({
        reference: `${upstream.host}/${img.repository}:${img.tag}`,
        digest,
        platforms: img.manifests.filter((m) => m.descriptor.platform).map((m) => `${m.descriptor.platform!.os}/${m.descriptor.platform!.architecture}`),
        visibility: img.repository.startsWith(`${PUBLIC_NAMESPACE}/`) ? 'public' : 'private',
      });
    }
    // 4. optional pull-through cache, started after its upstream answers
    let cache: RunningDistribution | undefined;
    if (opts.cache !== false) {
      const pt = createPullToken(key, org, ttlSeconds(opts.cacheTokenTtl ?? DEFAULT_TOKEN_TTL));
      cache = await startDistribution({
        name: 'cache',
        stateDir,
        registryBin,
        ...(opts.ports?.cache ? { port: opts.ports.cache } : {}),
        proxy: { remoteUrl: upstream.url, username: pt.identityId, password: pt.token, ttl: '168h' },
      });
      started.push(() => cache!.stop());
    }
    const state: LabState = {
      stateDir,
      org,
      service: LAB_SERVICE,
      startedAt: new Date().toISOString(),
      token: { name: 'token', url: tokenUrl, host: `127.0.0.1:${tPort}`, pid: tPid },
      upstream: { name: 'upstream', url: upstream.url, host: upstream.host, pid: upstream.pid },
      ...(cache ? { cache: { name: 'cache', url: cache.url, host: cache.host, pid: cache.pid } } : {}),
      images: seeded,
    };
    writeFileSync(stateFile(stateDir), JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    return state;
  } catch (e) {
    for (const stop of started.reverse()) await stop().catch(() => {});
    throw e;
  }
}

export interface ComponentStatus {
  name: string;
  url?: string;
  pid?: number;
  alive: boolean;
  /** HTTP status of /v2/ (registries) or /healthz (token service); undefined when it did not answer. */
  answers?: number;
}

export interface LabStatus {
  stateDir: string;
  running: boolean;
  state?: LabState;
  components: ComponentStatus[];
}

function componentFiles(stateDir: string): Array<{ name: string; pidFile: string; marker: string }> {
  return [
    { name: 'cache', pidFile: join(stateDir, 'cache', 'registry.pid'), marker: registryMarker(stateDir, 'cache') },
    { name: 'upstream', pidFile: join(stateDir, 'upstream', 'registry.pid'), marker: registryMarker(stateDir, 'upstream') },
    // The token service runs from .ts (tests) or .js (dist): its command line names the state dir either way.
    { name: 'token', pidFile: join(tokenDir(stateDir), 'token.pid'), marker: stateDir },
  ];
}

export async function labStatus(opts: { stateDir?: string } = {}): Promise<LabStatus> {
  const stateDir = opts.stateDir ?? defaultStateDir();
  checkStateDir(stateDir);
  const state = readLabState(stateDir);
  const components: ComponentStatus[] = [];
  for (const c of componentFiles(stateDir)) {
    const pid = readPid(c.pidFile);
    const alive = pid !== undefined && isAlive(pid, c.marker);
    const comp = state ? (state as unknown as Record<string, LabComponent | undefined>)[c.name] : undefined;
    let answers: number | undefined;
    if (alive && comp) {
      try {
        const r = await fetch(`${comp.url}${c.name === 'token' ? '/healthz' : '/v2/'}`, { signal: AbortSignal.timeout(2000) });
        await r.body?.cancel().catch(() => {});
        answers = r.status;
      } catch {
        /* not answering */
      }
    }
    if (pid !== undefined || comp) components.push({ name: c.name, ...(comp ? { url: comp.url } : {}), ...(pid !== undefined ? { pid } : {}), alive, ...(answers !== undefined ? { answers } : {}) });
  }
  const expected = state ? ['token', 'upstream', ...(state.cache ? ['cache'] : [])] : [];
  const running = Boolean(state) && expected.every((n) => components.find((c) => c.name === n)?.alive && components.find((c) => c.name === n)?.answers !== undefined);
  return { stateDir, running, ...(state ? { state } : {}), components };
}

/** Stops every lab process by its pid (cache, upstream, token service — reverse start order). `purge` also deletes the state directory. */
export async function labDown(opts: { stateDir?: string; purge?: boolean } = {}): Promise<{ stopped: string[] }> {
  const stateDir = opts.stateDir ?? defaultStateDir();
  checkStateDir(stateDir);
  const stopped: string[] = [];
  for (const c of componentFiles(stateDir)) {
    const pid = readPid(c.pidFile);
    if (pid !== undefined && (await stopPid(pid, c.marker))) stopped.push(c.name);
    rmSync(c.pidFile, { force: true });
  }
  rmSync(stateFile(stateDir), { force: true });
  if (opts.purge && existsSync(stateDir)) rmSync(stateDir, { recursive: true, force: true });
  return { stopped };
}

export interface IssuedToken extends PullToken {
  /** The registry host to log in to (the lab's upstream). */
  registry: string;
  /** The line `chainctl auth configure-docker --pull-token` prints (contains the secret). */
  loginCommand: string;
}

/** Issues a pull token for `org` (default the lab's) from the running lab. */
export async function issueToken(opts: { stateDir?: string; org?: string; ttl?: string } = {}): Promise<IssuedToken> {
  const stateDir = opts.stateDir ?? defaultStateDir();
  const st = await labStatus({ stateDir });
  if (!st.running || !st.state) {
    throw new PlaybookError('LAB_NOT_RUNNING', `no running lab in ${stateDir}`, { hint: 'start it with: cgr-playbook lab up' + (opts.stateDir ? ` --state-dir ${stateDir}` : '') });
  }
  const org = opts.org ?? st.state.org;
  validateOrg(org);
  const pt = createPullToken(loadSigningKey(stateDir), org, ttlSeconds(opts.ttl ?? DEFAULT_TOKEN_TTL));
  const registry = st.state.upstream.host;
  return { ...pt, registry, loginCommand: `docker login "${registry}" --username "${pt.identityId}" --password "${pt.token}"` };
}
