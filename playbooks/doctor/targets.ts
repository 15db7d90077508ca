// Where each guide's repository manager serves pulls, and what the same image is called at the
// upstream: the doctor pulls both ways with the guide's own values.
import type { PathId } from '../model/props.ts';

export interface PullTarget {
  image: string;
  username?: string;
  password?: string;
  insecure: boolean;
}

type Values = Readonly<Record<string, string | undefined>>;

/** The namespace at cgr.dev: chainguard for public images, the organization for Production. */
function namespace(v: Values, path: PathId): string | undefined {
  return path === 'production' ? v.cgOrg : 'chainguard';
}

/** The image as the guide's value gives it: `name`, `name:tag` or `name@sha256:…`; a bare name means `latest`. */
const image = (v: Values) => {
  const name = v.image ?? 'wolfi-base';
  return /[:@]/.test(name) ? name : `${name}:latest`;
};

/** The pull through the repository manager, as the guide's own pull step makes it. Undefined when a value is missing. */
export function cachePullTarget(guideId: string, v: Values, path: PathId): PullTarget | undefined {
  const ns = namespace(v, path);
  if (!ns) return undefined;
  const plain = v.plainHttp === 'true';
  if (guideId === 'nexus') {
    if (!v.nexusHost) return undefined;
    const auth = v.nexusAuth !== 'false' && v.nexusUser && v.nexusPassword ? { username: v.nexusUser, password: v.nexusPassword } : {};
    // Nexus repository ports are plain HTTP unless an HTTPS connector or a TLS proxy sits in front (nexusScheme=https).
    return { image: `${v.nexusHost}/${ns}/${image(v)}`, insecure: v.nexusScheme !== 'https', ...auth };
  }
  if (guideId === 'artifactory') {
    // One repository per path: cgr-public for Developer images, cgr-private (with the pull token) for Production.
    const key = path === 'production' ? v.privateRepoKey : v.publicRepoKey;
    if (!v.artifactoryHost || !key) return undefined;
    return { image: `${v.artifactoryHost}/${key}/${ns}/${image(v)}`, insecure: plain, ...(v.artifactoryToken ? { username: v.artifactoryUser ?? 'admin', password: v.artifactoryToken } : {}) };
  }
  if (guideId === 'cloudsmith') {
    if (!v.cloudsmithRegistry || !v.cloudsmithOrg || !v.cloudsmithRepo) return undefined;
    const name = path === 'production' ? `${ns}/${image(v)}` : image(v);
    return { image: `${v.cloudsmithRegistry}/${v.cloudsmithOrg}/${v.cloudsmithRepo}/${name}`, insecure: plain, ...(v.cloudsmithApiKey ? { username: v.cloudsmithUser ?? 'token', password: v.cloudsmithApiKey } : {}) };
  }
  return undefined;
}

/** The same image straight from the upstream (the probe replaces the host). */
export function upstreamImage(v: Values, path: PathId): string | undefined {
  const ns = namespace(v, path);
  return ns ? `cgr.dev/${ns}/${image(v)}` : undefined;
}
