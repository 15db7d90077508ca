// How an `upstream` probe maps the image it is given to the upstream registry.
//
// The probe's image is the reference as pulled through the cache, e.g.
// `127.0.0.1:5000/acme.example/wolfi-base:latest`. Its host is replaced by the upstream's host
// and the repository path is kept: `cgr.dev/acme.example/wolfi-base:latest`. That is right for
// caches that serve the upstream at their root (Distribution, Nexus port connectors). When the
// upstream URL has a path (`https://cgr.dev/chainguard`, as Cloudsmith's public upstream is
// written), that path is put in front: image `host/wolfi-base` -> `cgr.dev/chainguard/wolfi-base`.
// Caches that add their own prefix (Artifactory's `<repo-key>/`) should give the probe the image
// as the upstream names it (e.g. `cgr.dev/{{cgOrg}}/{{image}}`); only the host is replaced.
import { parseReference, type ImageReference } from '../oci/reference.ts';

export const DEFAULT_UPSTREAM = 'https://cgr.dev';

export interface UpstreamTarget {
  /** Base URL with scheme, no path: "https://cgr.dev". */
  baseUrl: string;
  ref: ImageReference;
}

export function upstreamTarget(image: string, upstream: string | undefined, insecure: boolean): UpstreamTarget {
  const raw = (upstream ?? DEFAULT_UPSTREAM).trim();
  const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `${insecure ? 'http' : 'https'}://${raw}`);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`upstream ${JSON.stringify(raw)}: expected an http(s) URL such as https://cgr.dev`);
  const ref = parseReference(image);
  const prefix = u.pathname.replace(/^\/+|\/+$/g, '').replace(/^v2(\/|$)/, '');
  const repository = prefix && !ref.repository.startsWith(`${prefix}/`) ? `${prefix}/${ref.repository}` : ref.repository;
  return { baseUrl: `${u.protocol}//${u.host}`, ref: { ...ref, host: u.host, repository } };
}
