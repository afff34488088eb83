import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SESSIONS_PER_USER } from '../src/features/sessions/service.js';
import { MAX_FAMILIES_PER_USER } from '../src/features/tokens/store.js';
import { request, signInWithCookie } from './support/http.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
} from './support/server.js';
import { refresh, signInWithTokens } from './support/token-session.js';

/** Issue 17, item 8: one account cannot hold unbounded state; past the cap, its oldest sign-in ends. */
describe.each(testDatabases)('bounded per-user state on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { ...CHEAP_HASHES, ...MANY_SIGN_INS } });
  });
  afterAll(() => server.close());

  it(`caps live cookie sessions per user at ${MAX_SESSIONS_PER_USER}, ending the oldest`, async () => {
    const user = await server.createUser();
    const cookies: string[] = [];
    for (let i = 0; i < MAX_SESSIONS_PER_USER + 3; i += 1)
      cookies.push(await signInWithCookie(server.url, user.email, user.password));
    for (const cookie of cookies.slice(0, 3))
      expect((await request(server.url, '/api/me', { cookie })).status).toBe(401);
    const newest = cookies.at(-1)!;
    expect((await request(server.url, '/api/me', { cookie: cookies[3]! })).status).toBe(200);
    const listed = await request<unknown[]>(server.url, '/api/me/sessions', { cookie: newest });
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(MAX_SESSIONS_PER_USER);
  });

  it(`caps live token sign-ins per user at ${MAX_FAMILIES_PER_USER}, ending the oldest`, async () => {
    const user = await server.createUser();
    const pairs = [];
    for (let i = 0; i < MAX_FAMILIES_PER_USER + 2; i += 1)
      pairs.push(await signInWithTokens(server.url, user.email, user.password));
    for (const pair of pairs.slice(0, 2))
      expect((await refresh(server.url, pair.refreshToken)).status).toBe(401);
    expect((await refresh(server.url, pairs[2]!.refreshToken)).status).toBe(200);
    expect((await refresh(server.url, pairs.at(-1)!.refreshToken)).status).toBe(200);
  });
});
