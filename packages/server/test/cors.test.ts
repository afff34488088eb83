import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';

/**
 * CORS runs only for requests that carry an Origin (http/cors.ts): browsers send one on every cross-origin
 * request and preflight, so those keep @fastify/cors's answers exactly; requests without one skip it.
 */
describe.each(testDatabases)('CORS (%s)', (database) => {
  const allowed = 'https://app.example';
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ database, env: { GATEHOUSE_ALLOWED_ORIGINS: allowed } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers an allowed origin with credentials and the exposed headers', async () => {
    const res = await fetch(`${server.url}/api/me`, { headers: { origin: allowed } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-expose-headers')).toBe('retry-after, warning');
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('answers a preflight from an allowed origin for every method the API uses', async () => {
    const res = await fetch(`${server.url}/api/workspaces/some-id`, {
      method: 'OPTIONS',
      headers: {
        origin: allowed,
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
  });

  it('never answers another origin, in a request or a preflight', async () => {
    const evil = 'https://evil.example';
    const plain = await fetch(`${server.url}/api/me`, { headers: { origin: evil } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/api/me`, {
      method: 'OPTIONS',
      headers: { origin: evil, 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers without an Origin, but still Vary: Origin for caches', async () => {
    const res = await fetch(`${server.url}/api/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
  });
});
