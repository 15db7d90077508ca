// Image references as probes and guides write them: `host/name`, `host/name:tag`,
// `host/name@sha256:…` (and both), `:latest` when neither is given.
import { describe, expect, it } from 'vitest';
import { formatReference, parseReference, referenceTarget } from '../../playbooks/oci/reference.ts';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

describe('parseReference', () => {
  it('a name without a tag or digest means :latest', () => {
    expect(parseReference('127.0.0.1:5000/chainguard/wolfi-base')).toEqual({ host: '127.0.0.1:5000', repository: 'chainguard/wolfi-base', tag: 'latest' });
    expect(referenceTarget(parseReference('cgr.dev/chainguard/wolfi-base'))).toBe('latest');
    expect(formatReference(parseReference('localhost/chainguard/static'))).toBe('localhost/chainguard/static:latest');
  });

  it('a tag is kept, also next to a port', () => {
    expect(parseReference('localhost:5000/acme.example/python:3.12-dev')).toEqual({ host: 'localhost:5000', repository: 'acme.example/python', tag: '3.12-dev' });
  });

  it('a digest pins the image and is what the registry is asked for; with a tag, both are kept', () => {
    expect(parseReference(`cgr.dev/chainguard/wolfi-base@${DIGEST}`)).toEqual({ host: 'cgr.dev', repository: 'chainguard/wolfi-base', digest: DIGEST });
    const both = parseReference(`cgr.dev/chainguard/wolfi-base:latest@${DIGEST}`);
    expect(both).toEqual({ host: 'cgr.dev', repository: 'chainguard/wolfi-base', tag: 'latest', digest: DIGEST });
    expect(referenceTarget(both)).toBe(DIGEST);
  });

  it('refuses what a registry would refuse, saying why', () => {
    expect(() => parseReference('wolfi-base')).toThrow(/has no registry host/);
    expect(() => parseReference('cgr.dev/chainguard/wolfi-base@sha256:xyz')).toThrow(/is not a digest/);
    expect(() => parseReference('cgr.dev/chainguard/Wolfi-Base')).toThrow(/is not a valid repository path/);
    // `{{image}}:latest` with an image value that already has a tag.
    expect(() => parseReference('cgr.dev/chainguard/python:3.12:latest')).toThrow('image reference "cgr.dev/chainguard/python:3.12:latest" has more than one tag; give one tag (name:tag) or none (:latest is used)');
  });
});
