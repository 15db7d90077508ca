// `cgr-playbook list`: every guide with its paths and step counts.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, repoRoot } from './memory-io.ts';
import { loadAllGuides } from '../../playbooks/guides.ts';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('list', () => {
  it('prints a table of the guides in content/', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatchInlineSnapshot(`
      "ID            TITLE                                                  PATHS (steps)
      nexus         Sonatype Nexus as a pull-through cache for cgr.dev     developer (18), production (21)
      artifactory   JFrog Artifactory as a pull-through cache for cgr.dev  developer (12), production (15)
      cloudsmith    Cloudsmith as a pull-through cache for cgr.dev         developer (13), production (15)
      distribution  CNCF Distribution as a pull-through cache for cgr.dev  developer (11), production (15)
      "
    `);
  });

  it('--json gives the same guides with per-path step counts that match the model', async () => {
    const r = await cli(['list', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; steps: number; paths: Array<{ id: string; steps: number }> }>;
    expect(rows.map((x) => x.id)).toEqual(['nexus', 'artifactory', 'cloudsmith', 'distribution']);
    const { guides } = await loadAllGuides(join(repoRoot, 'content'), repoRoot);
    for (const g of guides) {
      const row = rows.find((x) => x.id === g.meta.id)!;
      expect(row.steps).toBe(g.steps.length);
      for (const p of row.paths) expect(p.steps).toBe(g.steps.filter((s) => s.paths.includes(p.id as 'developer' | 'production')).length);
    }
  });

  it('lists the good guides and warns about a broken one, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgr-list-'));
    temps.push(dir);
    copyFileSync(join(repoRoot, 'content', 'nexus.mdx'), join(dir, 'nexus.mdx'));
    copyFileSync(join(repoRoot, 'tests', 'fixtures', 'broken', 'unknown-prop.mdx'), join(dir, 'unknown-prop.mdx'));
    const r = await cli(['list'], { env: { CGR_PLAYBOOK_CONTENT: dir }, cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('nexus '))).toHaveLength(1);
    expect(r.stderr).toMatchInlineSnapshot(`
      "warning: unknown-prop.mdx is broken (1 error(s)); run \`cgr-playbook validate unknown-prop.mdx\`
      "
    `);
  });

  it('rejects an unknown option with exit 2 and a hint', async () => {
    const r = await cli(['list', '--yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatchInlineSnapshot(`
      "cgr-playbook list: Unknown option '--yaml'
        hint: run \`cgr-playbook list --help\` for its options
      "
    `);
  });
});
