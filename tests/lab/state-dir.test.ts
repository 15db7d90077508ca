// The lab's state folder defaults to a predictable name in the shared temp folder
// (<tmp>/cgr-playbook-lab-<user>). Someone else could create it first: plant a signing key, pid
// files, or log files that are symlinks to your files (the lab appends its logs to them). A state
// folder that is a symlink, not yours, or writable by others is refused before anything is read
// or written in it.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labStatus } from '../../playbooks/lab/index.ts';
import { stateDirProblem } from '../../playbooks/lab/lab.ts';

let temps: string[] = [];
afterEach(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  temps = [];
});
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'cgr-lab-state-'));
  temps.push(d);
  return d;
}

describe("the lab's state folder", () => {
  it('writable by other users: status and down refuse it, naming it, and touch nothing in it', async () => {
    const dir = join(temp(), 'state');
    mkdirSync(join(dir, 'token'), { recursive: true });
    chmodSync(dir, 0o777);
    writeFileSync(join(dir, 'token', 'token.pid'), '1\n');
    await expect(labStatus({ stateDir: dir })).rejects.toThrow(`the lab's state folder ${dir} is writable by other users`);
    await expect(labDown({ stateDir: dir })).rejects.toThrow(/writable by other users/);
    expect(existsSync(join(dir, 'token', 'token.pid'))).toBe(true);
    chmodSync(dir, 0o700);
    await expect(labStatus({ stateDir: dir })).resolves.toMatchObject({ running: false });
  });

  it('a symlink to a folder is refused; a folder that does not exist yet is fine', async () => {
    const base = temp();
    mkdirSync(join(base, 'elsewhere'), { mode: 0o700 });
    symlinkSync(join(base, 'elsewhere'), join(base, 'state'));
    await expect(labStatus({ stateDir: join(base, 'state') })).rejects.toThrow(/is a symbolic link/);
    await expect(labStatus({ stateDir: join(base, 'missing') })).resolves.toMatchObject({ running: false, components: [] });
  });

  it('owned by another user (not root) is refused', () => {
    expect(stateDirProblem({ uid: 1234, mode: 0o40700, symlink: false, dir: true }, 1000)).toBe('belongs to another user (uid 1234)');
    expect(stateDirProblem({ uid: 1000, mode: 0o40750, symlink: false, dir: true }, 1000)).toBeUndefined();
    expect(stateDirProblem({ uid: 1000, mode: 0o40770, symlink: false, dir: true }, 1000)).toBeUndefined(); // your group (umask 002)
    expect(stateDirProblem({ uid: 1000, mode: 0o40707, symlink: false, dir: true }, 1000)).toBe('is writable by other users');
    expect(stateDirProblem({ uid: 1000, mode: 0o100600, symlink: false, dir: false }, 1000)).toBe('is not a folder');
  });
});
