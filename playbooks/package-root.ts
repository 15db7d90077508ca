// The installed package's own folder and manifest (kept apart from guides.ts so that `--help` and
// `--version` need no guide parsing).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlaybookError } from './errors.ts';

interface Manifest {
  name?: string;
  version?: string;
}

let found: { root: string; manifest: Manifest } | undefined;

function locate(): { root: string; manifest: Manifest } {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      const manifest = JSON.parse(readFileSync(pj, 'utf8')) as Manifest;
      if (manifest.name === 'cgr-playbook') return (found = { root: dir, manifest });
    }
    const up = dirname(dir);
    if (up === dir) throw new PlaybookError('no-package-root', 'cannot find the cgr-playbook package folder', { hint: 'reinstall cgr-playbook' });
    dir = up;
  }
}

/** The package root: the nearest folder above this module whose package.json is cgr-playbook's. */
export function packageRoot(): string {
  return locate().root;
}

/** The version in the package's package.json. */
export function packageVersion(): string {
  return locate().manifest.version ?? '0.0.0';
}
