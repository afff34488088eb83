import helmet from '@fastify/helmet';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';

/** What @fastify/helmet itself sends with Gatehouse's options: the reference the server must match. */
async function helmetReference(): Promise<Record<string, string>> {
  const reference = Fastify({ logger: false });
  await reference.register(helmet, {
    contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"] } },
    frameguard: { action: 'deny' },
  });
  reference.get('/', async () => 'ok');
  const plain = Fastify({ logger: false });
  plain.get('/', async () => 'ok');
  const [withHelmet, without] = await Promise.all([reference.inject('/'), plain.inject('/')]);
  await Promise.all([reference.close(), plain.close()]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(withHelmet.headers)) {
    if (!(name in without.headers) || name === 'content-security-policy') headers[name] = String(value);
  }
  return headers;
}

describe.each(testDatabases)('security headers (%s)', (database) => {
  let server: TestServer;
  let expected: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer({ database });
    expected = await helmetReference();
  });
  afterAll(async () => {
    await server?.close();
  });

  function expectHelmetHeaders(headers: Headers): void {
    for (const [name, value] of Object.entries(expected)) expect(headers.get(name), name).toBe(value);
  }

  it('knows which headers helmet sends, so the comparison below is not vacuous', () => {
    expect(expected['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(expected['strict-transport-security']).toBeDefined();
    expect(expected['x-content-type-options']).toBe('nosniff');
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(10);
  });

  it('sends exactly the headers @fastify/helmet sends on an authenticated 200', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const res = await request(server.url, '/api/me', { cookie });
    expect(res.status).toBe(200);
    expectHelmetHeaders(res.headers);
  });

  it('sends them on 401, 404, validation errors and health checks too', async () => {
    const answers = await Promise.all([
      request(server.url, '/api/me'),
      request(server.url, '/api/no-such-route'),
      request(server.url, '/api/signin', { body: { password: 1 } }),
      request(server.url, '/health/live'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([401, 404, 400, 200]);
    for (const answer of answers) expectHelmetHeaders(answer.headers);
  });

  it('forbids framing of every response (clickjacking)', async () => {
    const res = await request(server.url, '/api/me');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});
