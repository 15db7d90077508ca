// The packed tarball works through npx: `npm pack`, then `npx ./cgr-playbook-<version>.tgz run
// distribution --dry-run --ci ...` in an empty folder. Needs the npm registry (dependencies are
// installed from it, into a cache inside the test's temp folder); nothing else from the network.
// Optional dependencies (the bundled Node 24) and install scripts (node-pty's native build) are
// left out to keep it fast: a dry run loads neither, and Node 24 comes first on PATH instead.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { ROOT, tempDir } from './helpers.ts';

describe('npm pack + npx', () => {
  it('runs a dry run of the distribution guide from the tarball', { timeout: 240_000 }, () => {
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
        npm_config_omit: 'optional',
        npm_config_ignore_scripts: 'true',
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        NO_COLOR: '1',
      };
      const r = spawnSync('npx', ['--yes', `./${packed}`, 'run', 'distribution', '--dry-run', '--ci', '--path', 'production', '--set', 'cgOrg=example.com', '--set', 'listen=127.0.0.1:5055'], { cwd: t.dir, env, encoding: 'utf8', timeout: 200_000 });
      expect(r.stderr.split('\n').filter((l) => l && !/^npm warn/i.test(l))).toEqual([]);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('CNCF Distribution as a pull-through cache for cgr.dev');
      expect(r.stdout).toContain('path: production');
      expect(r.stdout).toContain('$ docker pull 127.0.0.1:5055/example.com/wolfi-base');
      expect(r.stdout).toMatch(/Dry run: 0 passed, 0 failed, \d+ skipped/);
    } finally {
      t.cleanup();
    }
  });
});
