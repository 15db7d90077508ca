// The packed tarball works through npx: `npm pack`, then `npx ./cgr-playbook-<version>.tgz run
// distribution --dry-run --ci ...` in an empty folder, and `npx ./….tgz ui` serves the built site
// and a working terminal. Needs the npm registry (dependencies are installed from it, into a cache
// inside the test's temp folder); nothing else from the network. The package carries no Node
// runtime: the Node running the tests (24) comes first on PATH, as a user's own Node would.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { ROOT, tempDir, waitFor } from './helpers.ts';
import { buildSite } from '../browser/site-harness.ts';
import { WS_PATH } from '../../playbooks/server/server.ts';
import { WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../playbooks/server/security.ts';

describe('npm pack + npx', () => {
  it('runs a dry run of the distribution guide from the tarball; without node-pty built, run and ui say how to build it', { timeout: 240_000 }, () => {
    const t = tempDir();
    try {
      const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
      // dist/ is fresh: `npm test` builds it before vitest starts.
      const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', t.dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1)!;
      expect(packed).toBe(`cgr-playbook-${version}.tgz`);
      const env = {
        ...process.env,
        PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
        npm_config_cache: join(t.dir, 'npm-cache'),
        npm_config_ignore_scripts: 'true',
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        NO_COLOR: '1',
      };
      // Install scripts off: node-pty's native part is not compiled (as with --ignore-scripts, or
      // install scripts not allowed, or no compiler on the machine).
      const r = spawnSync('npx', ['--yes', `./${packed}`, 'run', 'distribution', '--dry-run', '--ci', '--path', 'production', '--set', 'cgOrg=example.com', '--set', 'listen=127.0.0.1:5055'], { cwd: t.dir, env, encoding: 'utf8', timeout: 200_000 });
      expect(r.stderr.split('\n').filter((l) => l && !/^npm warn/i.test(l))).toEqual([]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('CNCF Distribution as a pull-through cache for cgr.dev');
      expect(r.stdout).toContain('path: production');
      expect(r.stdout).toContain('$ docker pull 127.0.0.1:5055/example.com/wolfi-base');
      expect(r.stdout).toMatch(/Dry run: 0 passed, 0 failed, \d+ skipped/);

      // Installed without its install scripts, node-pty's native part is not built: commands that
      // need a terminal say so, with the fix, instead of node-pty's stack trace.
      const hint = /hint: .*npm rebuild node-pty/;
      writeFileSync(join(t.dir, 'tiny.mdx'), '---\nid: tiny\ntitle: Tiny\nproduct: bash\nsummary: x.\n---\n\n<Command id="say" title="Say hi">\n  ```sh\n  echo hi\n  ```\n</Command>\n');
      const run = spawnSync('npx', ['--yes', `./${packed}`, 'run', 'tiny.mdx', '--ci'], { cwd: t.dir, env, encoding: 'utf8', timeout: 100_000 });
      const runErr = run.stderr.split('\n').filter((l) => l && !/^npm warn/i.test(l));
      expect(runErr[0]).toMatch(/^cgr-playbook run: the terminal module node-pty is not built on this machine/);
      expect(runErr.join('\n')).toMatch(hint);
      expect(run.stderr).not.toMatch(/Require stack|\n\s+at /);
      expect(run.status).toBe(2);
      // A site of its own (this tarball was packed without building one): the terminal module is
      // what `ui` must then explain.
      const site = join(t.dir, 'site');
      mkdirSync(site);
      writeFileSync(join(site, 'index.html'), '<!doctype html><title>site</title>');
      const ui = spawnSync('npx', ['--yes', `./${packed}`, 'ui', '--port', '0', '--site', site], { cwd: t.dir, env, encoding: 'utf8', timeout: 100_000 });
      const uiErr = ui.stderr.split('\n').filter((l) => l && !/^npm warn/i.test(l));
      expect(uiErr[0]).toMatch(/^cgr-playbook ui: the terminal module node-pty is not built on this machine/);
      expect(uiErr.join('\n')).toMatch(hint);
      expect(ui.stderr).not.toMatch(/Require stack|\n\s+at /);
      expect(ui.status).toBe(2);
    } finally {
      t.cleanup();
    }
  });

  it('serves the site and a working terminal from the tarball (`npx … ui`)', { timeout: 240_000 }, async () => {
    const t = tempDir();
    let ui: ReturnType<typeof spawn> | undefined;
    try {
      // Pack a copy holding exactly what `npm pack` takes (its prepack builds the same site into
      // the repo's build/site; a test writes only under its own temp folder).
      const pkg = join(t.dir, 'pkg');
      const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; files: string[] };
      expect(manifest.files).toContain('build/site');
      mkdirSync(pkg);
      cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
      for (const f of manifest.files.filter((f) => f !== 'build/site')) cpSync(join(ROOT, f), join(pkg, f), { recursive: true });
      buildSite(join(pkg, 'build', 'site'));
      const work = join(t.dir, 'work');
      mkdirSync(work);
      const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: pkg, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1)!;
      const env = {
        ...process.env,
        PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
        HOME: work,
        SHELL: '/bin/bash',
        npm_config_cache: join(t.dir, 'npm-cache'),
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        NO_COLOR: '1',
      };
      // node-pty's install script builds it (no Linux prebuilds): the terminal needs it.
      ui = spawn('npx', ['--yes', `./${packed}`, 'ui', '--port', '0'], { cwd: work, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      ui.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      ui.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      await waitFor(() => /open http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.test(out) || ui!.exitCode !== null, 200_000, 'the ui address');
      expect(err.split('\n').filter((l) => l && !/^npm warn/i.test(l) && !/^ui: /.test(l))).toEqual([]);
      // It served the tarball's own site: nothing was built.
      expect(err).not.toContain('building the site');
      const url = new URL(/open (\S+)/.exec(out)![1]!);
      const page = await fetch(new URL('/guides/nexus/', url));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Sonatype Nexus');
      // The terminal: the socket opens with the token and the shell (node-pty, built at install) answers.
      const token = url.hash.slice('#token='.length);
      const ws = new WebSocket(`ws://127.0.0.1:${url.port}${WS_PATH}`, [WS_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token], { origin: url.origin });
      let screen = '';
      ws.on('message', (data: Buffer, binary: boolean) => binary && (screen += data.toString('utf8')));
      await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)));
      ws.send(new TextEncoder().encode('echo from-the-$((6*7))-pty\r'));
      await waitFor(() => screen.includes('from-the-42-pty'), 20_000, `the shell's answer; screen: ${JSON.stringify(screen)}`);
      await new Promise((r) => (ws.once('close', r), ws.close()));
    } finally {
      if (ui?.pid && ui.exitCode === null) {
        const exited = new Promise((r) => ui!.once('exit', r));
        process.kill(-ui.pid, 'SIGTERM');
        await exited;
      }
      t.cleanup();
    }
  });
});
