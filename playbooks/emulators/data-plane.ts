// The EMULATORS' data plane: each emulated repository is backed by a real CNCF Distribution
// pull-through cache (started through the lab's `startDistribution`), and pulls are
// reverse-proxied to it. Distribution reads its upstream credentials at start, so a change of
// upstream URL or credentials stops the cache and the next pull starts a fresh one.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { json } from './server.ts';

/** What an emulator needs to start a cache: the lab's startDistribution fits this shape. */
export type StartCache = (opts: { name: string; stateDir: string; proxy: { remoteUrl: string; username?: string; password?: string } }) => Promise<RunningCache>;

export interface RunningCache {
  /** http://127.0.0.1:<port> */
  url: string;
  host: string;
  pid: number;
  stop(): Promise<void>;
}

export interface DataPlaneOptions {
  /** Starts one Distribution pull-through cache (the lab's startDistribution). */
  start: StartCache;
  /** Where the caches keep config, data and logs (a test's temp directory). */
  stateDir: string;
  /** Upstream URL prefixes to replace, e.g. {"https://cgr.dev": "http://127.0.0.1:5000"} (the lab's stand-in). */
  upstreamMap?: Record<string, string>;
}

export interface CacheSpec {
  /** The upstream URL as the product stores it (before upstreamMap). */
  remoteUrl: string;
  username?: string;
  password?: string;
}

/** Replaces a mapped origin (https://cgr.dev) by its stand-in; keeps the path. */
export function mapUpstream(url: string, map: Record<string, string> = {}): string {
  for (const [from, to] of Object.entries(map)) {
    const f = from.replace(/\/+$/, '');
    if (url === f || url.startsWith(f + '/')) return to.replace(/\/+$/, '') + url.slice(f.length);
  }
  return url;
}

/** One repository's cache: started on first use, restarted after a configuration change. */
export class RepoCache {
  private readonly opts: DataPlaneOptions;
  private readonly name: string;
  private spec: CacheSpec;
  private running: Promise<RunningCache> | undefined;
  private generation = 0;
  /** How many caches this repository has started (a restart after a credential change counts). */
  starts = 0;

  constructor(opts: DataPlaneOptions, name: string, spec: CacheSpec) {
    this.opts = opts;
    this.name = name;
    this.spec = spec;
  }

  /** Records a new configuration; a different upstream or credentials stops the running cache. */
  async reconfigure(spec: CacheSpec): Promise<void> {
    const same = spec.remoteUrl === this.spec.remoteUrl && spec.username === this.spec.username && spec.password === this.spec.password;
    this.spec = spec;
    if (!same) await this.stop();
  }

  /** The running cache, starting it when needed; rejects when it cannot start (upstream down). */
  ensure(): Promise<RunningCache> {
    if (!this.running) {
      const gen = ++this.generation;
      const remote = mapUpstream(originOf(this.spec.remoteUrl), this.opts.upstreamMap);
      this.starts++;
      const p = this.opts.start({
        name: `${this.name}-${gen}`,
        stateDir: this.opts.stateDir,
        proxy: { remoteUrl: remote, ...(this.spec.username ? { username: this.spec.username } : {}), ...(this.spec.password ? { password: this.spec.password } : {}) },
      });
      this.running = p;
      p.catch(() => {
        if (this.running === p) this.running = undefined; // try again on the next pull
      });
    }
    return this.running;
  }

  /** The running cache's address, if one is running (test inspection). */
  async currentUrl(): Promise<string | undefined> {
    const r = this.running;
    return r ? r.then((c) => c.url, () => undefined) : undefined;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  async stop(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    if (r) await r.then((c) => c.stop(), () => undefined);
  }
}

/** The scheme and host of a URL: Distribution serves an upstream from its root. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Registry-style error body. */
export function registryError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  json(res, status, { errors: [{ code, message, detail: null }] }, { 'docker-distribution-api-version': 'registry/2.0', ...headers });
}

/** Forwards one registry request to a cache at `path` (e.g. /v2/chainguard/wolfi-base/manifests/latest). */
export function forward(req: IncomingMessage, res: ServerResponse, cacheUrl: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    const target = new URL(path, cacheUrl);
    const headers = { ...req.headers };
    delete headers.authorization;
    delete headers.host;
    const up = httpRequest(target, { method: req.method, headers }, (ures) => {
      const h = { ...ures.headers };
      delete h['www-authenticate'];
      res.writeHead(ures.statusCode ?? 502, h);
      ures.pipe(res);
      ures.on('end', () => resolve(ures.statusCode ?? 502));
      ures.on('error', () => resolve(502));
    });
    up.on('error', (e) => {
      if (!res.headersSent) registryError(res, 502, 'UNKNOWN', `cache unreachable: ${e.message}`);
      else res.destroy();
      resolve(502);
    });
    req.pipe(up);
  });
}

/** Asks a cache without answering the client (to try several upstreams in order). */
export function peek(cacheUrl: string, method: string, path: string, accept: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const r = httpRequest(new URL(path, cacheUrl), { method: method === 'GET' ? 'HEAD' : method, headers: accept ? { accept } : {} }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 502);
    });
    r.on('error', () => resolve(502));
    r.end();
  });
}
