// `cgr-playbook ui`: serves the guides site and the terminal runner on http://127.0.0.1:<port>/,
// prints the address with a one-time token in its fragment, and runs until interrupted.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import type { CliCommand } from '../io.ts';
import { getGuide, packageRoot } from '../../guides.ts';
import { resolveContentDir } from '../../config.ts';
import { PlaybookError } from '../../errors.ts';
import { startUiServer } from '../../server/server.ts';

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
  } catch {
    /* no browser opener: the printed address is enough */
  }
}

/** Builds the site with the package's own build script when there is no build yet. */
function ensureSite(siteDir: string, io: Parameters<CliCommand['run']>[1], force: boolean): void {
  if (!force && existsSync(join(siteDir, 'index.html'))) return;
  const root = packageRoot();
  const script = join(root, 'scripts', 'build-site.mjs');
  if (!existsSync(script)) {
    throw new PlaybookError('no-site', `no built site at ${siteDir} and no site sources to build it from`, { hint: 'run `npm run build` in a clone of cgr-playbook, or pass --site DIR' });
  }
  io.stderr.write(`ui: building the site into ${siteDir}…\n`);
  const r = spawnSync(process.execPath, [script], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...io.env, CGR_PLAYBOOK_SITE_OUT: siteDir } });
  if (r.status !== 0 || !existsSync(join(siteDir, 'index.html'))) {
    throw new PlaybookError('no-site', `the site could not be built (no ${join(siteDir, 'index.html')})`, { hint: 'run `npm run build` in the cgr-playbook folder and read its errors' });
  }
}

const command: CliCommand = {
  summary: 'Serve the guides in the browser with a terminal that runs their steps (127.0.0.1 only)',
  usage: `Usage: cgr-playbook ui [--port N] [--open] [--build] [--site DIR] [--content DIR]

Serves the guides site and a local runner on http://127.0.0.1:<port>/ and prints the address
with a one-time token (valid while this process runs). Steps run in a shell on this machine.
  --port N   port to listen on (default 4321; 0 picks a free one)
  --open     open the address in the default browser
  --build    rebuild the site first (it is built automatically when missing)
  --site DIR serve this built site instead of the package's build/site
  --content DIR  the guides the runner reads (default: CGR_PLAYBOOK_CONTENT, cgr-playbook.config.*,
             content/); the site shows the guides it was built from`,
  async run(argv, io) {
    const { values: opts } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, open: { type: 'boolean' }, build: { type: 'boolean' }, site: { type: 'string' }, content: { type: 'string' } },
      strict: true,
    });
    const port = opts.port === undefined ? 4321 : Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PlaybookError('usage', `--port expects a port number, got ${JSON.stringify(opts.port)}`, { hint: 'e.g. --port 4321, or 0 for any free port' });
    const siteDir = opts.site ? resolve(io.cwd, opts.site) : join(packageRoot(), 'build', 'site');
    if (!opts.site) ensureSite(siteDir, io, opts.build === true);
    else if (!existsSync(siteDir)) throw new PlaybookError('no-site', `no built site at ${siteDir}`, { hint: 'pass the folder that holds index.html' });
    const guides = resolveContentDir({ option: opts.content, cwd: io.cwd, env: io.env });
    let server;
    try {
      server = await startUiServer({
        siteDir,
        port,
        cwd: io.cwd,
        env: io.env,
        loadGuide: (id) => getGuide(id, guides, io.cwd),
        log: (line) => io.stderr.write(`ui: ${line}\n`),
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PlaybookError('port-in-use', `port ${port} is already in use`, { hint: `pass another one, e.g. --port ${port + 1}, or --port 0 for any free port` });
      throw e;
    }
    io.stdout.write(`cgr-playbook ui: open ${server.url}\n  (the address holds a one-time token; only this machine can connect; Ctrl-C stops)\n`);
    if (opts.open) openBrowser(server.url);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};
export default command;
