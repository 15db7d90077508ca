// Registry probes over the OCI client: `pull` (through the given registry) and `upstream` (the
// same image straight from the upstream with the same credentials). Results never hold a secret.
import type { Diagnosis, ProbeResult, ProbeRunner, ResolvedProbe } from '../contracts.ts';
import { RegistryClient } from '../oci/client.ts';
import { RegistryError } from '../oci/errors.ts';
import { parsePlatform, type Platform } from '../oci/platform.ts';
import { pullImage, type PullResult } from '../oci/pull.ts';
import { formatReference, parseReference, type ImageReference } from '../oci/reference.ts';
import { upstreamTarget } from './upstream-ref.ts';
import { isAbsolute } from 'node:path';
import { loadCaFile, type CaTrust } from './ca-file.ts';

export interface ProbeRunnerOptions {
  /** Injected fetch (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Per-request time limit, ms (default 30 s). */
  timeoutMs?: number;
  /** Platform pulled from an index (default linux/amd64). */
  platform?: string;
}

const CREDENTIAL_CODES = new Set(['UNAUTHORIZED', 'DENIED', 'TOKEN_EXPIRED']);

function short(d: string): string {
  return d.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1');
}

function kb(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function describe(r: PullResult): string {
  return `${r.platform ? `${r.platform} ` : ''}manifest ${short(r.manifestDigest)}, config + ${r.layers.length} layer${r.layers.length === 1 ? '' : 's'} (${kb(r.bytes)}) match their digests`;
}

/** Removes the password (and its base64 forms) from text that might echo it. */
function scrub(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('***');
}

function scrubDiagnosis(d: Diagnosis, secret: string | undefined): Diagnosis {
  return { code: d.code, cause: scrub(d.cause, secret), fix: scrub(d.fix, secret) };
}

export function createProbeRunner(opts: ProbeRunnerOptions = {}): ProbeRunner {
  const platform: Platform | undefined = opts.platform ? parsePlatform(opts.platform) : undefined;

  const client = (baseUrl: string, p: ResolvedProbe, trust: CaTrust | undefined) => {
    const f = opts.fetch ?? trust?.fetch;
    return new RegistryClient({
      baseUrl,
      ...(p.username ? { username: p.username } : {}),
      ...(p.password ? { password: p.password } : {}),
      ...(f ? { fetch: f } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
  };

  /**
   * The pull. A probe that names a caFile trusts what docker trusts: the machine's own store and
   * Node's default CAs, plus the file's certificates when it holds some (docker adds
   * certs.d/<host:port>/*.crt to the system's CAs). A file that is there but cannot be used (no
   * certificate in it, unreadable) adds nothing, as docker ignores what in such a file is no
   * certificate; a registry the machine trusts still pulls. A TLS failure says which CA file was
   * looked at, and whether it was there and usable.
   */
  const pull = async (baseUrl: string, ref: ImageReference, p: ResolvedProbe, signal: AbortSignal) => {
    if (p.caFile !== undefined && !isAbsolute(p.caFile)) {
      throw new RegistryError(
        { code: 'BAD_CA_FILE', cause: `The CA certificate file ${p.caFile} cannot be used: it is not an absolute path.`, fix: `Name the file by its full path, as docker keeps it: /etc/docker/certs.d/${ref.host}/ca.crt.` },
        `bad CA file ${p.caFile}`,
      );
    }
    const trust = p.caFile !== undefined && baseUrl.startsWith('https:') ? await loadCaFile(p.caFile) : undefined;
    try {
      return await pullImage(client(baseUrl, p, trust), ref, signal, platform ? { platform } : {});
    } catch (e) {
      if (trust && e instanceof RegistryError && e.diagnosis.code === 'TLS' && /not trusted/.test(e.diagnosis.cause)) {
        const d = e.diagnosis;
        const said =
          trust.kind === 'absent'
            ? ` There is no CA certificate at ${trust.path}, where docker looks for a CA of your own for this registry.`
            : trust.kind === 'unusable'
              ? ` The file ${trust.path} cannot be used as a CA certificate: ${trust.problem}; only this machine's CAs were tried.`
              : ` The CA certificate${trust.count === 1 ? '' : 's'} in ${trust.path} did not verify it either: that file holds another CA, or the certificate is for another name.`;
        const fix = trust.kind === 'unusable' ? `${d.fix} Docker reads that file as PEM certificates (-----BEGIN CERTIFICATE-----): put the CA certificate there in that form.` : d.fix;
        throw new RegistryError({ code: d.code, cause: d.cause + said, fix }, e.message, e.status);
      }
      throw e;
    } finally {
      trust?.close();
    }
  };

  async function runPull(p: ResolvedProbe, signal: AbortSignal): Promise<ProbeResult> {
    const ref = parseReference(p.image);
    const baseUrl = `${p.insecure ? 'http' : 'https'}://${ref.host}`;
    const name = formatReference(ref);
    try {
      const r = await pull(baseUrl, ref, p, signal);
      return { ok: true, summary: `pulled ${name}${p.username ? ' (with credentials)' : ''}: ${describe(r)}` };
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e;
      const d = scrubDiagnosis(e.diagnosis, p.password);
      return { ok: false, summary: `pull ${name} failed (${d.code})`, diagnosis: d };
    }
  }

  async function runUpstream(p: ResolvedProbe, signal: AbortSignal): Promise<ProbeResult> {
    const t = upstreamTarget(p.image, p.upstream, p.insecure);
    const name = formatReference(t.ref);
    const who = p.username ? `the credentials of ${p.username}` : 'no credentials (anonymous)';
    try {
      const r = await pull(t.baseUrl, t.ref, p, signal);
      return {
        ok: true,
        summary: `the upstream serves ${name} with ${who}: ${describe(r)}. If the pull through the cache fails, the cache's configuration (upstream URL, stored credentials, network) is at fault, not the token.`,
      };
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e;
      let d = scrubDiagnosis(e.diagnosis, p.password);
      if (CREDENTIAL_CODES.has(d.code)) {
        d = {
          code: d.code,
          cause: `It is the credentials: the upstream ${t.baseUrl} refuses ${name} with ${who}. ${d.cause} A cache configured with the same credentials cannot fetch the image either, and reports it as 404 MANIFEST_UNKNOWN.`,
          fix: `${d.fix} Then update the credentials stored in the cache's upstream settings.`,
        };
      } else if (d.code === 'MANIFEST_UNKNOWN' || d.code === 'NAME_UNKNOWN') {
        d = { code: d.code, cause: `The upstream itself has no ${name}: ${d.cause}`, fix: 'Check the image name, tag and organization; the cache cannot serve what the upstream does not have.' };
      } else if (['CONNECTION_REFUSED', 'DNS', 'TIMEOUT', 'TLS', 'NETWORK', 'CONNECTION_RESET'].includes(d.code)) {
        d = { code: d.code, cause: `The upstream ${t.baseUrl} is unreachable from here: ${d.cause}`, fix: `${d.fix} A cache needs the same network path to the upstream.` };
      }
      return { ok: false, summary: `upstream pull ${name} failed (${d.code})`, diagnosis: d };
    }
  }

  return {
    async run(probe, signal) {
      try {
        return probe.type === 'upstream' ? await runUpstream(probe, signal) : await runPull(probe, signal);
      } catch (e) {
        // Bad references and URLs: a clear failure, not a crash.
        const msg = scrub((e as Error).message, probe.password);
        return { ok: false, summary: `${probe.type} probe could not run: ${msg}`, diagnosis: { code: 'BAD_PROBE', cause: msg, fix: 'Fix the probe\'s image reference or upstream URL in the guide or the values.' } };
      }
    },
  };
}
