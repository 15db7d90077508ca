// The quoting context the templating sees at each {{ref}}: it decides how a value is quoted.
import { describe, expect, it } from 'vitest';
import { shellContexts } from '../../playbooks/template/shell.ts';

const ctx = (template: string) => shellContexts(template);

describe('shellContexts', () => {
  it.each([
    ['echo {{a}}', ['plain']],
    ['echo "{{a}}"', ['double']],
    ["echo '{{a}}'", ['single']],
    ["echo $'x{{a}}'", ['single']],
    ['echo "x" {{a}} "y{{b}}"', ['plain', 'double']],
    ['echo \\"{{a}}', ['plain']],
    ['echo "\\"{{a}}"', ['double']],
    ['echo hi # {{a}}', ['comment']],
    ['echo a#{{a}}', ['plain']],
  ])('%s', (template, expected) => {
    expect(ctx(template)).toEqual(expected);
  });

  describe('command substitution opens a fresh context', () => {
    it.each([
      // The bug: inside "$( ... )" a reference is unquoted again, not inside the outer quotes.
      ['echo "$(basename {{a}})"', ['plain']],
      ['echo "$(basename "{{a}}")"', ['double']],
      ["echo \"$(printf '%s' '{{a}}')\"", ['single']],
      ['echo "pre $(cat {{a}}) {{b}}"', ['plain', 'double']],
      ['echo "$(echo "$(echo {{a}})" {{b}})" {{c}}', ['plain', 'plain', 'plain']],
      ['echo "$(echo $((1 + 2)) {{a}})" "{{b}}"', ['plain', 'double']],
      ['echo "$( (cd / && ls {{a}}) )" "{{b}}"', ['plain', 'double']],
      ['echo $(echo {{a}}) "{{b}}"', ['plain', 'double']],
      ['echo "`basename {{a}}`" "{{b}}" {{c}}', ['plain', 'double', 'plain']],
      ['echo `echo "{{a}}"` {{b}}', ['double', 'plain']],
      ['echo "$(echo ")" {{a}})" {{b}}', ['plain', 'plain']],
      ['echo "$(echo # {{a}}\n{{b}})" "{{c}}"', ['comment', 'plain', 'double']],
    ])('%s', (template, expected) => {
      expect(ctx(template)).toEqual(expected);
    });
  });

  it('heredocs: unquoted bodies expand, quoted ones do not', () => {
    expect(ctx('cat <<EOF\n{{a}}\nEOF\necho {{b}}')).toEqual(['heredoc', 'plain']);
    expect(ctx("cat <<'EOF'\n{{a}}\nEOF\necho \"{{b}}\"")).toEqual(['heredoc-quoted', 'double']);
    expect(ctx('x=$(cat <<EOF\n{{a}}\nEOF\n) && echo "{{b}}"')).toEqual(['heredoc', 'double']);
  });
});
