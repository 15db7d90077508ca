// Top-level dispatch: help, version, unknown commands, per-command help (`help <command>` and `--help`).
import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, repoRoot } from './memory-io.ts';
import { COMMANDS } from '../../playbooks/cli/registry.ts';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; engines: { node: string } };

describe('cgr-playbook', () => {
  it('--help lists every registered command with its summary, exit 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const [name, c] of Object.entries(COMMANDS)) expect(r.stdout).toMatch(new RegExp(`^  ${name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(r.stdout).toContain('cgr-playbook help <command>');
  });

  it("the overview says what show prints as show's own help does: the whole guide, not a plan", async () => {
    const own = await cli(['show', '--help']);
    expect(own.stdout).toContain('Prints the whole guide for one path');
    const r = await cli(['--help']);
    expect(r.stdout).toMatch(/^  show +Print the whole guide for one path/m);
    expect(r.stdout).not.toContain('resolved plan');
  });

  it('help --help, help -h and help help print the overview, exit 0 (as every other command answers --help)', async () => {
    for (const args of [['help', '--help'], ['help', '-h'], ['help', 'help']]) {
      const r = await cli(args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(r.stdout).toContain('Usage: cgr-playbook <command>');
    }
  });

  it('no command prints the help and exits 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: cgr-playbook <command>');
  });

  it('--version prints the version written in package.json', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
    expect(await cli(['-v'])).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  it('--version follows package.json (no copy of the version in the code)', () => {
    // A copy of the package whose manifest says another version: the built CLI reports that one.
    const dir = mkdtempSync(join(tmpdir(), 'cgr-version-'));
    try {
      for (const f of ['bin', 'dist']) cpSync(join(repoRoot, f), join(dir, f), { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, version: '9.8.7-test.1' }));
      const r = spawnSync(process.execPath, [join(dir, 'bin/cgr-playbook.js'), '--version'], { encoding: 'utf8' });
      expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: '9.8.7-test.1\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unknown command is exit 2 naming the valid commands', async () => {
    const r = await cli(['vaildate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cgr-playbook: unknown command "vaildate"; valid commands: ${Object.keys(COMMANDS).join(', ')}\n`);
  });

  it.each(Object.keys(COMMANDS))('%s --help prints its usage, exit 0', async (name) => {
    const r = await cli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: cgr-playbook ${name}`));
  });

  it.each(Object.keys(COMMANDS))('help %s prints the same usage as %s --help', async (name) => {
    const r = await cli(['help', name]);
    expect(r).toEqual({ code: 0, stdout: (await cli([name, '--help'])).stdout, stderr: '' });
  });

  it('help of an unknown command, or of two, is exit 2 naming the valid commands', async () => {
    for (const args of [['help', 'nope'], ['help', 'run', 'show']]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`valid commands: ${Object.keys(COMMANDS).join(', ')}`);
    }
  });

  it('on a Node older than package.json "engines" the command says so in one line (no stack trace), exit 2', () => {
    // The bin checks the version before importing anything; a Node 20 is simulated by claiming a
    // higher minimum than the running Node.
    const need = /(\d+)\.(\d+)/.exec(manifest.engines.node)!;
    expect(Number(need[1])).toBeGreaterThanOrEqual(22);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `Object.defineProperty(process.versions, 'node', { value: '20.20.2' }); await import(${JSON.stringify(join(repoRoot, 'bin/cgr-playbook.js'))});`], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `cgr-playbook: Node.js 20.20.2 is not supported; cgr-playbook ${manifest.version} needs Node.js ${need[1]}.${need[2]} or newer.\n` +
        '  hint: install Node.js 24 LTS (https://nodejs.org/en/download); in GitHub Actions use actions/setup-node with node-version: 24\n',
    );
  });
});
