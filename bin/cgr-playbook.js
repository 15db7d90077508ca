#!/usr/bin/env node
// Entry point. Checks the Node version first (the way Astro does), so an old Node gets one clear
// line instead of a syntax or import error, then starts the CLI from the prebuilt dist/.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const need = /(\d+)\.(\d+)/.exec(manifest.engines?.node ?? '') ?? [, '22', '12'];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < Number(need[1]) || (major === Number(need[1]) && minor < Number(need[2]))) {
  process.stderr.write(
    `cgr-playbook: Node.js ${process.versions.node} is not supported; cgr-playbook ${manifest.version} needs Node.js ${need[1]}.${need[2]} or newer.\n` +
      `  hint: install Node.js 24 LTS (https://nodejs.org/en/download); in GitHub Actions use actions/setup-node with node-version: 24\n`,
  );
  process.exit(2);
}
const { main } = await import('../dist/playbooks/cli/main.js');
await main(process.argv.slice(2));
