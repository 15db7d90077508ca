// Loads node-pty, the native module behind every terminal (a guide's commands, the page's
// terminal). npm compiles it when the package is installed (Linux has no prebuilt binary); when that
// did not happen (install scripts skipped or not allowed, no compiler on the machine), the command
// that needs a terminal says so and how to build it, instead of node-pty's own stack trace.
import { PlaybookError } from '../errors.ts';

export type NodePty = typeof import('node-pty');

let loading: Promise<NodePty> | undefined;

export function loadNodePty(): Promise<NodePty> {
  loading ??= import('node-pty').catch((e: unknown) => {
    loading = undefined;
    throw new PlaybookError('no-terminal', 'the terminal module node-pty is not built on this machine (npm did not run its install script, or it could not compile)', {
      hint:
        'run `npm rebuild node-pty` in the folder cgr-playbook is installed in (it needs python3, make and a C++ compiler: `sudo apt-get install python3 make g++`); ' +
        'if npm says its install script is not allowed, run `npm install-scripts approve node-pty` first',
      cause: e,
    });
  });
  return loading;
}
