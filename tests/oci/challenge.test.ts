import { describe, expect, it } from 'vitest';
import { parseChallenges } from '../../playbooks/oci/challenge.ts';
import { parseReference } from '../../playbooks/oci/reference.ts';
import { parseErrorBody } from '../../playbooks/oci/errors.ts';

describe('WWW-Authenticate', () => {
  it('reads a cgr.dev-style Bearer challenge', () => {
    expect(parseChallenges('Bearer realm="https://cgr.dev/token",service="cgr.dev",scope="repository:chainguard/wolfi-base:pull"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://cgr.dev/token', service: 'cgr.dev', scope: 'repository:chainguard/wolfi-base:pull' } },
    ]);
  });
  it('reads Basic, unquoted values, escapes and several challenges', () => {
    expect(parseChallenges('Basic realm="Registry \\"x\\"", Bearer realm=https://a/token, error="insufficient_scope"')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry "x"' } },
      { scheme: 'bearer', params: { realm: 'https://a/token', error: 'insufficient_scope' } },
    ]);
  });
  it('gives nothing for a missing header', () => {
    expect(parseChallenges(null)).toEqual([]);
  });
});

describe('image references', () => {
  it('splits host, repository, tag and digest', () => {
    expect(parseReference('127.0.0.1:5000/acme.example/wolfi-base:latest')).toEqual({ host: '127.0.0.1:5000', repository: 'acme.example/wolfi-base', tag: 'latest' });
    expect(parseReference('cgr.dev/chainguard/static')).toEqual({ host: 'cgr.dev', repository: 'chainguard/static', tag: 'latest' });
    const d = 'sha256:' + 'a'.repeat(64);
    expect(parseReference(`cgr.dev/chainguard/static@${d}`)).toEqual({ host: 'cgr.dev', repository: 'chainguard/static', digest: d });
  });
  it('explains a reference without a host', () => {
    expect(() => parseReference('chainguard/wolfi-base')).toThrow(/not a registry host/);
    expect(() => parseReference('wolfi-base')).toThrow(/no registry host/);
    expect(() => parseReference('cgr.dev/Chainguard/x')).toThrow(/not a valid repository path/);
  });
});

describe('registry error bodies', () => {
  it('takes the first error', () => {
    expect(parseErrorBody('{"errors":[{"code":"DENIED","message":"no"}]}')).toEqual({ code: 'DENIED', message: 'no' });
    expect(parseErrorBody('<html>bad gateway</html>')).toEqual({ message: '<html>bad gateway</html>' });
  });
});
