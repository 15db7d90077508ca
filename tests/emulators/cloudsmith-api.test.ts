// The Cloudsmith EMULATOR on its own, over raw HTTP: pagination, rate limits, mode values and the
// repository type default behave as the service does (sources in docs/emulators.md).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCloudsmithEmulator, type CloudsmithEmulator } from '../../playbooks/emulators/index.ts';

const KEY = 'cs-key-emulator-0123456789';
let cs: CloudsmithEmulator;
beforeEach(async () => {
  cs = await startCloudsmithEmulator({ apiKey: KEY, repositories: [{ owner: 'acme', slug: 'cg' }], maxPageSize: 2 });
});
afterEach(async () => {
  await cs.stop();
});

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${cs.apiUrl}${path}`, { method, headers: { 'x-api-key': KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
const upstream = (name: string, priority: number) => ({ name, upstream_url: 'https://example.invalid', mode: 'Proxy Only', priority });

describe('Cloudsmith emulator', () => {
  it('paginates upstream lists: page and page_size, X-Pagination-* headers, 404 past the last page', async () => {
    for (let i = 1; i <= 5; i++) expect((await api('POST', '/v1/repos/acme/cg/upstream/docker/', upstream(`u${i}`, i))).status).toBe(201);
    const first = await api('GET', '/v1/repos/acme/cg/upstream/docker/?page_size=1000');
    expect(first.headers.get('x-pagination-count')).toBe('5');
    expect(first.headers.get('x-pagination-pagesize')).toBe('2');
    expect(first.headers.get('x-pagination-pagetotal')).toBe('3');
    expect(((await first.json()) as Array<{ name: string }>).map((u) => u.name)).toEqual(['u1', 'u2']);
    const third = await api('GET', '/v1/repos/acme/cg/upstream/docker/?page=3&page_size=2');
    expect(((await third.json()) as Array<{ name: string }>).map((u) => u.name)).toEqual(['u5']);
    expect((await api('GET', '/v1/repos/acme/cg/upstream/docker/?page=4')).status).toBe(404);
  });

  it('rate limiting on demand: 429 with Retry-After and X-RateLimit-*, then normal answers', async () => {
    cs.throttle(1, 7);
    const r = await api('GET', '/v1/user/self/');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(r.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(((await r.json()) as { detail: string }).detail).toMatch(/throttled/);
    expect((await api('GET', '/v1/user/self/')).status).toBe(200);
  });

  it('mode is "Proxy Only" or "Cache and Proxy"; anything else is 422', async () => {
    const bad = await api('POST', '/v1/repos/acme/cg/upstream/docker/', { ...upstream('x', 1), mode: 'Cache Only' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { fields: Record<string, unknown> }).fields['mode']).toBeDefined();
    expect((await api('POST', '/v1/repos/acme/cg/upstream/docker/', { ...upstream('y', 1), mode: 'Cache and Proxy' })).status).toBe(201);
  });

  it('a repository created without repository_type_str is Public', async () => {
    const r = await api('POST', '/v1/repos/acme/', { name: 'fresh' });
    expect(r.status).toBe(201);
    expect(((await r.json()) as { repository_type_str: string }).repository_type_str).toBe('Public');
  });
});
