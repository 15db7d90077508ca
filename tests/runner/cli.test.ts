// The `run` command end to end: golden transcripts (plain output, durations normalised), exit
// codes, values from the environment and files, secrets refused on the command line.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, normalise } from './cli-helpers.ts';
import { FIXTURES, workDirs } from './helpers.ts';

const work = workDirs();
const fx = (name: string) => join(FIXTURES, `${name}.mdx`);

describe('cgr-playbook run', () => {
  it('passing guide: transcript', async () => {
    const dir = work();
    const r = await cli(['run', fx('pass'), '--set', `workDir=${dir}`], { env: { CGR_API_TOKEN: 'tok-123456' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(normalise(r.stdout).replaceAll(dir, '<dir>')).toMatchInlineSnapshot(`
      "A guide whose steps all pass
      path: developer · 5 steps · CI mode

      [1/5] Say hello and print an id (say-hello)
      $ echo "hello world"
        echo "id=abc123"
      hello world
      id=abc123
      ✔ passed <t>

      [2/5] Use the captured id (use-capture)
      $ echo "got abc123"
      got abc123
      ✔ passed <t>

      [3/5] The greeting was printed (check-hello)
      ✔ passed <t>

      [4/5] Passes on the third attempt (eventually)
      $ n=$(cat <dir>/count 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > <dir>/count; echo "attempt $n"
      attempt 1
        attempt 2/4 (last: expected: The third attempt is reached; got: attempt 1)
      attempt 2
        attempt 3/4 (last: expected: The third attempt is reached; got: attempt 2)
      attempt 3
      ✔ passed <t>

      [5/5] Copy the API token from the web app (copy-token)
      ✔ passed <t> — provided: apiToken

      Passed: 5 passed, 0 failed, 0 skipped in <t>
      "
    `);
  });

  it('failing guide: transcript and exit 1', async () => {
    const r = await cli(['run', fx('fail')]);
    expect(r.code).toBe(1);
    expect(normalise(r.stdout)).toMatchInlineSnapshot(`
      "A guide whose second step fails
      path: developer · 3 steps · CI mode

      [1/3] Print a line (first)
      $ echo first step ran
      first step ran
      ✔ passed <t>

      [2/3] Exit with 3 (breaks)
      $ echo "about to fail"; exit 3
      about to fail
      ✘ failed <t> — exit code 3, expected 0
      [3/3] Never reached (never) ↷ skipped — not run: step breaks failed

      Failed: 1 passed, 1 failed, 1 skipped in <t>
        ✘ breaks: exit code 3, expected 0
      "
    `);
  });

  it('cleanup steps: run after the failure, marked as cleanup; the summary lists the first failure first', async () => {
    const r = await cli(['run', fx('cleanup-fails')]);
    expect(r.code).toBe(1);
    expect(normalise(r.stdout)).toMatchInlineSnapshot(`
      "A guide whose cleanup fails too
      path: developer · 3 steps · CI mode

      [1/3] Exit with 3 (breaks)
      $ echo "about to fail"; exit 3
      about to fail
      ✘ failed <t> — exit code 3, expected 0

      Cleaning up after step breaks failed:

      [2/3] Undo, but fail (undo) · cleanup
      $ echo "cannot undo"; exit 4
      cannot undo
      ✘ failed <t> — exit code 4, expected 0

      [3/3] Undo the rest (undo-more) · cleanup
      $ echo "undone the rest"
      undone the rest
      ✔ passed <t>

      Failed: 1 passed, 2 failed, 0 skipped in <t>
        ✘ breaks: exit code 3, expected 0
        ✘ undo (cleanup): exit code 4, expected 0
      "
    `);
  });

  it('a failed check names what success looks like and what came back; the condition is the second line', async () => {
    const dir = work();
    const r = await cli(['run', fx('cleanup'), '--set', `workDir=${dir}`, '--set', 'mode=pass', '--only', 'tidied']);
    expect(r.code).toBe(1);
    const out = normalise(r.stdout).replaceAll(dir, '<dir>');
    expect(out).toContain('✘ failed <t> — expected: The state file records the cleanup; got: cat: <dir>/state: No such file or directory\n  output does not match /^tidied tok42$/\n');
    expect(out).toContain('  ✘ tidied (cleanup): expected: The state file records the cleanup; got: cat: <dir>/state: No such file or directory\n');
  });

  it('CI with missing values: exit 2 listing every missing field', async () => {
    const r = await cli(['run', fx('ci'), '--ci']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatchInlineSnapshot(`
      "cgr-playbook run: missing values for needed, alsoNeeded
        needed (A needed value): --set needed=... or CGR_NEEDED
        alsoNeeded (Another needed value): --set alsoNeeded=... or CGR_ALSO_NEEDED
        hint: give them with --set id=value (not secrets), a --values file, or environment variables (CGR_NEEDED, CGR_ALSO_NEEDED)
      "
    `);
  });

  it('CI with a missing secret: says how to give it without writing it into shell history', async () => {
    const r = await cli(['run', fx('mask'), '--ci']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/apiToken \(.*\): type it into `read -rs CGR_API_TOKEN && export CGR_API_TOKEN` or put it in a --values file/);
    expect(r.stderr).not.toMatch(/export CGR_API_TOKEN=/);
  });

  it('refuses a secret on the command line (exit 2) and says where to put it', async () => {
    const r = await cli(['run', fx('mask'), '--set', 'apiToken=hunter2hunter2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('field "apiToken" is a secret and cannot be given with --set');
    // Typed into `read -rs`, not `export CGR_API_TOKEN=tok…`: that line would land in the shell's history file.
    expect(r.stderr).toContain('`read -rs CGR_API_TOKEN && export CGR_API_TOKEN` (not echoed, kept out of shell history)');
    expect(r.stderr).not.toMatch(/export CGR_API_TOKEN=/);
    expect(r.stdout + r.stderr).not.toContain('hunter2hunter2');
  });

  it('takes values from a YAML file (secrets allowed there) and masks them; reports never hold them', async () => {
    const dir = work();
    writeFileSync(join(dir, 'values.yaml'), 'apiToken: "file-Secret-42x"\n');
    const r = await cli(['run', fx('mask'), '--values', join(dir, 'values.yaml'), '--report', `junit=${join(dir, 'r.xml')}`, '--report', `json=${join(dir, 'r.json')}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('whole ********');
    expect(r.stdout).not.toContain('file-Secret-42x');
    const { readFileSync } = await import('node:fs');
    for (const f of ['r.xml', 'r.json']) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text.length).toBeGreaterThan(100);
      expect(text).not.toContain('file-Secret-42x');
      expect(text).not.toContain(Buffer.from('file-Secret-42x').toString('base64'));
    }
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).counts).toEqual({ total: 3, passed: 3, failed: 0, skipped: 0 });
  });

  it('plain output (not a TTY) carries no terminal control codes, even when a command prints colour', async () => {
    const dir = work();
    writeFileSync(
      join(dir, 'colour.mdx'),
      '---\nid: colour\ntitle: Colour\nproduct: bash\nsummary: x.\n---\n\n<Command id="paint" title="Print in red">\n  ```sh\n  printf \'\\033[31mred\\033[0m text\\n\'\n  ```\n</Command>\n',
    );
    const r = await cli(['run', join(dir, 'colour.mdx')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nred text\n');
    expect(r.stdout).not.toContain('\u001b');
  });

  it('a report into a missing folder is refused before anything runs (exit 2)', async () => {
    const r = await cli(['run', fx('fail'), '--report', 'junit=/nonexistent-dir/x.xml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('folder /nonexistent-dir does not exist');
  });

  it('a JSON values file with an unknown field or a bad value is a configuration error (exit 2)', async () => {
    const dir = work();
    writeFileSync(join(dir, 'v.json'), JSON.stringify({ workDir: dir, nope: 1 }));
    const r = await cli(['run', fx('pass'), '--values', join(dir, 'v.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown field "nope" in');
    expect(r.stderr).toContain('valid fields of runner-pass: greeting, workDir, apiToken');
    writeFileSync(join(dir, 'bad.json'), '{"workDir": ');
    const bad = await cli(['run', fx('pass'), '--values', join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not valid JSON');
    const invalid = await cli(['run', fx('ci'), '--ci', '--set', 'needed=x', '--set', 'alsoNeeded=http://not-a-host/']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('alsoNeeded (Another needed value): expected a host name with an optional port');
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['run'])).code).toBe(2);
    expect((await cli(['run', fx('fail'), '--report', 'xml=out.xml'])).stderr).toContain('--report expects junit=FILE or json=FILE');
    expect((await cli(['run', fx('fail'), '--timeout', 'soon'])).code).toBe(2);
    expect((await cli(['run', fx('fail'), '--path', 'staging'])).stderr).toContain('unknown path "staging"');
    const unknownStep = await cli(['run', fx('fail'), '--only', 'nope']);
    expect(unknownStep.code).toBe(2);
    expect(unknownStep.stderr).toContain('unknown step "nope" in --only');
  });
});
