// `cgr-playbook run <guide> --dry-run --ci --set ...` works for every guide in content/, on both
// paths, with sample values taken from each field's example, default or type.
import { describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import { listGuideFiles, getGuide } from '../../playbooks/guides.ts';
import { checkFieldValue, type Field } from '../../playbooks/model/field.ts';
import { PATH_IDS } from '../../playbooks/model/props.ts';
import { cli } from './cli-helpers.ts';

function sample(f: Field): string {
  if (f.example !== undefined) return f.example;
  if (f.default !== undefined) return f.default;
  switch (f.type) {
    case 'url':
      return 'https://registry.example.com';
    case 'host':
      return 'registry.example.com:5000';
    case 'port':
      return '5000';
    case 'enum':
      return f.options![0]!;
    case 'boolean':
      return 'false';
    case 'secret':
      return 'sample-Secret-0123';
    default:
      return 'sample';
  }
}

const files = await listGuideFiles();

describe('dry run of every guide', () => {
  it('finds the guides', () => {
    expect(files.map((f) => basename(f, '.mdx'))).toEqual(expect.arrayContaining(['nexus', 'distribution']));
  });

  for (const file of files) {
    for (const path of PATH_IDS) {
      it(`${basename(file, '.mdx')} --path ${path}`, async () => {
        const guide = await getGuide(file);
        const sets: string[] = [];
        const env: Record<string, string> = {};
        for (const f of guide.fields) {
          const v = sample(f);
          expect(checkFieldValue(f, v), `sample value for ${f.id}`).toMatchObject({ ok: true });
          if (f.secret) env[f.envVar] = v;
          else sets.push('--set', `${f.id}=${v}`);
        }
        const r = await cli(['run', guide.meta.id, '--dry-run', '--ci', '--path', path, ...sets], { env });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/Dry run: 0 passed, 0 failed, \d+ skipped/);
        expect(r.stdout).not.toContain('sample-Secret-0123');
        const steps = guide.steps.filter((s) => s.paths.includes(path));
        for (const s of steps) expect(r.stdout).toContain(`(${s.id})`);
      });
    }
  }
});
