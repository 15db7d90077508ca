// Small real images built offline: tar layers written byte by byte, gzip, config JSON, OCI and
// Docker v2 manifests and an OCI index; pushed through the registry API (monolithic uploads).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST, type Descriptor } from '../oci/media-types.ts';

const MTIME = 1_700_000_000; // fixed: the same input gives the same digests on every machine

function sha256(b: Uint8Array): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** A POSIX ustar archive of regular files and directories (paths relative, no leading slash). */
export function tar(entries: Array<{ path: string; content?: string; mode?: number }>): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const isDir = e.content === undefined;
    const body = Buffer.from(e.content ?? '', 'utf8');
    const h = Buffer.alloc(512, 0);
    h.write(isDir ? e.path.replace(/\/?$/, '/') : e.path, 0, 100, 'utf8');
    h.write(octal(e.mode ?? (isDir ? 0o755 : 0o644), 8), 100, 'ascii');
    h.write(octal(0, 8), 108, 'ascii');
    h.write(octal(0, 8), 116, 'ascii');
    h.write(octal(isDir ? 0 : body.length, 12), 124, 'ascii');
    h.write(octal(MTIME, 12), 136, 'ascii');
    h.write('        ', 148, 'ascii');
    h.write(isDir ? '5' : '0', 156, 'ascii');
    h.write('ustar\0', 257, 'ascii');
    h.write('00', 263, 'ascii');
    h.write('root', 265, 'ascii');
    h.write('root', 297, 'ascii');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(octal(sum, 7) + ' ', 148, 'ascii');
    blocks.push(h);
    if (!isDir) {
      blocks.push(body);
      const pad = (512 - (body.length % 512)) % 512;
      if (pad) blocks.push(Buffer.alloc(pad, 0));
    }
  }
  blocks.push(Buffer.alloc(1024, 0));
  return Buffer.concat(blocks);
}

export interface Blob {
  descriptor: Descriptor;
  bytes: Buffer;
}

export interface BuiltImage {
  repository: string;
  tag: string;
  /** Blobs (layers and configs) to upload before the manifests. */
  blobs: Blob[];
  /** Platform manifests first, then the index (if any); the last one is tagged. */
  manifests: Blob[];
}

type Format = 'oci' | 'docker';

function platformImage(format: Format, arch: string, files: Array<Array<{ path: string; content?: string; mode?: number }>>, label: string): { blobs: Blob[]; manifest: Blob } {
  const layerType = format === 'oci' ? OCI_LAYER_GZIP : DOCKER_LAYER_GZIP;
  const layers = files.map((f) => {
    const raw = tar(f);
    const gz = gzipSync(raw, { level: 9 });
    return { diffId: sha256(raw), blob: { descriptor: { mediaType: layerType, digest: sha256(gz), size: gz.length }, bytes: gz } };
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: arch,
      os: 'linux',
      created: new Date(MTIME * 1000).toISOString(),
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh', '-l'], Labels: { 'dev.cgr-playbook.lab': label } },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created: new Date(MTIME * 1000).toISOString(), created_by: `cgr-playbook lab layer ${i + 1}` })),
    }),
  );
  const configBlob: Blob = { descriptor: { mediaType: format === 'oci' ? OCI_CONFIG : DOCKER_CONFIG, digest: sha256(config), size: config.length }, bytes: config };
  const manifestBytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: format === 'oci' ? OCI_MANIFEST : DOCKER_MANIFEST, config: configBlob.descriptor, layers: layers.map((l) => l.blob.descriptor) }),
  );
  return {
    blobs: [configBlob, ...layers.map((l) => l.blob)],
    manifest: { descriptor: { mediaType: format === 'oci' ? OCI_MANIFEST : DOCKER_MANIFEST, digest: sha256(manifestBytes), size: manifestBytes.length, platform: { os: 'linux', architecture: arch } }, bytes: manifestBytes },
  };
}

function osRelease(name: string, arch: string): string {
  return `ID=cgr-playbook-lab\nNAME="cgr-playbook lab (${name})"\nPRETTY_NAME="cgr-playbook lab image ${name} for ${arch}"\nHOME_URL="https://github.com/"\n`;
}

/** A wolfi-base look-alike: an OCI index with linux/amd64 and linux/arm64, two layers each. */
export function buildWolfiBase(repository: string, tag = 'latest'): BuiltImage {
  const blobs: Blob[] = [];
  const manifests: Blob[] = [];
  for (const arch of ['amd64', 'arm64']) {
    const img = platformImage(
      'oci',
      arch,
      [
        [{ path: 'etc' }, { path: 'etc/os-release', content: osRelease(repository, arch) }, { path: 'bin' }, { path: 'bin/hello', content: `#!/bin/sh\necho "hello from ${repository} (${arch})"\n`, mode: 0o755 }],
        [{ path: 'etc/apk' }, { path: 'etc/apk/world', content: 'wolfi-baselayout\nbusybox\n' }],
      ],
      `${repository}:${tag}`,
    );
    blobs.push(...img.blobs);
    manifests.push(img.manifest);
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: manifests.map((m) => m.descriptor) }));
  manifests.push({ descriptor: { mediaType: OCI_INDEX, digest: sha256(index), size: index.length }, bytes: index });
  return { repository, tag, blobs, manifests };
}

/** A static look-alike: one linux/amd64 Docker schema 2 manifest, one layer. */
export function buildStatic(repository: string, tag = 'latest'): BuiltImage {
  const img = platformImage('docker', 'amd64', [[{ path: 'etc' }, { path: 'etc/os-release', content: osRelease(repository, 'amd64') }, { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n' }]], `${repository}:${tag}`);
  return { repository, tag, blobs: img.blobs, manifests: [img.manifest] };
}

/** Pushes an image with a Bearer token that grants push on its repository. */
export async function pushImage(registryUrl: string, img: BuiltImage, authorization: string, signal: AbortSignal): Promise<string> {
  const base = registryUrl.replace(/\/+$/, '');
  const H = { Authorization: authorization };
  const check = async (res: Response, what: string, ok: number[]) => {
    if (!ok.includes(res.status)) throw new Error(`push ${img.repository}: ${what} answered ${res.status} ${await res.text().catch(() => '')}`);
  };
  for (const b of img.blobs) {
    const head = await fetch(`${base}/v2/${img.repository}/blobs/${b.descriptor.digest}`, { method: 'HEAD', headers: H, signal });
    if (head.status === 200) continue;
    const start = await fetch(`${base}/v2/${img.repository}/blobs/uploads/`, { method: 'POST', headers: H, signal });
    await check(start, 'upload start', [202]);
    await start.body?.cancel().catch(() => {});
    const loc = new URL(start.headers.get('location') ?? '', base);
    loc.searchParams.set('digest', b.descriptor.digest);
    const put = await fetch(loc, { method: 'PUT', headers: { ...H, 'Content-Type': 'application/octet-stream', 'Content-Length': String(b.bytes.length) }, body: new Uint8Array(b.bytes), signal });
    await check(put, `blob ${b.descriptor.digest}`, [201]);
  }
  let digest = '';
  for (let i = 0; i < img.manifests.length; i++) {
    const m = img.manifests[i]!;
    const last = i === img.manifests.length - 1;
    const res = await fetch(`${base}/v2/${img.repository}/manifests/${last ? img.tag : m.descriptor.digest}`, { method: 'PUT', headers: { ...H, 'Content-Type': m.descriptor.mediaType }, body: new Uint8Array(m.bytes), signal });
    await check(res, `manifest ${m.descriptor.digest}`, [201]);
    digest = m.descriptor.digest;
  }
  return digest;
}
