// Environment for tests that run guide commands: PATH with the `docker` wrapper (podman) and the
// `chainctl` shim, everything podman writes under the test's temp dir.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SUPPORT_BIN = resolve(dirname(fileURLToPath(import.meta.url)), 'bin');

export interface ShimEnvOptions {
  /** Test temp dir; podman's files go to <dir>/docker. */
  dir: string;
  /** Running lab's state dir (for chainctl). */
  labStateDir?: string;
  /** host:port registries to reach over plain HTTP. */
  insecure?: string[];
}

export function shimEnv(o: ShimEnvOptions, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const home = join(o.dir, 'docker');
  mkdirSync(home, { recursive: true });
  return {
    ...base,
    PATH: `${SUPPORT_BIN}:${base['PATH'] ?? '/usr/bin:/bin'}`,
    CGR_PLAYBOOK_DOCKER_HOME: home,
    ...(o.insecure?.length ? { CGR_PLAYBOOK_DOCKER_INSECURE: o.insecure.join(' ') } : {}),
    ...(o.labStateDir ? { CGR_PLAYBOOK_LAB_STATE_DIR: o.labStateDir } : {}),
  };
}
