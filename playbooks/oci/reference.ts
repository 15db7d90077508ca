// Image references: `host[:port]/repo/path[:tag][@sha256:...]`, as docker and the guides write them;
// without a tag or digest the reference means `:latest`.

export interface ImageReference {
  /** Registry host with optional port, e.g. "cgr.dev" or "127.0.0.1:5000". */
  host: string;
  /** Repository path inside the registry, e.g. "chainguard/wolfi-base". */
  repository: string;
  /** Tag, or undefined when only a digest was given. */
  tag?: string;
  /** Digest ("sha256:..."), when pinned. */
  digest?: string;
}

const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Fa-f0-9]{32,}$/;

/** Parses a reference that names its registry host (the first component must hold a dot, a colon or be localhost). */
export function parseReference(ref: string): ImageReference {
  const s = ref.trim().replace(/^[a-z]+:\/\//, '');
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw new Error(`image reference ${JSON.stringify(ref)}: ${JSON.stringify(digest)} is not a digest (expected sha256:<64 hex>)`);
  }
  const slash = rest.indexOf('/');
  if (slash < 0) throw new Error(`image reference ${JSON.stringify(ref)} has no registry host; write it as <host>/<repository>[:tag], e.g. cgr.dev/chainguard/wolfi-base:latest`);
  const host = rest.slice(0, slash);
  if (!(host.includes('.') || host.includes(':') || host === 'localhost')) {
    throw new Error(`image reference ${JSON.stringify(ref)}: "${host}" is not a registry host; write it as <host>/<repository>[:tag]`);
  }
  let path = rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (path.includes(':')) throw new Error(`image reference ${JSON.stringify(ref)} has more than one tag; give one tag (name:tag) or none (:latest is used)`);
    if (!TAG_RE.test(tag)) throw new Error(`image reference ${JSON.stringify(ref)}: ${JSON.stringify(tag)} is not a valid tag`);
  }
  if (!REPO_RE.test(path)) throw new Error(`image reference ${JSON.stringify(ref)}: ${JSON.stringify(path)} is not a valid repository path (lower-case letters, digits, . _ - and /)`);
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { host, repository: path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** The tag or digest to ask the registry for (digest wins). */
export function referenceTarget(r: ImageReference): string {
  return r.digest ?? r.tag ?? 'latest';
}

export function formatReference(r: ImageReference): string {
  return `${r.host}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}
