// Trust for a registry whose HTTPS certificate a private CA signed. Docker reads such a CA from
// /etc/docker/certs.d/<host:port>/ca.crt and adds it to the system's trusted CAs; a probe given
// `caFile` does the same: a fetch that trusts the certificates of that PEM file in addition to
// Node's default ones. No file there: the default trust alone (the caller says so on a TLS failure).
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import * as tls from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';

/** A CA bundle is a few kB; more than this is not a CA file. */
const MAX_CA_FILE_BYTES = 1024 * 1024;

export type CaTrust =
  | { kind: 'absent'; path: string }
  | { kind: 'unusable'; path: string; problem: string }
  | { kind: 'loaded'; path: string; count: number; fetch: typeof fetch; close(): Promise<void> };

/** The CAs Node trusts by default (its bundle, NODE_EXTRA_CA_CERTS, and the system's when Node is told to use them). */
function defaultCas(): string[] {
  const get = (tls as { getCACertificates?: (type?: 'default') => string[] }).getCACertificates;
  return typeof get === 'function' ? get('default') : [...tls.rootCertificates];
}

/** Reads `path` (PEM certificates) and returns a fetch that trusts them on top of the default CAs. */
export async function loadCaFile(path: string): Promise<CaTrust> {
  let text: string;
  try {
    const s = await stat(path);
    if (!s.isFile()) return { kind: 'unusable', path, problem: 'it is not a regular file' };
    if (s.size > MAX_CA_FILE_BYTES) return { kind: 'unusable', path, problem: `it is ${Math.round(s.size / 1024)} KiB, more than a CA certificate file holds` };
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent', path };
    return { kind: 'unusable', path, problem: code === 'EACCES' ? 'this user may not read it' : `it cannot be read (${code ?? 'error'})` };
  }
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (pems.length === 0) return { kind: 'unusable', path, problem: 'it holds no PEM certificate (a block starting -----BEGIN CERTIFICATE-----)' };
  for (const [i, pem] of pems.entries()) {
    try {
      new X509Certificate(pem);
    } catch {
      return { kind: 'unusable', path, problem: `its certificate number ${i + 1} cannot be read` };
    }
  }
  const agent = new Agent({ connect: { ca: [...defaultCas(), ...pems] } });
  const caFetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as object), dispatcher: agent } as Parameters<typeof undiciFetch>[1])) as unknown as typeof fetch;
  return { kind: 'loaded', path, count: pems.length, fetch: caFetch, close: () => agent.close().catch(() => {}) };
}
