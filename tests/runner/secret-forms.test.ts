// A real run: whatever form a secret takes in a command's output (raw, each line of a multi-line
// secret, CRLF from the terminal, JSON-escaped, hex), it reaches neither the terminal nor the
// JSON or JUnit report.
import { afterEach, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './cli-helpers.ts';
import { tempDir } from './helpers.ts';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

const GUIDE = `---
id: secret-forms
title: Secret forms
product: Bash
summary: Fixture.
---

<Field id="key" label="Key" type="secret" multiline />
<Field id="tok" label="Token" type="secret" />

<Command id="leak" title="Print the secrets in several encodings">
  \`\`\`sh
  printf '%s\\n' {{key}}
  printf 'one line: %s\\n' "$(printf '%s' {{key}} | sed -n 2p)"
  printf '{"token": "%s"}\\n' "$(printf '%s' {{tok}} | sed 's/["\\\\]/\\\\&/g')"
  printf 'hex %s\\n' "$(printf '%s' {{tok}} | od -An -tx1 | tr -d ' \\n')"
  exit 3
  \`\`\`
</Command>
`;

it('every form is masked on the terminal and in both reports', async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const file = join(t.dir, 'g.mdx');
  writeFileSync(file, GUIDE);
  const key = 'first-line-of-key\nSECOND-line-of-the-key\nthird-line-of-key';
  const tok = 'tok"with\\quote-9911';
  const values = join(t.dir, 'values.json');
  writeFileSync(values, JSON.stringify({ key, tok }));
  const json = join(t.dir, 'r.json');
  const junit = join(t.dir, 'r.xml');
  const r = await cli(['run', file, '--ci', '--values', values, '--report', `json=${json}`, '--report', `junit=${junit}`]);
  expect(r.code).toBe(1);
  const everything = [r.stdout, r.stderr, readFileSync(json, 'utf8'), readFileSync(junit, 'utf8')].join('\n');
  expect(r.stdout).toContain('one line: ********');
  for (const leak of ['first-line-of-key', 'SECOND-line', 'third-line-of-key', 'tok"with', 'tok\\"with', 'with\\\\quote', Buffer.from(tok).toString('hex'), 'quote-9911']) {
    expect.soft(everything, leak).not.toContain(leak);
  }
});

it('a secret coloured in part by the command (grep --color) is masked on the terminal, in the CI log and in the reports', async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const file = join(t.dir, 'g.mdx');
  writeFileSync(
    file,
    '---\nid: coloured\ntitle: Coloured\nproduct: Bash\nsummary: Fixture.\n---\n\n<Field id="tok" label="Token" type="secret" />\n\n<Command id="grep" title="Find the line">\n  ```sh\n  printf \'token=%s\\n\' {{tok}} | grep --color=always Value\n  exit 3\n  ```\n</Command>\n',
  );
  const json = join(t.dir, 'r.json');
  const r = await cli(['run', file, '--ci', '--report', `json=${json}`], { env: { CGR_TOK: 'SecretValue-123456' } });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('token=********');
  for (const text of [r.stdout, r.stderr, readFileSync(json, 'utf8')]) expect(text).not.toMatch(/Value-123456|Secret\S*Value/);
});

it('a secret inside another value is masked before that value is quoted for the command shown (a "!" or a quote would change its form)', async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const file = join(t.dir, 'g.mdx');
  writeFileSync(
    file,
    '---\nid: quoted\ntitle: Quoted\nproduct: Bash\nsummary: Fixture.\n---\n\n<Field id="pw" label="Password" type="secret" />\n\n' +
      '<Command id="make" title="Make a login line">\n  ```sh\n  printf \'line=admin:%s\\n\' {{pw}}\n  ```\n  <Capture name="cred" regex="line=(\\S+)" />\n</Command>\n\n' +
      '<Command id="use" title="Use it">\n  ```sh\n  echo {{cred}} >/dev/null\n  ```\n</Command>\n',
  );
  const json = join(t.dir, 'r.json');
  const r = await cli(['run', file, '--ci', '--report', `json=${json}`], { env: { CGR_PW: "Hunter2!it's" } });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("$ echo 'admin:********' >/dev/null");
  for (const text of [r.stdout, r.stderr, readFileSync(json, 'utf8')]) expect(text).not.toMatch(/Hunter2/);
});
