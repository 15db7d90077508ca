// The adapters' HTTP layer: secrets scrubbed in every form, addresses refused before any request,
// and an address that is not the product (a login page) diagnosed instead of misread.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { AdapterError, scrub, nexusDockerProxyAdapter } from '../../playbooks/adapters/index.ts';
import { apiUrl, rateLimitWaitMs, send, statusDiagnosis } from '../../playbooks/adapters/http.ts';
import { fieldsStep, signal } from './support.ts';

describe('scrub', () => {
  it('removes a secret in clear, URL-encoded and base64 forms', () => {
    const secret = 'p@ss word/42';
    const text = `raw ${secret} url ${encodeURIComponent(secret)} b64 ${Buffer.from(secret).toString('base64')}`;
    const out = scrub(text, [secret]);
    expect(out).toBe('raw ******** url ******** b64 ********');
  });
});

describe('apiUrl', () => {
  const target = (baseUrl: string) => ({ product: 'Nexus', baseUrl, auth: { kind: 'basic' as const, username: 'a', password: 'b' }, fields: { url: 'nexusUrl', credentials: ['nexusPassword'] } });
  it("a product's error text reaches a diagnosis as one line: no line breaks or escape sequences from the server", () => {
    const target = { product: 'Nexus', baseUrl: 'http://127.0.0.1:1', auth: { kind: 'basic' as const, username: 'admin', password: 'Secret-pass-1' }, fields: { url: 'nexusUrl', credentials: ['nexusUser', 'nexusPassword'] } };
    for (const status of [401, 403, 400, 500]) {
      const d = statusDiagnosis(target, { status, text: '', json: undefined, headers: new Headers() }, 'create the repository', 'bad\n::error::forged\r\u001b[2J\u2028Secret-pass-1');
      expect(d.cause).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      expect(d.cause).toContain('bad ::error::forged [2J ********');
    }
  });

  it('joins paths under a base path and refuses what is not an http(s) address without credentials', () => {
    expect(apiUrl(target('http://h:8081/nexus/'), '/service/rest/v1/x').href).toBe('http://h:8081/nexus/service/rest/v1/x');
    expect(() => apiUrl(target('ftp://h'), '/x')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => apiUrl(target('not a url'), '/x')).toThrow(/is not a URL/);
    const e = (() => {
      try {
        apiUrl(target('http://admin:hunter2@h:8081'), '/x');
      } catch (x) {
        return x as AdapterError;
      }
    })();
    expect(e?.diagnosis.code).toBe('CREDENTIALS_IN_URL');
    expect(e?.message).not.toContain('hunter2');
  });
});

describe('an address that is not the product', () => {
  it('a login page answering 200 HTML: UNEXPECTED_RESPONSE naming nexusUrl', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Sign in</body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const step = await fieldsStep('nexus', 'create-proxy', 'developer', { nexusUrl: `http://127.0.0.1:${port}`, nexusUser: 'admin', nexusPassword: 'pw-123456', repoName: 'chainguard', repoPort: '5051', nexusHost: 'x:5051' });
      const c = await nexusDockerProxyAdapter().check(step, signal());
      expect(c.diagnosis?.code).toBe('UNEXPECTED_RESPONSE');
      expect(c.diagnosis?.fix).toContain('nexusUrl');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('rate limits (429)', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads the wait from Retry-After (seconds or a date), else X-RateLimit-Reset, else X-RateLimit-Interval, else 1 s', () => {
    expect(rateLimitWaitMs(new Headers({ 'retry-after': '12' }), now)).toBe(12_000);
    expect(rateLimitWaitMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5_000);
    expect(rateLimitWaitMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 30) }), now)).toBe(30_000);
    expect(rateLimitWaitMs(new Headers({ 'x-ratelimit-interval': '0.5' }), now)).toBe(500);
    expect(rateLimitWaitMs(new Headers(), now)).toBe(1000);
  });

  it('a wait longer than the bound is not waited for: the 429 comes back at once', async () => {
    const waits: number[] = [];
    let calls = 0;
    const fetch429 = (async () => (calls++, new Response('{"detail":"Request was throttled."}', { status: 429, headers: { 'retry-after': '3600' } }))) as typeof fetch;
    const t = { product: 'Cloudsmith', baseUrl: 'http://127.0.0.1:1', auth: { kind: 'header' as const, name: 'x-api-key', value: 'k-123' }, fields: { url: 'cloudsmithApiUrl', credentials: ['cloudsmithApiKey'] }, fetch: fetch429, rateLimit: { retries: 3, maxWaitMs: 60_000, sleep: async (ms: number) => void waits.push(ms) } };
    const res = await send(t, 'GET', '/v1/user/self/');
    expect(res.status).toBe(429);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });
});
