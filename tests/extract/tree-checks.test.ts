// The checks that look at the whole parse tree (a link's address, a <Value>'s field) see every
// place a guide can hold one, also where the structural reading does not go: inside a <Field>, a
// child block, an unknown block, a nested step, a table, an <OnPath> or an <Aside> in a step.
import { describe, expect, it } from 'vitest';
import { loadGuideSource } from '../../playbooks/extract/load.ts';

const HEAD = '---\nid: t\ntitle: T\nproduct: Test\nsummary: S.\n---\n\n<Field id="org" label="Org" type="text" />\n\n';

function codesAt(body: string): string[] {
  const r = loadGuideSource(HEAD + body, 't.mdx');
  return r.diagnostics.filter((d) => d.code === 'unsafe-link' || d.code === 'unknown-field' || (d.code === 'invalid-prop' && d.message.startsWith('<Value>'))).map((d) => `${d.code} ${d.line}:${d.column}`);
}

describe('whole-tree checks of a guide', () => {
  it.each([
    ['prose', 'See [x](javascript:a) and <Value id="nope" />.\n', ['unsafe-link 10:5', 'unknown-field 10:34']],
    ['a table cell', '| a | b |\n|---|---|\n| [x](data:a) | <Value id="nope" /> |\n', ['unsafe-link 12:3', 'unknown-field 12:24']],
    ['a link around a value', '[<Value id="nope" />](vbscript:a)\n', ['unsafe-link 10:1', 'unknown-field 10:9']],
    ['a definition', '[ref]: javascript:a\n', ['unsafe-link 10:1']],
    ['an image', '![alt](javascript:a)\n', ['unsafe-link 10:1']],
    ['OnPath', '<OnPath path="developer">\n  [x](javascript:a) <Value id="nope" />\n</OnPath>\n', ['unsafe-link 11:3', 'unknown-field 11:28']],
    ['an Aside in a step', '<Command id="c" title="C">\n  <Aside>\n    [x](javascript:a) <Value id="nope" />\n  </Aside>\n\n  ```sh\n  true\n  ```\n</Command>\n', ['unsafe-link 12:5', 'unknown-field 12:30']],
    ['a child block', '<Verify id="v" title="V">\n  ```sh\n  true\n  ```\n  <Check exitCode={0} success="ok">\n    [x](javascript:a) <Value />\n  </Check>\n</Verify>\n', ['unsafe-link 15:5', 'invalid-prop 15:23']],
    ['a Field', '<Field id="f" label="F" type="text">\n  [x](javascript:a) <Value id="nope" />\n</Field>\n', ['unsafe-link 11:3', 'unknown-field 11:28']],
    ['an unknown block', '<Wrapper>\n  [x](javascript:a) <Value id="nope" />\n</Wrapper>\n', ['unsafe-link 11:3', 'unknown-field 11:28']],
    ['a nested step', '<Command id="c" title="C">\n  ```sh\n  true\n  ```\n  <Manual id="m" title="M">\n    [x](javascript:a) <Value id="nope" />\n  </Manual>\n</Command>\n', ['unsafe-link 15:5', 'unknown-field 15:30']],
  ])('in %s', (_, body, expected) => {
    expect(codesAt(body)).toEqual(expected);
  });

  it('a guide without either has none', () => {
    expect(codesAt('See [docs](https://example.com/) and <Value id="org" />.\n')).toEqual([]);
  });
});
