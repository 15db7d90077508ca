// Where doctor pulls from follows the guides' values: the per-path Artifactory repository, the
// Nexus scheme, and an image given with a tag or a digest.
import { describe, expect, it } from 'vitest';
import { cachePullTarget, upstreamImage } from '../../playbooks/doctor/targets.ts';

const digest = `sha256:${'cd'.repeat(32)}`;

describe('doctor pull targets', () => {
  it('an image with a tag or a digest is pulled as given; a bare name means latest', () => {
    expect(upstreamImage({ image: 'python:3.9-dev', cgOrg: 'example.com' }, 'production')).toBe('cgr.dev/example.com/python:3.9-dev');
    expect(upstreamImage({ image: `wolfi-base@${digest}` }, 'developer')).toBe(`cgr.dev/chainguard/wolfi-base@${digest}`);
    expect(upstreamImage({ image: 'wolfi-base' }, 'developer')).toBe('cgr.dev/chainguard/wolfi-base:latest');
  });

  it('Artifactory: the public repository on the Developer path, the private one on Production', () => {
    const v = { artifactoryHost: 'a.jfrog.io', publicRepoKey: 'cgr-public', privateRepoKey: 'cgr-private', cgOrg: 'example.com', image: 'wolfi-base' };
    expect(cachePullTarget('artifactory', v, 'developer')?.image).toBe('a.jfrog.io/cgr-public/chainguard/wolfi-base:latest');
    expect(cachePullTarget('artifactory', v, 'production')?.image).toBe('a.jfrog.io/cgr-private/example.com/wolfi-base:latest');
  });

  it('Nexus: plain HTTP unless the guide says the registry address serves HTTPS', () => {
    const v = { nexusHost: 'nexus.example.com:5051', image: 'wolfi-base' };
    expect(cachePullTarget('nexus', v, 'developer')?.insecure).toBe(true);
    expect(cachePullTarget('nexus', { ...v, nexusScheme: 'https' }, 'developer')?.insecure).toBe(false);
  });
});
