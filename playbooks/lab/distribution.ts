// One CNCF Distribution registry (Debian's `docker-registry`) as a supervised process on
// 127.0.0.1, with its config, storage, log and pid file under `<stateDir>/<name>/`.
// Reused by the product emulators as their data plane (a proxy cache per repository).
import { accessSync, constants, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { PlaybookError } from '../errors.ts';
import { fileSize, freePort, isAlive, readFrom, readPid, spawnDetached, stopPid, tailFile, waitForHttp } from './process.ts';

/** Token auth of the registry (Distribution's `auth.token` section). */
export interface TokenAuthOptions {
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
}

/** Proxy (pull-through cache) mode: one upstream; credentials reach the process as environment variables only. */
export interface ProxyOptions {
  remoteUrl: string;
  username?: string;
  password?: string;
  /** How long cached content is kept, e.g. "168h". */
  ttl?: string;
}

export interface StartDistributionOptions {
  /** Component name: the folder under stateDir and the log name. */
  name: string;
  stateDir: string;
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  proxy?: ProxyOptions;
  auth?: TokenAuthOptions;
  /** Extra config merged over the generated one (e.g. `{log: {level: 'debug'}}`). */
  config?: Record<string, unknown>;
  /** Registry program; default $CGR_PLAYBOOK_REGISTRY_BIN, then `docker-registry` on PATH, then /usr/bin/docker-registry. */
  registryBin?: string;
  /** How long to wait for /v2/ to answer, ms (default 15 s). */
  readyTimeoutMs?: number;
}

export interface RunningDistribution {
  name: string;
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port> (for image references) */
  host: string;
  port: number;
  pid: number;
  dir: string;
  dataDir: string;
  logFile: string;
  pidFile: string;
  stop(): Promise<void>;
}

/** A registry's pid is confirmed by its command line, which names its own config file. */
export function registryMarker(stateDir: string, name: string): string {
  return join(stateDir, name, 'config.yml');
}

export function findRegistryBin(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const candidates = explicit ? [explicit] : env['CGR_PLAYBOOK_REGISTRY_BIN'] ? [env['CGR_PLAYBOOK_REGISTRY_BIN']] : [...(env['PATH'] ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'docker-registry')), '/usr/bin/docker-registry'];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  throw new PlaybookError('LAB_REGISTRY_MISSING', `the registry program ${explicit ?? env['CGR_PLAYBOOK_REGISTRY_BIN'] ?? 'docker-registry'} (CNCF Distribution) was not found`, {
    hint: 'install it with: sudo apt-get install docker-registry   (or set CGR_PLAYBOOK_REGISTRY_BIN to the path of a `registry` binary)',
  });
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur) ? deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export function distributionConfig(o: { port: number; dataDir: string; proxy?: ProxyOptions; auth?: TokenAuthOptions; name: string; extra?: Record<string, unknown> }): Record<string, unknown> {
  const cfg: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', formatter: 'text', fields: { service: o.name } },
    storage: { filesystem: { rootdirectory: o.dataDir }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
    http: { addr: `127.0.0.1:${o.port}` },
  };
  if (o.auth) cfg['auth'] = { token: { realm: o.auth.realm, service: o.auth.service, issuer: o.auth.issuer, rootcertbundle: o.auth.rootCertBundle } };
  // Credentials are left out of the file on purpose: REGISTRY_PROXY_USERNAME/PASSWORD carry them.
  if (o.proxy) cfg['proxy'] = { remoteurl: o.proxy.remoteUrl, ...(o.proxy.ttl ? { ttl: o.proxy.ttl } : {}) };
  return o.extra ? deepMerge(cfg, o.extra) : cfg;
}

/**
 * Starts a Distribution registry on 127.0.0.1 and waits until /v2/ answers. In proxy mode the
 * upstream must already answer: Distribution checks it at start and exits when it is down.
 */
export async function startDistribution(opts: StartDistributionOptions): Promise<RunningDistribution> {
  const bin = findRegistryBin(opts.registryBin);
  const dir = join(opts.stateDir, opts.name);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logFile = join(dir, 'registry.log');
  const pidFile = join(dir, 'registry.pid');
  const configFile = join(dir, 'config.yml');
  const old = readPid(pidFile);
  if (old !== undefined && isAlive(old, configFile)) {
    throw new PlaybookError('LAB_ALREADY_RUNNING', `registry "${opts.name}" already runs (pid ${old}, ${dir})`, { hint: 'stop it first (cgr-playbook lab down)' });
  }
  if (opts.proxy) {
    // A proxy exits at start when its upstream is down: say so plainly instead.
    try {
      const r = await fetch(`${opts.proxy.remoteUrl.replace(/\/+$/, '')}/v2/`, { signal: AbortSignal.timeout(5000) });
      await r.body?.cancel().catch(() => {});
    } catch (e) {
      throw new PlaybookError('LAB_UPSTREAM_DOWN', `the upstream ${opts.proxy.remoteUrl} of cache "${opts.name}" does not answer (${(e as Error).message})`, { hint: 'start the upstream first: a Distribution proxy exits when its upstream is down at start' });
    }
  }
  const tries = opts.port !== undefined ? 1 : 3;
  let lastErr = '';
  for (let attempt = 0; attempt < tries; attempt++) {
    const port = opts.port ?? (await freePort());
    writeFileSync(configFile, stringify(distributionConfig({ port, dataDir, name: opts.name, ...(opts.proxy ? { proxy: opts.proxy } : {}), ...(opts.auth ? { auth: opts.auth } : {}), ...(opts.config ? { extra: opts.config } : {}) })), { mode: 0o600 });
    const env: NodeJS.ProcessEnv = { ...process.env, REGISTRY_HTTP_SECRET: randomBytes(16).toString('hex') };
    delete env['REGISTRY_PROXY_USERNAME'];
    delete env['REGISTRY_PROXY_PASSWORD'];
    if (opts.proxy?.username) env['REGISTRY_PROXY_USERNAME'] = opts.proxy.username;
    if (opts.proxy?.password) env['REGISTRY_PROXY_PASSWORD'] = opts.proxy.password;
    const logOffset = fileSize(logFile);
    const proc = spawnDetached(bin, ['serve', configFile], { logFile, pidFile, env, cwd: dir });
    let exited = false;
    void proc.exited.then(() => (exited = true));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(`${url}/v2/`, {
        timeoutMs: opts.readyTimeoutMs ?? 15_000,
        alive: () => !exited && isAlive(proc.pid),
        ready: () => readFrom(logFile, logOffset).includes(`listening on 127.0.0.1:${port}`),
      });
    } catch (e) {
      await stopPid(proc.pid, undefined, 1000);
      lastErr = `${(e as Error).message}\n${tailFile(logFile)}`;
      if (/address already in use/.test(lastErr) && attempt + 1 < tries) continue;
      throw new PlaybookError('LAB_REGISTRY_START', `registry "${opts.name}" did not start: ${lastErr}`, { hint: `see ${logFile}` });
    }
    const pid = proc.pid;
    return {
      name: opts.name,
      url,
      host: `127.0.0.1:${port}`,
      port,
      pid,
      dir,
      dataDir,
      logFile,
      pidFile,
      async stop() {
        await stopPid(pid, configFile);
        if (existsSync(pidFile) && readPid(pidFile) === pid) rmSync(pidFile, { force: true });
      },
    };
  }
  throw new PlaybookError('LAB_REGISTRY_START', `registry "${opts.name}" did not start: ${lastErr}`);
}
