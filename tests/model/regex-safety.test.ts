// The static check for regular expressions that can take exponential time (catastrophic
// backtracking): the classic shapes are refused, the patterns guides really use are not.
import { describe, expect, it } from 'vitest';
import { regexSlowness } from '../../playbooks/model/regex-safety.ts';

describe('regexSlowness', () => {
  it.each([
    '(a+)+$',
    '(a*)*b',
    '(\\w+\\s?)+$',
    '^(\\d+)*$',
    '(?:a{1,10})+$',
    '(a|a)+$',
    '(a|ab)*c',
    '(\\w|\\d)+$',
    '((a+)b?)+$',
    '(.*,)+x',
    '(a+a)+$',
    '^(?:[a-z]+-?)+$',
    '(?:-[a-z]+|[a-z]+)+$',
    '(x(a+)+)y',
    '(?=(a+)+$)',
    '(a+){2,}$',
    '((a)\\2)+',
    '(?:(a|ab))+$',
    '(?:(a|aa))+$',
    '(?:(\\w|\\d)x?)+$',
  ])('refuses %s', (src) => {
    expect(regexSlowness(src)).toBeDefined();
  });

  it.each([
    '^(200|401)\\s*$',
    '^200\\s*$',
    '(Downloaded newer image|Image is up to date|Writing manifest|Copying)',
    'token: ([a-z0-9-]+)',
    '^(?:[A-Za-z0-9._/-]+)$',
    '^(?:T-[0-9]+)$',
    '^(?:/[A-Za-z0-9._/-]+)$',
    '(\\d{1,3}\\.)+\\d{1,3}',
    '^\\d{1,3}(?:\\.\\d{1,3}){3}$',
    '(\\w+\\s)+',
    '(a|b)+',
    '(\\s|\\S)*',
    '(ab|ba)+',
    '(a{3})+',
    '[(a+)+]',
    '\\(a+\\)+',
    'sha256:[0-9a-f]{64}',
    '(?:(a|b))+',
    '(?:(GET|PUT) /)+',
    '((x|y)z)*',
  ])('accepts %s', (src) => {
    expect(regexSlowness(src)).toBeUndefined();
  });

  it('names the repeated group in its message', () => {
    expect(regexSlowness('^x(\\w+\\s?)+$')).toBe('the repeated group (\\w+\\s?)+ holds \\w+, which can repeat too, with nothing between them that only one of them matches');
  });
});
