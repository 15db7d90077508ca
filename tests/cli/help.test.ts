// Top-level dispatch: help, version, unknown commands, per-command --help.
import { describe, expect, it } from 'vitest';
import { cli } from './memory-io.ts';
import { COMMANDS } from '../../playbooks/cli/registry.ts';
import { VERSION } from '../../playbooks/version.ts';

describe('cgr-playbook', () => {
  it('--help lists every registered command with its summary, exit 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const [name, c] of Object.entries(COMMANDS)) expect(r.stdout).toMatch(new RegExp(`^  ${name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('no command prints the help and exits 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: cgr-playbook <command>');
  });

  it('--version prints the version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('an unknown command is exit 2 naming the valid commands', async () => {
    const r = await cli(['vaildate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cgr-playbook: unknown command "vaildate"; valid commands: ${Object.keys(COMMANDS).join(', ')}\n`);
  });

  it.each(['list', 'validate', 'show'])('%s --help prints its usage, exit 0', async (name) => {
    const r = await cli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: cgr-playbook ${name}`));
  });
});
