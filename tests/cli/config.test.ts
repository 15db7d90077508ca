// The guides folder and the tool's own settings: --content, CGR_PLAYBOOK_CONTENT, a config file
// (cgr-playbook.config.json|yaml|yml found in the working folder or above), in that order; field
// ids that would collide with the tool's CGR_PLAYBOOK_* variables are refused.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { configFileProblem } from '../../playbooks/config.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, repoRoot } from './memory-io.ts';

let temps: string[] = [];
afterEach(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  temps = [];
});

/** A project folder: docs/guides holds the Nexus guide under another id, docs/other the Cloudsmith one. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgr-config-'));
  temps.push(dir);
  mkdirSync(join(dir, 'docs', 'guides'), { recursive: true });
  mkdirSync(join(dir, 'docs', 'other'), { recursive: true });
  mkdirSync(join(dir, 'deep', 'er'), { recursive: true });
  copyFileSync(join(repoRoot, 'content', 'nexus.mdx'), join(dir, 'docs', 'guides', 'nexus.mdx'));
  copyFileSync(join(repoRoot, 'content', 'cloudsmith.mdx'), join(dir, 'docs', 'other', 'cloudsmith.mdx'));
  return dir;
}
const ids = (stdout: string) => stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(' ')[0]);

describe('the guides folder', () => {
  it('--content DIR (relative to the working folder) for list, validate, show and run', async () => {
    const dir = project();
    expect(ids((await cli(['list', '--content', 'docs/guides'], { cwd: dir })).stdout)).toEqual(['nexus']);
    expect(await cli(['validate', '--content', 'docs/guides'], { cwd: dir })).toEqual({ code: 0, stdout: '1 guide(s) valid\n', stderr: '' });
    expect((await cli(['show', 'nexus', '--content', 'docs/guides'], { cwd: dir })).code).toBe(0);
    const unknown = await cli(['show', 'cloudsmith', '--content', 'docs/guides'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown guide "cloudsmith"; valid guides: nexus');
    const run = await cli(['run', 'nexus', '--content', 'docs/guides', '--dry-run', '--ci', '--path', 'developer', '--set', 'nexusUrl=http://localhost:8081', '--set', 'nexusHost=localhost:5051'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Dry run: 0 passed');
  });

  it('a config file in the working folder or above; its paths are relative to it; JSON and YAML', async () => {
    const dir = project();
    writeFileSync(join(dir, 'cgr-playbook.config.json'), JSON.stringify({ content: 'docs/guides' }));
    expect(ids((await cli(['list'], { cwd: join(dir, 'deep', 'er') })).stdout)).toEqual(['nexus']);
    rmSync(join(dir, 'cgr-playbook.config.json'));
    writeFileSync(join(dir, 'cgr-playbook.config.yaml'), '# the guides of this repository\ncontent: docs/other\n');
    expect(ids((await cli(['list'], { cwd: dir })).stdout)).toEqual(['cloudsmith']);
  });

  it('precedence: --content, then CGR_PLAYBOOK_CONTENT, then the config file, then the package content/', async () => {
    const dir = project();
    writeFileSync(join(dir, 'cgr-playbook.config.yml'), 'content: docs/other\n');
    expect(ids((await cli(['list', '--content', 'docs/guides'], { cwd: dir, env: { CGR_PLAYBOOK_CONTENT: join(dir, 'docs/other') } })).stdout)).toEqual(['nexus']);
    expect(ids((await cli(['list'], { cwd: dir, env: { CGR_PLAYBOOK_CONTENT: join(dir, 'docs/guides') } })).stdout)).toEqual(['nexus']);
    expect(ids((await cli(['list'], { cwd: dir })).stdout)).toEqual(['cloudsmith']);
    expect(ids((await cli(["list"], { cwd: repoRoot })).stdout)).toEqual(JSON.parse((await cli(["list", "--json"])).stdout).map((g: { id: string }) => g.id));
    expect(ids((await cli(["list"], { cwd: repoRoot })).stdout)).toContain("distribution");
  });

  it('a missing folder, an unknown key or a bad value in the config file: exit 2 saying which and where', async () => {
    const dir = project();
    const missing = await cli(['validate', '--content', 'docs/nope'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`cgr-playbook validate: the guides folder ${join(dir, 'docs/nope')} (from --content) does not exist\n  hint: pass the folder that holds the guides (*.mdx)\n`);
    writeFileSync(join(dir, 'cgr-playbook.config.json'), JSON.stringify({ contnet: 'docs/guides' }));
    const unknownKey = await cli(['list'], { cwd: dir });
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toBe(`cgr-playbook list: ${join(dir, 'cgr-playbook.config.json')}: unknown key "contnet"; valid keys: content, lab\n`);
    writeFileSync(join(dir, 'cgr-playbook.config.json'), JSON.stringify({ content: 3 }));
    expect((await cli(['list'], { cwd: dir })).stderr).toContain('cgr-playbook.config.json: content: expected a non-empty string (a folder, relative to the config file)');
    writeFileSync(join(dir, 'cgr-playbook.config.json'), '{"content": ');
    expect((await cli(['list'], { cwd: dir })).stderr).toContain('cgr-playbook.config.json is not valid JSON');
    writeFileSync(join(dir, 'cgr-playbook.config.json'), JSON.stringify({ content: 'docs/gone' }));
    expect((await cli(['list'], { cwd: dir })).stderr).toContain(`the guides folder ${join(dir, 'docs/gone')} (from "content" in ${join(dir, 'cgr-playbook.config.json')}) does not exist`);
  });

  it('CGR_PLAYBOOK_CONFIG names the config file explicitly', async () => {
    const dir = project();
    writeFileSync(join(dir, 'docs', 'ci.yaml'), 'content: guides\n');
    expect(ids((await cli(['list'], { cwd: repoRoot, env: { CGR_PLAYBOOK_CONFIG: join(dir, 'docs', 'ci.yaml') } })).stdout)).toEqual(['nexus']);
  });
});

describe('the lab state folder', () => {
  it('comes from --state-dir, CGR_PLAYBOOK_LAB_STATE_DIR, then lab.stateDir of the config file', async () => {
    const dir = project();
    writeFileSync(join(dir, 'cgr-playbook.config.yaml'), 'lab:\n  stateDir: .lab-state\n');
    const fromConfig = await cli(['lab', 'status'], { cwd: join(dir, 'deep') });
    expect(fromConfig.stdout).toBe(`no lab in ${join(dir, '.lab-state')}\n`);
    const fromEnv = await cli(['lab', 'status'], { cwd: dir, env: { CGR_PLAYBOOK_LAB_STATE_DIR: join(dir, 'env-state') } });
    expect(fromEnv.stdout).toBe(`no lab in ${join(dir, 'env-state')}\n`);
    const fromOption = await cli(['lab', 'status', '--state-dir', join(dir, 'opt-state')], { cwd: dir, env: { CGR_PLAYBOOK_LAB_STATE_DIR: join(dir, 'env-state') } });
    expect(fromOption.stdout).toBe(`no lab in ${join(dir, 'opt-state')}\n`);
    writeFileSync(join(dir, 'cgr-playbook.config.yaml'), 'lab:\n  stateDri: x\n');
    expect((await cli(['lab', 'status'], { cwd: dir })).stderr).toContain('unknown key "lab.stateDri"; valid keys: lab.stateDir');
  });
});

describe("the tool's settings never collide with field values", () => {
  it('a field id starting with "playbook" is refused at its line (its CGR_PLAYBOOK_* variable is a tool setting)', async () => {
    const dir = project();
    writeFileSync(
      join(dir, 'g.mdx'),
      '---\nid: g\ntitle: G\nproduct: bash\nsummary: x.\n---\n\n<Field id="playbookContent" label="A folder" />\n<Field id="playbooks" label="Fine" />\n\n<Command id="c" title="C">\n  ```sh\n  echo {{playbookContent}} {{playbooks}}\n  ```\n</Command>\n',
    );
    const r = await cli(['validate', 'g.mdx'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('g.mdx:8:');
    expect(r.stdout).toContain('g.mdx:8:8: id: names starting with "playbook" are reserved: their CGR_PLAYBOOK_* environment variables are cgr-playbook\'s own settings');
    expect(r.stdout).not.toContain('playbooks"');
  });

  it('so is a capture named playbook<Something> (captures reach later steps as CGR_<NAME> too)', async () => {
    const dir = project();
    writeFileSync(
      join(dir, 'c.mdx'),
      "---\nid: c\ntitle: C\nproduct: bash\nsummary: x.\n---\n\n<Command id=\"mint\" title=\"Mint\">\n  ```sh\n  echo id=abc\n  ```\n  <Capture name=\"playbookConfig\" regex={'id=(\\\\w+)'} />\n</Command>\n",
    );
    const r = await cli(['validate', 'c.mdx'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^c\.mdx:\d+:\d+: .*names starting with "playbook" are reserved/m);
  });
});

describe("a config file someone else could have written is not used (it names the guides whose commands run)", () => {
  // On a shared machine anyone can write /tmp/cgr-playbook.config.json; found from /tmp/work it
  // would point `run` at their guides, whose commands then run as you.
  it('one writable by other users is refused, naming it, exit 2', async () => {
    const dir = project();
    const file = join(dir, 'cgr-playbook.config.json');
    writeFileSync(file, JSON.stringify({ content: 'docs/guides' }));
    chmodSync(file, 0o666);
    const r = await cli(['list'], { cwd: join(dir, 'deep', 'er') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the config file ${file} is writable by other users`);
    chmodSync(file, 0o644);
    expect(ids((await cli(['list'], { cwd: join(dir, 'deep', 'er') })).stdout)).toEqual(['nexus']);
  });

  it("one owned by another user (not root) is refused; yours and root's are read", () => {
    expect(configFileProblem({ uid: 1234, mode: 0o100644 }, 1000)).toBe('belongs to another user (uid 1234)');
    expect(configFileProblem({ uid: 1000, mode: 0o100664 }, 1000)).toBeUndefined();
    expect(configFileProblem({ uid: 1000, mode: 0o100646 }, 1000)).toBe('is writable by other users');
    expect(configFileProblem({ uid: 0, mode: 0o100644 }, 1000)).toBeUndefined();
    expect(configFileProblem({ uid: 1234, mode: 0o100644 }, undefined)).toBeUndefined(); // no user ids (Windows)
  });
});
