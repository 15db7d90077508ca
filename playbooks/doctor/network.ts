// Reachability checks for the doctor: DNS, TCP and TLS to the hosts Chainguard's "network
// requirements" page lists. Each failing check says what is likely wrong and what to do.
import { lookup } from 'node:dns/promises';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { DoctorCheck } from './types.ts';

/** HTTPS 443 to these (registry-apis.md, "Network"). The Cloudflare R2 blob host varies and is not listed here. */
export const CHAINGUARD_HOSTS = ['cgr.dev', 'console.chainguard.dev', 'data.chainguard.dev', 'enforce.dev', 'issuer.enforce.dev', 'apk.cgr.dev', 'packages.cgr.dev', 'auth.chainguard.dev'];

export interface HostTarget {
  host: string;
  port: number;
  /** Also do a TLS handshake (1.2 or later) with certificate verification. */
  tls: boolean;
}

/** "cgr.dev" → https 443; "https://h:8443" → TLS; "http://h:8080" or "tcp://h:1" → TCP only (tests, local stand-ins). */
export function parseHostTarget(spec: string): HostTarget {
  const m = /^(https?|tcp):\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?\/?$/.exec(spec.trim());
  if (m) {
    const scheme = m[1]!;
    return { host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80, tls: scheme === 'https' };
  }
  const hp = /^([^/:]+)(?::(\d+))?$/.exec(spec.trim());
  if (!hp) throw new Error(`cannot read host ${JSON.stringify(spec)}: expected cgr.dev, host:port or https://host:port`);
  return { host: hp[1]!, port: hp[2] ? Number(hp[2]) : 443, tls: true };
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).name ?? 'ERROR';
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
    p.then((v) => (clearTimeout(t), resolve(v)), (e: unknown) => (clearTimeout(t), reject(e)));
  });
}

/** DNS, then TCP, then (for TLS targets) a verified TLS handshake. One check per host, failing at the first broken layer. */
export async function checkHost(t: HostTarget, timeoutMs = 5000): Promise<DoctorCheck> {
  const id = `network:${t.host}:${t.port}`;
  const title = `${t.host}:${t.port} is reachable${t.tls ? ' over TLS' : ''}`;
  let address: string;
  try {
    address = /^[\d.]+$|:/.test(t.host) ? t.host : (await withTimeout(lookup(t.host), timeoutMs, 'DNS lookup')).address;
  } catch (e) {
    return { id, title, ok: false, summary: `DNS: ${t.host} does not resolve (${errCode(e)})`, cause: `this machine cannot resolve ${t.host}: no DNS, a split-horizon DNS without it, or a typo`, fix: `check /etc/resolv.conf and that your DNS resolves ${t.host}; an allow-list proxy must also allow it` };
  }
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const s = tcpConnect({ host: address, port: t.port });
        s.once('connect', () => (s.destroy(), resolve()));
        s.once('error', reject);
      }),
      timeoutMs,
      'TCP connect',
    );
  } catch (e) {
    const code = errCode(e);
    const cause = code === 'ECONNREFUSED' ? `${t.host} (${address}) refused the connection on port ${t.port}` : code === 'ETIMEDOUT' ? `no answer from ${t.host} (${address}) on port ${t.port}: a firewall drops the traffic` : `cannot connect to ${t.host}:${t.port} (${code})`;
    return { id, title, ok: false, summary: `TCP: ${cause}`, cause, fix: `allow outbound TCP ${t.port} to ${t.host} from this machine and from the repository manager's host (firewall, security group, egress proxy)` };
  }
  if (t.tls) {
    try {
      const proto = await withTimeout(
        new Promise<string>((resolve, reject) => {
          const s = tlsConnect({ host: address, port: t.port, servername: /^[\d.]+$|:/.test(t.host) ? undefined : t.host, minVersion: 'TLSv1.2', rejectUnauthorized: true });
          s.once('secureConnect', () => {
            const p = s.getProtocol() ?? 'TLS';
            s.destroy();
            resolve(p);
          });
          s.once('error', reject);
        }),
        timeoutMs,
        'TLS handshake',
      );
      return { id, title, ok: true, summary: `${t.host}:${t.port}: DNS ${address}, TCP open, ${proto} handshake verified` };
    } catch (e) {
      const code = errCode(e);
      const intercepted = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i.test(code);
      return {
        id,
        title,
        ok: false,
        summary: `TLS: handshake with ${t.host}:${t.port} failed (${code})`,
        cause: intercepted ? `the certificate ${t.host} presents is not trusted here (${code}): usually a TLS-inspecting proxy replacing it` : `the TLS 1.2+ handshake with ${t.host} failed (${code})`,
        fix: intercepted ? `exempt ${t.host} from TLS inspection, or add the proxy's CA to this machine's and the repository manager's trust store` : `allow TLS 1.2 or later to ${t.host}:${t.port}`,
      };
    }
  }
  return { id, title, ok: true, summary: `${t.host}:${t.port}: DNS ${address}, TCP open` };
}
