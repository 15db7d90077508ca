// `cgr-playbook validate`: text, json and junit output; exit 0 valid, 1 broken, 2 usage.
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { cli } from './memory-io.ts';

const BROKEN = ['tests/fixtures/broken/unknown-prop.mdx', 'tests/fixtures/broken/missing-frontmatter.mdx', 'tests/fixtures/broken/when-unknown-field.mdx'];
const GOOD = 'content/nexus.mdx';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure'].includes(name) });

interface JUnitCase { name: string; classname: string; failure?: Array<{ message: string; '#text': string }> }
interface JUnitDoc {
  testsuites: { tests: string; failures: string; testsuite: Array<{ name: string; tests: string; failures: string; errors: string; testcase: JUnitCase[] }> };
}

describe('validate', () => {
  it('with no files validates every guide in content/: exit 0', async () => {
    const r = await cli(['validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchInlineSnapshot(`
      "4 guide(s) valid
      "
    `);
  });

  it('text: every problem as file:line:col: message and hint, exit 1', async () => {
    const r = await cli(['validate', GOOD, ...BROKEN]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatchInlineSnapshot(`
      "tests/fixtures/broken/unknown-prop.mdx:8:43: colour: unknown prop "colour"
        hint: remove it, or check its spelling against the block reference (cgr-playbook docs: Authoring)
      tests/fixtures/broken/missing-frontmatter.mdx:1:1: missing frontmatter (id, title, product, summary)
        hint: start the file with a --- block: id: nexus, title: ..., product: ..., summary: ...
      tests/fixtures/broken/when-unknown-field.mdx:10:42: when: when refers to unknown field "debugMode"
        hint: declare <Field id="debugMode" .../> or use one of: troubleshoot
      3 error(s) in 3 of 4 guide(s)
      "
    `);
  });

  it('json: valid flag per file and the diagnostics with codes', async () => {
    const ok = await cli(['validate', '--format', 'json']);
    expect(ok.code).toBe(0);
    const okDoc = JSON.parse(ok.stdout) as { valid: boolean; files: Array<{ file: string; valid: boolean }> };
    expect(okDoc.valid).toBe(true);
    expect(okDoc.files.map((f) => f.valid)).toEqual([true, true, true, true]);

    const bad = await cli(['validate', '--format=json', GOOD, BROKEN[0]!]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchInlineSnapshot(`
      {
        "files": [
          {
            "diagnostics": [],
            "file": "content/nexus.mdx",
            "valid": true,
          },
          {
            "diagnostics": [
              {
                "code": "unknown-prop",
                "column": 43,
                "file": "tests/fixtures/broken/unknown-prop.mdx",
                "hint": "remove it, or check its spelling against the block reference (cgr-playbook docs: Authoring)",
                "line": 8,
                "message": "colour: unknown prop "colour"",
              },
            ],
            "file": "tests/fixtures/broken/unknown-prop.mdx",
            "valid": false,
          },
        ],
        "valid": false,
      }
    `);
  });

  it('junit: parses as XML; one passing case per valid guide, one failing case per problem', async () => {
    const ok = await cli(['validate', '--format', 'junit']);
    expect(ok.code).toBe(0);
    const okDoc = xml.parse(ok.stdout) as JUnitDoc;
    expect(okDoc.testsuites.tests).toBe('4');
    expect(okDoc.testsuites.failures).toBe('0');
    expect(okDoc.testsuites.testsuite[0]!.testcase.map((c) => c.name).sort()).toEqual(
      ['content/artifactory.mdx', 'content/cloudsmith.mdx', 'content/distribution.mdx', 'content/nexus.mdx'],
    );

    const bad = await cli(['validate', '--format', 'junit', GOOD, ...BROKEN]);
    expect(bad.code).toBe(1);
    const doc = xml.parse(bad.stdout) as JUnitDoc;
    const json = JSON.parse((await cli(['validate', '--format', 'json', GOOD, ...BROKEN])).stdout) as { files: Array<{ diagnostics: unknown[] }> };
    const problems = json.files.reduce((n, f) => n + f.diagnostics.length, 0);
    expect(problems).toBe(3);
    const suite = doc.testsuites.testsuite[0]!;
    expect(doc.testsuites.tests).toBe(String(problems + 1));
    expect(doc.testsuites.failures).toBe(String(problems));
    expect(suite.tests).toBe(String(problems + 1));
    expect(suite.failures).toBe(String(problems));
    expect(suite.errors).toBe('0');
    const failing = suite.testcase.filter((c) => c.failure);
    expect(failing.map((c) => [c.name, c.failure![0]!.message])).toMatchInlineSnapshot(`
      [
        [
          "tests/fixtures/broken/unknown-prop.mdx:8:43",
          "colour: unknown prop "colour"",
        ],
        [
          "tests/fixtures/broken/missing-frontmatter.mdx:1:1",
          "missing frontmatter (id, title, product, summary)",
        ],
        [
          "tests/fixtures/broken/when-unknown-field.mdx:10:42",
          "when: when refers to unknown field "debugMode"",
        ],
      ]
    `);
    expect(failing[0]!.failure![0]!['#text']).toContain('hint:');
  });

  it('an unknown format is a usage error: exit 2 naming the valid formats', async () => {
    const r = await cli(['validate', '--format', 'yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatchInlineSnapshot(`
      "cgr-playbook validate: unknown format "yaml"; valid formats: text, json, junit, github, gitlab
      "
    `);
  });

  it('a file that does not exist is reported at file:1:1, exit 1', async () => {
    const r = await cli(['validate', 'content/no-such-guide.mdx']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^content\/no-such-guide\.mdx:1:1: cannot read file: ENOENT/);
  });
});
