// The long-running npm scripts (`npm start`, `npm run dev`) stop when npm is told to stop: a
// SIGTERM to the npm process (what a supervisor, a CI step's cancel or `kill <pid>` sends) reaches
// the script's own Node process, so the server it started goes away with it instead of being left
// running, port still taken. The script lines are the repository's own; the scripts they start are
// stand-ins that report the signal (the real ones forward it to `cgr-playbook ui` / `astro dev`).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../cli/memory-io.ts';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

describe('long-running npm scripts', () => {
  it.each(['start', 'dev'])('a SIGTERM to `npm run %s` reaches the script, which stops', { timeout: 60_000 }, async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'cgr-npm-script-'));
    let stub = 0;
    try {
      mkdirSync(join(dir, 'scripts'));
      const log = join(dir, 'log.txt');
      // It says it is up only once its SIGTERM handler is in place: said before, a SIGTERM sent at
      // once could find the process without it (killed, 'SIGTERM' never written).
      const stand = `import { appendFileSync } from 'node:fs';\nprocess.on('SIGTERM', () => { appendFileSync(${JSON.stringify(log)}, 'SIGTERM\\n'); process.exit(0); });\nappendFileSync(${JSON.stringify(log)}, 'up ' + process.pid + '\\n');\nsetInterval(() => {}, 1000);\n`;
      for (const f of ['start.mjs', 'dev.mjs']) writeFileSync(join(dir, 'scripts', f), stand);
      writeFileSync(log, '');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'stand-in', version: '1.0.0', private: true, scripts: { [name]: manifest.scripts[name] } }));
      const npm = spawn('npm', ['run', '--silent', name], { cwd: dir, stdio: 'ignore', env: { ...process.env, npm_config_update_notifier: 'false' } });
      const exited = new Promise((r) => npm.once('exit', r));
      expect(await until(() => /^up \d+$/m.test(readFileSync(log, 'utf8')), 30_000)).toBe(true);
      stub = Number(/^up (\d+)$/m.exec(readFileSync(log, 'utf8'))![1]);
      npm.kill('SIGTERM');
      await exited;
      expect(await until(() => !alive(stub), 10_000)).toBe(true);
      expect(readFileSync(log, 'utf8')).toContain('SIGTERM');
    } finally {
      if (stub && alive(stub)) process.kill(stub, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
