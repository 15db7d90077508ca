// Trust for a registry whose HTTPS certificate a private CA signed. Docker reads such a CA from
// /etc/docker/certs.d/<host:port>/ca.crt and adds it to the system's trusted CAs (Go's
// SystemCertPool); a probe given `caFile` does the same: a fetch that trusts the machine's own
// store, Node's default CAs and the certificates of that PEM file. No file there, or none usable
// (no certificate in it, unreadable): the machine's store and Node's defaults alone, as docker
// ignores what is no certificate (the caller says so on a TLS failure).
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { Agent, request } from 'node:https';
import { Readable } from 'node:stream';
import * as tls from 'node:tls';

/** A CA bundle is a few kB; more than this is not a CA file. */
const MAX_CA_FILE_BYTES = 1024 * 1024;

/** What a probe's caFile gave: every kind comes with a fetch trusting the machine's CAs (plus the file's when loaded). */
export type CaTrust = ({ kind: 'absent'; path: string } | { kind: 'unusable'; path: string; problem: string } | { kind: 'loaded'; path: string; count: number }) & {
  fetch: typeof fetch;
  close(): void;
};

type CaKind = 'default' | 'system';

/**
 * The CAs this machine trusts without a file, as docker's SystemCertPool does: Node's defaults
 * (its bundle, NODE_EXTRA_CA_CERTS) and the operating system's store (the OpenSSL bundle on Linux, which
 * SSL_CERT_FILE / SSL_CERT_DIR move; the keychain on macOS; the certificate store on Windows),
 * read once by Node. A store that cannot be read leaves Node's defaults.
 */
function machineCas(): string[] {
  const get = (tls as { getCACertificates?: (type?: CaKind) => string[] }).getCACertificates;
  if (typeof get !== 'function') return [...tls.rootCertificates];
  let system: string[] = [];
  try {
    system = get('system');
  } catch {
    system = [];
  }
  return [...new Set([...get('default'), ...system])];
}

function trusting(extra: string[]): { fetch: typeof fetch; close(): void } {
  const agent = new Agent({ keepAlive: true, ca: [...machineCas(), ...extra] });
  return { fetch: httpsFetch(agent), close: () => agent.destroy() };
}

/**
 * The part of `fetch` the registry client uses (GET/HEAD, headers, signal, redirects not
 * followed), over node:https with `agent`. Not undici's fetch: importing undici makes its Agent
 * the dispatcher of every other fetch in the process. Plain http:// URLs go to the global fetch.
 */
function httpsFetch(agent: Agent): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:') return fetch(input, init);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => {
      headers[k] = v;
    });
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, { method: init.method ?? 'GET', headers, agent, ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue;
          for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
        }
        const status = res.statusCode ?? 502;
        const empty = init.method === 'HEAD' || status === 204 || status === 304;
        if (empty) res.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage ?? '', headers: h }));
      });
      req.on('error', (e) => reject(new TypeError('fetch failed', { cause: e })));
      req.end();
    });
  }) as typeof fetch;
}

/** Reads `path` (PEM certificates) and returns a fetch that trusts them on top of the machine's CAs. */
export async function loadCaFile(path: string): Promise<CaTrust> {
  const unusable = (problem: string): CaTrust => ({ kind: 'unusable', path, problem, ...trusting([]) });
  if (!isAbsolute(path)) return unusable('it is not an absolute path');
  let text: string;
  try {
    const s = await stat(path);
    if (!s.isFile()) return unusable('it is not a regular file');
    if (s.size > MAX_CA_FILE_BYTES) return unusable(`it is ${Math.round(s.size / 1024)} KiB, more than a CA certificate file holds`);
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent', path, ...trusting([]) };
    return unusable(code === 'EACCES' ? 'this user may not read it' : `it cannot be read (${code ?? 'error'})`);
  }
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (pems.length === 0) return unusable('it holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----)');
  for (const [i, pem] of pems.entries()) {
    try {
      new X509Certificate(pem);
    } catch {
      return unusable(`its certificate number ${i + 1} cannot be read`);
    }
  }
  return { kind: 'loaded', path, count: pems.length, ...trusting(pems) };
}
