// A corpus of deliberately broken guides: each must fail validation at the right file:line:col
// with a message and a hint saying how to fix it. The expected output is pinned per file.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGuideFile, loadGuideSource } from '../../playbooks/extract/load.ts';
import { formatDiagnostic } from '../../playbooks/extract/diagnostics.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, 'tests', 'fixtures', 'broken');

/** Every diagnostic of one fixture as `[code] file:line:col: message` + hint lines. */
async function validate(name: string): Promise<string> {
  const r = await loadGuideFile(join(dir, `${name}.mdx`), root);
  expect(r.guide).toBeUndefined();
  expect(r.diagnostics.length).toBeGreaterThan(0);
  return r.diagnostics.map((d) => `[${d.code}] ${formatDiagnostic(d)}`).join('\n');
}

const PINNED = new Set<string>();
const pin = (name: string, fn: () => Promise<void>) => {
  PINNED.add(name);
  it(name, fn);
};

describe('broken guides', () => {
  pin('always-on-check', async () => {
    expect(await validate('always-on-check')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/always-on-check.mdx:12:23: always applies to <Command> and <Verify> only, not <Check>
        hint: put always on the enclosing step: <Verify id=... always>"
    `);
  });

  pin('always-on-manual', async () => {
    expect(await validate('always-on-manual')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/always-on-manual.mdx:14:51: always applies to <Command> and <Verify> only, not <Manual>
        hint: a cleanup step is one the runner can run by itself: write the cleanup as a <Command always>"
    `);
  });

  pin('check-without-success', async () => {
    expect(await validate('check-without-success')).toMatchInlineSnapshot(`
      "[missing-success] tests/fixtures/broken/check-without-success.mdx:13:3: success: a regex check needs success="…": what success looks like, in the reader's words
        hint: e.g. success="The registry answers 200, or 401 asking for a login""
    `);
  });

  pin('probe-without-success', async () => {
    expect(await validate('probe-without-success')).toMatchInlineSnapshot(`
      "[missing-success] tests/fixtures/broken/probe-without-success.mdx:11:3: success: a <Probe> needs success="…": what success looks like, in the reader's words
        hint: e.g. success="The image comes through the cache, every layer intact""
    `);
  });

  pin('bad-duration', async () => {
    expect(await validate('bad-duration')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/bad-duration.mdx:8:43: timeout: expected a duration such as "30s", "2m" or "500ms", got "5 minutes"
        hint: write a number with one unit: ms, s, m or h (or a whole number of milliseconds in braces: {30000})"
    `);
  });

  pin('bare-sh-fence', async () => {
    expect(await validate('bare-sh-fence')).toMatchInlineSnapshot(`
      "[bare-fence] tests/fixtures/broken/bare-sh-fence.mdx:16:1: bare code fence (sh) outside a playbook block
        hint: put commands in <Command id=... title=...> with a \`\`\`sh fence; mark sample output as \`\`\`output (or add \`output\` to the fence meta)"
    `);
  });

  pin('capture-on-another-path', async () => {
    expect(await validate('capture-on-another-path')).toMatchInlineSnapshot(`
      "[wrong-path] tests/fixtures/broken/capture-on-another-path.mdx:17:8: run: {{identityId}} is captured by step "create-token", which does not run on the developer path
        hint: limit this step to the same path as the capturing step"
    `);
  });

  pin('child-block-outside-its-step', async () => {
    expect(await validate('child-block-outside-its-step')).toMatchInlineSnapshot(`
      "[misplaced-block] tests/fixtures/broken/child-block-outside-its-step.mdx:14:1: <Set> belongs inside <Fields>
        hint: wrap it in a <Fields> step"
    `);
  });

  pin('default-fails-validation', async () => {
    expect(await validate('default-fails-validation')).toMatchInlineSnapshot(`
      "[invalid-default] tests/fixtures/broken/default-fails-validation.mdx:8:58: default: default fails the field's own validation: expected a port number between 1 and 65535, got "99999"
        hint: fix the default or the field type/pattern"
    `);
  });

  pin('duplicate-step-id', async () => {
    expect(await validate('duplicate-step-id')).toMatchInlineSnapshot(`
      "[duplicate-id] tests/fixtures/broken/duplicate-step-id.mdx:14:10: id: duplicate step id "pull" (first used by step 1)
        hint: step ids must be unique within a guide"
    `);
  });

  pin('enum-without-options', async () => {
    expect(await validate('enum-without-options')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/enum-without-options.mdx:8:1: options: an enum field needs options
        hint: add options={["a", "b"]}"
    `);
  });

  pin('field-from-another-path', async () => {
    expect(await validate('field-from-another-path')).toMatchInlineSnapshot(`
      "[wrong-path] tests/fixtures/broken/field-from-another-path.mdx:12:23: run: {{cgOrg}} is only asked for on the production path, but step "pull" also runs on developer
        hint: add path="production" to the step or path="both" to the field"
    `);
  });

  pin('invalid-regex', async () => {
    expect(await validate('invalid-regex')).toMatchInlineSnapshot(`
      "[invalid-regex] tests/fixtures/broken/invalid-regex.mdx:15:10: regex: invalid regular expression: /hello (world/: Unterminated group
        hint: escape special characters such as ( [ { . with a backslash"
    `);
  });

  pin('malformed-reference', async () => {
    expect(await validate('malformed-reference')).toMatchInlineSnapshot(`
      "[malformed-ref] tests/fixtures/broken/malformed-reference.mdx:12:3: run: malformed reference at "{{ registry host }}/"
        hint: write references as {{fieldId}} with a camelCase id"
    `);
  });

  pin('manual-provides-unknown-field', async () => {
    expect(await validate('manual-provides-unknown-field')).toMatchInlineSnapshot(`
      "[unknown-field] tests/fixtures/broken/manual-provides-unknown-field.mdx:14:47: provides[0]: provides unknown field "apiKey"
        hint: declare <Field id="apiKey" .../>"
    `);
  });

  pin('mdx-syntax-error', async () => {
    expect(await validate('mdx-syntax-error')).toMatchInlineSnapshot(`
      "[mdx-syntax] tests/fixtures/broken/mdx-syntax-error.mdx:8:1: MDX syntax error: Expected a closing tag for \`<Command>\`
        hint: check that every <Block> is closed (or self-closed with />) and that { } in prose is escaped as \\{ \\}"
    `);
  });

  pin('missing-frontmatter', async () => {
    expect(await validate('missing-frontmatter')).toMatchInlineSnapshot(`
      "[frontmatter] tests/fixtures/broken/missing-frontmatter.mdx:1:1: missing frontmatter (id, title, product, summary)
        hint: start the file with a --- block: id: nexus, title: ..., product: ..., summary: ..."
    `);
  });

  pin('missing-required-prop', async () => {
    expect(await validate('missing-required-prop')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/missing-required-prop.mdx:8:1: title: expected string, got nothing
        hint: add the title prop"
    `);
  });

  pin('non-static-prop', async () => {
    expect(await validate('non-static-prop')).toMatchInlineSnapshot(`
      "[not-static] tests/fixtures/broken/non-static-prop.mdx:8:43: prop "timeout" must be a static literal: BinaryExpression is not a literal
        hint: use a string, number, boolean, or an array/object of those"
    `);
  });

  pin('reference-in-arithmetic', async () => {
    expect(await validate('reference-in-arithmetic')).toMatchInlineSnapshot(`
      "[arithmetic-ref] tests/fixtures/broken/reference-in-arithmetic.mdx:12:13: run: {{retries}} is inside $(( )), where the shell evaluates the value as an arithmetic expression (bash runs $(...) found in it)
        hint: do the arithmetic outside the command and pass the result as a plain word"
    `);
  });

  pin('reference-in-single-quotes', async () => {
    expect(await validate('reference-in-single-quotes')).toMatchInlineSnapshot(`
      "[unexpanded-ref] tests/fixtures/broken/reference-in-single-quotes.mdx:12:41: run: {{image}} is inside single quotes, where the shell does not expand it
        hint: use double quotes around it, or none"
    `);
  });

  pin('reference-to-later-capture', async () => {
    expect(await validate('reference-to-later-capture')).toMatchInlineSnapshot(`
      "[unresolved-ref] tests/fixtures/broken/reference-to-later-capture.mdx:10:35: run: {{identityId}} is captured by step "create-token", which comes later
        hint: move the capturing step before this one"
    `);
  });

  pin('secret-in-fields-url', async () => {
    expect(await validate('secret-in-fields-url')).toMatchInlineSnapshot(`
      "[secret-in-url] tests/fixtures/broken/secret-in-fields-url.mdx:11:50: value: secret {{apiToken}} is interpolated into a URL
        hint: URLs are shown on the page and end up in logs and histories; pass the secret as a header, a password prompt or --password-stdin"
    `);
  });

  pin('secret-in-query-string', async () => {
    expect(await validate('secret-in-query-string')).toMatchInlineSnapshot(`
      "[secret-in-url] tests/fixtures/broken/secret-in-query-string.mdx:12:55: run: secret {{apiKey}} is interpolated into a URL
        hint: URLs are shown on the page and end up in logs and histories; pass the secret as a header, a password prompt or --password-stdin"
    `);
  });

  pin('secret-in-url', async () => {
    expect(await validate('secret-in-url')).toMatchInlineSnapshot(`
      "[secret-in-url] tests/fixtures/broken/secret-in-url.mdx:12:26: run: secret {{apiToken}} is interpolated into a URL
        hint: URLs are shown on the page and end up in logs and histories; pass the secret as a header, a password prompt or --password-stdin"
    `);
  });

  pin('advanced-field-without-default', async () => {
    expect(await validate('advanced-field-without-default')).toMatchInlineSnapshot(`
      "[invalid-guide] tests/fixtures/broken/advanced-field-without-default.mdx:8:53: group: an advanced field needs a default: readers leave it alone
        hint: add default="…", or required={false}, or move the field out of the advanced group"
    `);
  });

  pin('secret-with-default', async () => {
    expect(await validate('secret-with-default')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/secret-with-default.mdx:8:53: default: a secret field cannot have a default
        hint: remove default; secrets come from the environment, a file or the prompt"
    `);
  });

  pin('slow-field-pattern', async () => {
    expect(await validate('slow-field-pattern')).toMatchInlineSnapshot(`
      "[slow-regex] tests/fixtures/broken/slow-field-pattern.mdx:8:46: pattern: regular expression can take exponential time: the repeated group ([a-z]+-?)+ holds [a-z]+, which can repeat too, with nothing between them that only one of them matches
        hint: a repetition inside a repetition (such as (a+)+ or (\\w+\\s?)+) makes matching try every way of splitting the text; repeat one thing (a+, [\\w\\s]+), or put a character only the outer repetition matches between the parts, as in (\\d+\\.)+"
    `);
  });

  pin('two-command-fences', async () => {
    expect(await validate('two-command-fences')).toMatchInlineSnapshot(`
      "[bare-fence] tests/fixtures/broken/two-command-fences.mdx:13:3: <Command> has 2 command fences; a step runs one command
        hint: split it into two steps, or join the commands with && in one fence"
    `);
  });

  pin('unknown-block', async () => {
    expect(await validate('unknown-block')).toMatchInlineSnapshot(`
      "[unknown-block] tests/fixtures/broken/unknown-block.mdx:14:1: unknown block <Tabs>
        hint: known blocks: Field, Command, Verify, Fields, Manual (children: Set, Capture, Check, Probe), prose: Value, Aside, OnPath"
    `);
  });

  pin('unknown-prop', async () => {
    expect(await validate('unknown-prop')).toMatchInlineSnapshot(`
      "[unknown-prop] tests/fixtures/broken/unknown-prop.mdx:8:43: colour: unknown prop "colour"
        hint: remove it, or check its spelling against the block reference (cgr-playbook docs: Authoring)"
    `);
  });

  pin('unresolved-reference', async () => {
    expect(await validate('unresolved-reference')).toMatchInlineSnapshot(`
      "[unresolved-ref] tests/fixtures/broken/unresolved-reference.mdx:12:43: run: unresolved reference {{imageName}}
        hint: declare <Field id="imageName" .../> or capture it in an earlier command; known: registryHost"
    `);
  });

  pin('value-of-unknown-field', async () => {
    expect(await validate('value-of-unknown-field')).toMatchInlineSnapshot(`
      "[unknown-field] tests/fixtures/broken/value-of-unknown-field.mdx:10:33: <Value id="cgorg"> names no field
        hint: declare <Field id="cgorg" .../> or use one of: cgOrg"
    `);
  });

  pin('verify-later-step', async () => {
    expect(await validate('verify-later-step')).toMatchInlineSnapshot(`
      "[unresolved-ref] tests/fixtures/broken/verify-later-step.mdx:8:45: step: verify refers to step "pull", which comes later
        hint: step= names an earlier command step of the same path"
    `);
  });

  pin('capture-twice', async () => {
    expect(await validate('capture-twice')).toMatchInlineSnapshot(`
      "[duplicate-capture] tests/fixtures/broken/capture-twice.mdx:22:12: name: capture "token" is already captured by step "token-real", and both steps can run
        hint: rename one of them, or make the two steps alternatives: conditions that cannot both hold (when="useLab" and when="!useLab") or different paths"
    `);
  });

  pin('probe-credentials-when-unknown-field', async () => {
    expect(await validate('probe-credentials-when-unknown-field')).toMatchInlineSnapshot(`
      "[unknown-field] tests/fixtures/broken/probe-credentials-when-unknown-field.mdx:11:91: credentialsWhen: credentialsWhen refers to unknown field "needsLogin"
        hint: declare <Field id="needsLogin" .../> or use one of: password"
    `);
  });

  pin('probe-credentials-when-without-credentials', async () => {
    expect(await validate('probe-credentials-when-without-credentials')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/probe-credentials-when-without-credentials.mdx:11:67: credentialsWhen: credentialsWhen needs credentials to send: this probe has no username or password
        hint: add username="{{…}}" and password="{{…}}", or remove credentialsWhen"
    `);
  });

  pin('probe-ca-file-relative', async () => {
    expect(await validate('probe-ca-file-relative')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/probe-ca-file-relative.mdx:11:85: caFile: caFile must be an absolute path (or start with a value holding one), got "certs.d/{{registryHost}}/ca.crt"
        hint: write the full path, e.g. caFile="/etc/docker/certs.d/{{registryHost}}/ca.crt" (where docker reads the CA of a registry)"
    `);
  });

  pin('probe-ca-file-insecure', async () => {
    expect(await validate('probe-ca-file-insecure')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/probe-ca-file-insecure.mdx:11:69: caFile: caFile has no use on an insecure probe: plain HTTP has no certificate to check
        hint: remove caFile, or insecure"
    `);
  });

  pin('probe-ca-file-secret', async () => {
    expect(await validate('probe-ca-file-secret')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/probe-ca-file-secret.mdx:12:82: caFile: secret {{token}} is in a probe's caFile, a file path that is shown and logged
        hint: caFile names a file of public CA certificates: build it from values that are not secret, such as the registry address"
    `);
  });

  pin('when-unknown-field', async () => {
    expect(await validate('when-unknown-field')).toMatchInlineSnapshot(`
      "[unknown-field] tests/fixtures/broken/when-unknown-field.mdx:10:42: when: when refers to unknown field "debugMode"
        hint: declare <Field id="debugMode" .../> or use one of: troubleshoot"
    `);
  });

  pin('capture-prototype-name', async () => {
    expect(await validate('capture-prototype-name')).toMatchInlineSnapshot(`
      "[reserved-name] tests/fixtures/broken/capture-prototype-name.mdx:12:12: name: "toString" is the name of a built-in property of every JavaScript object and cannot name a value
        hint: rename it, e.g. "identityId""
    `);
  });

  pin('catastrophic-regex', async () => {
    expect(await validate('catastrophic-regex')).toMatchInlineSnapshot(`
      "[slow-regex] tests/fixtures/broken/catastrophic-regex.mdx:15:10: regex: regular expression can take exponential time: the repeated group (a+)+ holds a+, which can repeat too, with nothing between them that only one of them matches
        hint: a repetition inside a repetition (such as (a+)+ or (\\w+\\s?)+) makes matching try every way of splitting the text; repeat one thing (a+, [\\w\\s]+), or put a character only the outer repetition matches between the parts, as in (\\d+\\.)+"
    `);
  });

  pin('duration-too-long', async () => {
    expect(await validate('duration-too-long')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/duration-too-long.mdx:8:43: timeout: expected a duration of at most 24h, got "600h"
        hint: a step that needs longer than a day should be split, or run outside the guide"
    `);
  });

  pin('field-id-prototype-name', async () => {
    expect(await validate('field-id-prototype-name')).toMatchInlineSnapshot(`
      "[reserved-name] tests/fixtures/broken/field-id-prototype-name.mdx:8:8: id: "constructor" is the name of a built-in property of every JavaScript object and cannot name a value
        hint: rename the field, e.g. "registryHost""
    `);
  });

  pin('negative-retries', async () => {
    expect(await validate('negative-retries')).toMatchInlineSnapshot(`
      "[invalid-prop] tests/fixtures/broken/negative-retries.mdx:8:51: retries: expected a whole number from 0 to 100, got -1
        hint: write a number between 0 and 100"
    `);
  });

  pin('secret-in-probe-image', async () => {
    expect(await validate('secret-in-probe-image')).toMatchInlineSnapshot(`
      "[secret-in-url] tests/fixtures/broken/secret-in-probe-image.mdx:12:57: image: secret {{pullToken}} is interpolated into an image reference, which becomes part of a URL
        hint: image references name the registry and the image only; give credentials with username= and password="
    `);
  });

  pin('whitespace-command-fence', async () => {
    expect(await validate('whitespace-command-fence')).toMatchInlineSnapshot(`
      "[empty-command] tests/fixtures/broken/whitespace-command-fence.mdx:10:3: run: a command needs a \`\`\`sh fence with the command
        hint: write the command in the \`\`\`sh fence"
    `);
  });

  pin('yaml-alias-bomb', async () => {
    expect(await validate('yaml-alias-bomb')).toMatchInlineSnapshot(`
      "[frontmatter] tests/fixtures/broken/yaml-alias-bomb.mdx:1:1: frontmatter cannot be read: Excessive alias count indicates a resource exhaustion attack
        hint: write plain key: value lines; YAML anchors and aliases (&a, *a) are not needed in a guide"
    `);
  });

  // One-line texts (titles, labels, success statements…) reach terminals, CI logs (a line starting
  // with "::" is a GitHub workflow command), Markdown headings and table cells: no line breaks or
  // control characters.
  pin('line-break-in-title', async () => {
    expect(await validate('line-break-in-title')).toMatchInlineSnapshot(`
      "[invalid-guide] tests/fixtures/broken/line-break-in-title.mdx:8:18: title: expected one line of text, got a line break at character 10
        hint: write it on one line, without control characters (a longer explanation goes in the prose)
      [invalid-guide] tests/fixtures/broken/line-break-in-title.mdx:13:27: success: expected one line of text, got the control character U+001B at character 17
        hint: write it on one line, without control characters (a longer explanation goes in the prose)"
    `);
  });

  pin('line-break-in-guide-title', async () => {
    expect(await validate('line-break-in-guide-title')).toMatchInlineSnapshot(`
      "[invalid-guide] tests/fixtures/broken/line-break-in-guide-title.mdx:3:1: title: expected one line of text, got a line break at character 15
        hint: write it on one line, without control characters (a longer explanation goes in the prose)"
    `);
  });

  // A javascript: (or data:, vbscript:) link runs script in the reader's browser wherever the site
  // is published, also where our Content-Security-Policy is not sent.
  pin('unsafe-link', async () => {
    expect(await validate('unsafe-link')).toMatchInlineSnapshot(`
      "[unsafe-link] tests/fixtures/broken/unsafe-link.mdx:8:6: a link to a javascript: address ("javascript:alert(document.domain)")
        hint: link to an https:// (or http://, mailto:) address, or to a page or heading of the site (/guides/nexus/, #start)
      [unsafe-link] tests/fixtures/broken/unsafe-link.mdx:10:1: a link to a javascript: address ("JavaScript:alert(2)")
        hint: link to an https:// (or http://, mailto:) address, or to a page or heading of the site (/guides/nexus/, #start)
      [unsafe-link] tests/fixtures/broken/unsafe-link.mdx:15:8: a link to a data: address ("data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==")
        hint: link to an https:// (or http://, mailto:) address, or to a page or heading of the site (/guides/nexus/, #start)"
    `);
  });

  it('every fixture in tests/fixtures/broken has a pinned result', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.mdx')).map((f) => f.slice(0, -4));
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(files.filter((f) => !PINNED.has(f))).toEqual([]);
  });
});

describe('guides that would make validation slow or endless', () => {
  const HEAD = '---\nid: big\ntitle: Big\nproduct: Test\nsummary: x.\n---\n\n';

  it('a guide file over the size limit is refused at 1:1 without being parsed', async () => {
    const source = HEAD + 'Some words of prose.\n\n'.repeat(20_000);
    expect(loadGuideSource(source, 'big.mdx').diagnostics.map((d) => `${d.code} ${formatDiagnostic(d)}`)).toEqual([
      `guide-too-large big.mdx:1:1: this guide is ${Math.round(Buffer.byteLength(source) / 1024)} KiB; a guide may be at most 256 KiB\n  hint: split it into several guides`,
    ]);
  });

  it('what is not a regular file (a device that never ends) is refused at once', async () => {
    const r = await loadGuideFile('/dev/zero', root);
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['unreadable', 'cannot read file: not a regular file']]);
  });

  it('lists or quotes nested past what a guide needs are refused at their line (the parser slows down with depth)', () => {
    const list = HEAD + Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n') + '\n';
    expect(loadGuideSource(list, 'deep.mdx').diagnostics.map((d) => `${d.code} ${formatDiagnostic(d)}`)).toEqual([
      'too-deep deep.mdx:41:1: this line is indented 66 columns; a guide nests lists and blocks at most 64 columns deep\n  hint: flatten the nesting',
    ]);
    const quote = HEAD + '> '.repeat(20) + 'x\n';
    expect(loadGuideSource(quote, 'deep.mdx').diagnostics.map((d) => d.code)).toEqual(['too-deep']);
  });
});
