// Picks one platform's manifest from an OCI index or Docker manifest list.
import type { Descriptor, ImageIndex } from './media-types.ts';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/** "linux/arm64/v8" -> {os, architecture, variant}. */
export function parsePlatform(s: string): Platform {
  const [os, architecture, variant] = s.split('/');
  if (!os || !architecture) throw new Error(`platform ${JSON.stringify(s)}: expected os/arch such as linux/amd64`);
  return { os, architecture, ...(variant ? { variant } : {}) };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** The entry for `want` (variant matched only when asked for); undefined when the index has none. */
export function selectPlatform(index: ImageIndex, want: Platform = DEFAULT_PLATFORM): Descriptor | undefined {
  const candidates = index.manifests.filter((m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture);
  if (want.variant) return candidates.find((m) => m.platform?.variant === want.variant) ?? candidates[0];
  return candidates[0];
}

export function platformsOf(index: ImageIndex): string[] {
  return index.manifests.filter((m) => m.platform).map((m) => formatPlatform(m.platform!));
}
