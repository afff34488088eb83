import { describe, expect, it } from 'vitest';
import { request, signInWithCookie } from './support/http.js';
import { CHEAP_HASHES, MANY_SIGN_INS, type TestServer, testDatabases } from './support/server.js';
import { useTestServer } from './support/suite-server.js';

interface SessionJson {
  _id: string;
  current: boolean;
}

describe.each(testDatabases)('cookie session lifetime on %s', (database) => {
  let server: TestServer;
  let clock = Date.now();
  useTestServer(
    {
      database,
      now: () => clock,
      env: { ...MANY_SIGN_INS, ...CHEAP_HASHES, GATEHOUSE_SESSION_IDLE_TTL: '60' },
    },
    (started) => (server = started),
  );

  it('keeps a session in use alive with the shortest idle TTL: it is touched well within it', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    // A request every 45 s, with a 60 s idle TTL: never idle for 60 s, so never ended.
    for (let i = 0; i < 4; i += 1) {
      clock += 45_000;
      expect((await request(server.url, '/api/me', { cookie })).status, `after ${45 * (i + 1)} s`).toBe(200);
    }
    clock += 61_000;
    expect((await request(server.url, '/api/me', { cookie })).status).toBe(401);
  });

  it('does not list sessions that have idled out', async () => {
    const user = await server.createUser();
    const idle = await signInWithCookie(server.url, user.email, user.password);
    const active = await signInWithCookie(server.url, user.email, user.password);
    clock += 40_000;
    expect((await request(server.url, '/api/me', { cookie: active })).status).toBe(200);
    clock += 30_000;
    // `idle` was last seen 70 s ago; `active` 30 s ago.
    const listed = await request<SessionJson[]>(server.url, '/api/me/sessions', { cookie: active });
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]?.current).toBe(true);
    expect((await request(server.url, '/api/me', { cookie: idle })).status).toBe(401);
  });
});
