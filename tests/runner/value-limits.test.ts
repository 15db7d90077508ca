// Values that cannot be passed safely are configuration errors (exit 2, the field named), not a
// crash or a silently different value: NUL (the environment would cut the value there), control
// characters, values too large for the environment (execve's E2BIG, "Argument list too long").
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './cli-helpers.ts';
import { FIXTURES, workDirs } from './helpers.ts';

const work = workDirs();
const PASS = join(FIXTURES, 'pass.mdx');

describe('run refuses values it cannot pass as they are', () => {
  it('a NUL in a --values JSON value: exit 2 naming the field, nothing run', async () => {
    const dir = work();
    const file = join(dir, 'values.json');
    writeFileSync(file, JSON.stringify({ workDir: dir, greeting: 'hello\u0000; touch pwned' }));
    const r = await cli(['run', PASS, '--ci', '--values', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/greeting \(Greeting\): expected no control characters, got U\+0000 \(NUL\)/);
    expect(r.stdout).not.toContain('[1/');
  });

  it('a NUL in a --values YAML secret: exit 2 naming the field, the secret not repeated', async () => {
    const dir = work();
    const file = join(dir, 'values.yaml');
    writeFileSync(file, `workDir: ${dir}\napiToken: "tok-1234\\0rest"\n`);
    const r = await cli(['run', PASS, '--ci', '--values', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/apiToken \(API token\): expected no control characters/);
    expect(r.stderr + r.stdout).not.toContain('tok-1234');
  });

  it('a 200 KB value: exit 2 with the limit, not "Argument list too long"', async () => {
    const dir = work();
    const r = await cli(['run', PASS, '--ci', '--set', `workDir=${dir}`], { env: { CGR_GREETING: 'x'.repeat(200 * 1024) } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/greeting \(Greeting\): expected a value of at most 32 KiB, got 200 KiB/);
    expect(r.stderr + r.stdout).not.toMatch(/Argument list too long|execvp/);
  });

  it('show refuses a value with a terminal escape sequence instead of printing it raw', async () => {
    const r = await cli(['show', PASS, '--set', 'greeting=hi\u001b]0;pwned\u0007\u001b[2J', '--set', 'workDir=/tmp/x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/greeting/);
    expect(r.stdout + r.stderr).not.toContain('\u001b');
  });
});

describe('captured values obey the same rules', () => {
  const guide = (print: string) => `---
id: capture-limits
title: Captures
product: Bash
summary: Fixture.
---

<Command id="emit" title="Print a value">
  \`\`\`sh
  ${print}
  \`\`\`
  <Capture name="got" regex={'id=([\\\\s\\\\S]*)end'} />
</Command>

<Command id="use" title="Use it">
  \`\`\`sh
  printf '%s' {{got}} | wc -c
  \`\`\`
</Command>
`;
  for (const [label, print, expected] of [
    ['a 200 KB capture', "printf 'id=%s' \"$(head -c 204800 /dev/zero | tr '\\0' x)\"; echo end", /capture got: the captured value cannot be passed to later steps: expected a value of at most 32 KiB, got 200 KiB/],
    ['a capture with a control character', "printf 'id=a\\001bend\\n'", /capture got: .*expected no control characters other than line breaks, got U\+0001/],
    // A server's answer captured and passed on as an argument: read as an option, or pasted unlike it reads.
    ['a one-line capture starting with "-"', "printf 'id=--config=/etc/passwdend\\n'", /capture got: the captured value cannot be passed to later steps: expected a value that does not start with "-" \(a command would read it as an option\)/],
    ['a capture with an invisible character', "printf 'id=adm\\342\\200\\213inend\\n'", /capture got: .*expected no invisible characters, got U\+200B at character 4/],
  ] as const) {
    it(`${label}: the capturing step fails with the reason, the next step does not run`, async () => {
      const dir = work();
      const file = join(dir, 'g.mdx');
      writeFileSync(file, guide(print));
      const r = await cli(['run', file, '--ci']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(expected);
      expect(r.stdout).not.toMatch(/Argument list too long|execvp/);
      expect(r.stdout).toMatch(/\(use\) .*not run: step emit failed/);
    });
  }
});
