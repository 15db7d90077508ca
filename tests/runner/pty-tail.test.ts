// A command's last output reaches the reader even when this process reads slowly. CI lost the tail
// of a step printing 200 KB on a loaded machine: the terminal hung up, and node-pty destroyed its
// read stream 200 ms after the exit, before the rest had been read (runner/pty-hold.ts). A reader
// that blocks the event loop for 60 ms per chunk makes it happen nearly every time without the hold.
import { describe, expect, it } from 'vitest';
import { loadNodePtySpawn } from '../../playbooks/runner/pty.ts';
import { baseEnv, loadSpawnNodePty } from '../../playbooks/server/pty.ts';

const busy = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // a slow reader: the event loop is blocked
  }
};
const PRINT = `head -c 60000 /dev/zero | tr '\\0' x; echo END`;
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'dumb' };

interface Term {
  onData(l: (d: string) => void): { dispose(): void };
  onExit(l: () => void): { dispose(): void };
}
async function readSlowly(t: Term): Promise<string> {
  let out = '';
  const sub = t.onData((d) => {
    out += d;
    busy(60);
  });
  await new Promise<void>((resolve) => t.onExit(() => resolve()));
  sub.dispose();
  return out;
}

describe('a command’s last output is read before its terminal closes', () => {
  it('runner steps: 60 KB read slowly, three times, arrive whole', async () => {
    const spawn = await loadNodePtySpawn();
    for (let i = 0; i < 3; i++) {
      const p = spawn(PRINT, { env, stdin: 'null' });
      const out = await readSlowly(p);
      p.dispose();
      expect(out.replace(/\r?\n/g, '')).toBe(`${'x'.repeat(60000)}END`);
    }
  }, 30_000);

  it('page terminals: 60 KB read slowly, three times, arrive whole', async () => {
    const spawn = await loadSpawnNodePty();
    for (let i = 0; i < 3; i++) {
      const p = spawn('bash', ['-c', PRINT], { name: 'dumb', cols: 80, rows: 24, cwd: process.cwd(), env: { ...baseEnv(process.env), TERM: 'dumb' } });
      const out = await readSlowly(p);
      expect(out.replace(/\r?\n/g, '')).toBe(`${'x'.repeat(60000)}END`);
    }
  }, 30_000);

  it('a background process that keeps the terminal does not hold the exit for long', async () => {
    const spawn = await loadNodePtySpawn();
    const p = spawn('sleep 5 & echo started', { env, stdin: 'null' });
    const t0 = Date.now();
    const out = await readSlowly(p);
    const took = Date.now() - t0;
    p.killGroup('SIGKILL');
    p.dispose();
    expect(out).toContain('started');
    expect(took).toBeLessThan(4000);
  }, 30_000);
});
