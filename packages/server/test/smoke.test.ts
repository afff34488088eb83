import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';

describe.each(testDatabases)('smoke on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database });
  });
  afterAll(() => server.close());

  it('signs in and reads /api/me', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const me = await request(server.url, '/api/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body['email']).toBe(user.email);
  });
});
