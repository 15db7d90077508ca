// The Cloudsmith EMULATOR on its own, over raw HTTP: pagination, rate limits, mode values, what a
// write answers and the repository type default behave as the service does (sources in docs/emulators.md).
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

  it('auth_mode is "None", "Username and Password" or "Certificate and Key" (models/docker_upstream_request.py); anything else is 422', async () => {
    expect((await api('POST', '/v1/repos/acme/cg/upstream/docker/', { ...upstream('cert', 1), auth_mode: 'Certificate and Key' })).status).toBe(201);
    const bad = await api('POST', '/v1/repos/acme/cg/upstream/docker/', { ...upstream('tok', 1), auth_mode: 'Token' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { fields: Record<string, unknown> }).fields['auth_mode']).toBeDefined();
  });

  it('PATCH is partial: a body without auth_secret keeps the stored secret', async () => {
    const created = await api('POST', '/v1/repos/acme/cg/upstream/docker/', { ...upstream('p', 1), auth_mode: 'Username and Password', auth_username: 'id/1', auth_secret: 'kept-secret-123' });
    const slug = ((await created.json()) as { slug_perm: string }).slug_perm;
    expect((await api('PATCH', `/v1/repos/acme/cg/upstream/docker/${slug}/`, { priority: 2 })).status).toBe(200);
    expect(cs.upstreams('acme', 'cg')[0]).toMatchObject({ priority: 2, auth_username: 'id/1', auth_secret: 'kept-secret-123' });
  });

  it('POST (201) and PATCH (200) answer with the upstream as stored, the object the list holds (a DockerUpstream), never its secret', async () => {
    const created = await api('POST', '/v1/repos/acme/cg/upstream/docker/', { ...upstream('s', 1), auth_mode: 'Username and Password', auth_username: 'id/1', auth_secret: 'stored-secret-456' });
    expect(created.status).toBe(201);
    const made = (await created.json()) as Record<string, unknown>;
    const listed = async () => ((await (await api('GET', '/v1/repos/acme/cg/upstream/docker/')).json()) as Array<Record<string, unknown>>)[0];
    expect(made).toEqual(await listed());
    expect(made).toMatchObject({ name: 's', upstream_url: 'https://example.invalid', mode: 'Proxy Only', priority: 1, auth_mode: 'Username and Password', auth_username: 'id/1' });
    const patched = await api('PATCH', `/v1/repos/acme/cg/upstream/docker/${String(made['slug_perm'])}/`, { verify_ssl: false });
    expect(patched.status).toBe(200);
    const text = await patched.text();
    expect(JSON.parse(text)).toEqual(await listed());
    expect(JSON.parse(text)).toMatchObject({ slug_perm: made['slug_perm'], verify_ssl: false });
    expect(JSON.stringify(made) + text).not.toContain('stored-secret-456');
  });

  it('a repository created without repository_type_str is Public', async () => {
    const r = await api('POST', '/v1/repos/acme/', { name: 'fresh' });
    expect(r.status).toBe(201);
    expect(((await r.json()) as { repository_type_str: string }).repository_type_str).toBe('Public');
  });
});
