// A verified pull without a daemon: manifest (index -> one platform), config and every layer
// downloaded and checked against their digests. Nothing is written to disk.
import { RegistryClient } from './client.ts';
import { RegistryError } from './errors.ts';
import { isIndexType, isManifestType, type Descriptor, type ImageIndex, type ImageManifest } from './media-types.ts';
import { DEFAULT_PLATFORM, formatPlatform, platformsOf, selectPlatform, type Platform } from './platform.ts';
import { referenceTarget, type ImageReference } from './reference.ts';

export interface PullResult {
  repository: string;
  reference: string;
  /** Digest of what the tag points at (index or manifest). */
  digest: string;
  mediaType: string;
  /** Platform pulled, when the tag is an index. */
  platform?: string;
  /** Digest of the platform manifest. */
  manifestDigest: string;
  config: Descriptor;
  layers: Descriptor[];
  /** Bytes of config and layers downloaded and verified. */
  bytes: number;
  redirects: number;
}

function parseJson<T>(bytes: Uint8Array, what: string): T {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch {
    throw new RegistryError({ code: 'MANIFEST_INVALID', cause: `The ${what} is not valid JSON.`, fix: 'Re-push the image; for a cache, clear the cached copy.' }, `${what} not JSON`);
  }
}

export async function pullImage(client: RegistryClient, ref: Pick<ImageReference, 'repository' | 'tag' | 'digest'>, signal: AbortSignal, opts: { platform?: Platform } = {}): Promise<PullResult> {
  const want = opts.platform ?? DEFAULT_PLATFORM;
  const target = referenceTarget(ref as ImageReference);
  const top = await client.manifest(ref.repository, target, 'GET', signal);
  let manifestDigest = top.digest;
  let manifestBytes = top.bytes!;
  let manifestType = top.mediaType;
  let platform: string | undefined;
  if (isIndexType(top.mediaType)) {
    const index = parseJson<ImageIndex>(top.bytes!, 'image index');
    const entry = selectPlatform(index, want);
    if (!entry) {
      throw new RegistryError(
        { code: 'NO_PLATFORM', cause: `${ref.repository}:${target} has no ${formatPlatform(want)} image (it has ${platformsOf(index).join(', ') || 'no platforms'}).`, fix: 'Pick a platform the image provides.' },
        'platform not found',
      );
    }
    platform = formatPlatform(entry.platform!);
    const m = await client.manifest(ref.repository, entry.digest, 'GET', signal);
    manifestDigest = m.digest;
    manifestBytes = m.bytes!;
    manifestType = m.mediaType;
  }
  if (!isManifestType(manifestType)) {
    throw new RegistryError({ code: 'UNSUPPORTED_MEDIA_TYPE', cause: `Manifest media type "${manifestType}" is not an OCI or Docker v2 image manifest.`, fix: 'Use an image built as OCI or Docker schema 2.' }, 'unsupported manifest');
  }
  const manifest = parseJson<ImageManifest>(manifestBytes, 'image manifest');
  let bytes = 0;
  let redirects = 0;
  for (const d of [manifest.config, ...manifest.layers]) {
    const b = await client.blob(ref.repository, d.digest, signal, { expectedSize: d.size });
    bytes += b.size;
    redirects += b.redirects;
  }
  return {
    repository: ref.repository,
    reference: target,
    digest: top.digest,
    mediaType: top.mediaType,
    ...(platform ? { platform } : {}),
    manifestDigest,
    config: manifest.config,
    layers: manifest.layers,
    bytes,
    redirects,
  };
}
