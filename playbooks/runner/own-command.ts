// `cgr-playbook` on the PATH of every command a run executes. A guide step may call the tool
// itself (the Distribution guide's `cgr-playbook lab token`), and the run may have been started in
// a way that puts no `cgr-playbook` on the PATH: `node bin/cgr-playbook.js`, `npm start` in a
// checkout, the library API. The package's bin/ folder holds a `cgr-playbook` launcher
// (bin/cgr-playbook) that starts bin/cgr-playbook.js on the Node named by CGR_PLAYBOOK_NODE; this
// puts that folder first on PATH and names the Node this process runs on, so a step calls the very
// cgr-playbook (version and Node) that runs the guide.
import { join } from 'node:path';
import { packageRoot } from '../package-root.ts';

/** The launcher's Node: this process's own executable. */
export const OWN_NODE_VAR = 'CGR_PLAYBOOK_NODE';

/** What bash uses when it starts without a PATH (its compiled-in default on Debian). */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

let binDir: string | null | undefined;
function ownBinDir(): string | null {
  if (binDir === undefined) {
    try {
      binDir = join(packageRoot(), 'bin');
    } catch {
      binDir = null; // not inside the package (bundled elsewhere): leave PATH as it is
    }
  }
  return binDir;
}

/** `env` with the package's bin/ folder first on PATH (once) and the launcher's Node named. */
export function withOwnCommand(env: Record<string, string>): Record<string, string> {
  const bin = ownBinDir();
  if (!bin) return env;
  const rest = (env['PATH'] ?? DEFAULT_PATH).split(':').filter((d) => d !== bin);
  return { ...env, PATH: [bin, ...rest].join(':'), [OWN_NODE_VAR]: process.execPath };
}
