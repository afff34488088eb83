import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshDatabase, freshDatabase, testDatabases } from './support/databases.js';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

describe.runIf(testDatabases.includes('postgres'))('two instances on one PostgreSQL', () => {
  let fresh: FreshDatabase;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    fresh = await freshDatabase('postgres');
    const env = {
      GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64url'),
      GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000',
    };
    a = await startTestServer({ database: 'postgres', databaseUrl: fresh.url, env });
    b = await startTestServer({ database: 'postgres', databaseUrl: fresh.url, env });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await fresh.drop();
  });

  it('serves a session signed in on A from B, and refuses it on B as soon as A logs it out', async () => {
    const user = await a.createUser();
    const cookie = await signInWithCookie(a.url, user.email, user.password);
    // Warm B's cache first, so the refusal below proves the invalidation crossed instances.
    expect((await request(b.url, '/api/me', { cookie })).status).toBe(200);
    expect((await request(b.url, '/api/me', { cookie })).status).toBe(200);
    expect((await request(a.url, '/api/logout', { method: 'POST', cookie })).status).toBe(200);
    expect((await request(b.url, '/api/me', { cookie })).status).toBe(401);
  });

  it('applies a password change on A to the sessions cached on B', async () => {
    const user = await a.createUser();
    const kept = await signInWithCookie(a.url, user.email, user.password);
    const other = await signInWithCookie(b.url, user.email, user.password);
    expect((await request(b.url, '/api/me', { cookie: other })).status).toBe(200);
    const change = await request(a.url, '/api/me/password', {
      cookie: kept,
      body: { currentPassword: user.password, newPassword: 'changed-on-instance-a' },
    });
    expect(change.status).toBe(200);
    expect((await request(b.url, '/api/me', { cookie: other })).status).toBe(401);
    expect((await request(b.url, '/api/me', { cookie: kept })).status).toBe(200);
  });

  it('shares the account lockout between instances', async () => {
    const user = await a.createUser();
    for (let i = 0; i < 10; i += 1) {
      const target = i % 2 === 0 ? a : b;
      await request(target.url, '/api/signin', {
        body: { username: user.email, password: 'wrong-password' },
      });
    }
    const res = await request(b.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    expect(res.status).toBe(429);
    expect(res.body['code']).toBe('ACCOUNT_LOCKED');
  });

  it('lets exactly one successor win a refresh race spread over both instances', async () => {
    const user = await a.createUser();
    const signin = await request<{ payload: { refreshToken: string } }>(a.url, '/api/signin', {
      body: { username: user.email, password: user.password, authType: 'oauth' },
    });
    const refreshToken = signin.body.payload.refreshToken;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request<{ payload: { refreshToken: string } }>((i % 2 === 0 ? a : b).url, '/api/token/refresh', {
          body: { refreshToken },
        }),
      ),
    );
    const winners = new Set(results.filter((r) => r.status === 200).map((r) => r.body.payload.refreshToken));
    // Inside the retry window every caller may get the successor, but there is only ever one.
    expect(winners.size).toBe(1);
    const live = await a.app.gatehouse.ctx.storage.db
      .selectFrom('refresh_tokens')
      .innerJoin('token_families', 'token_families.id', 'refresh_tokens.family_id')
      .select('refresh_tokens.token_hash')
      .where('token_families.user_id', '=', user.id)
      .where('refresh_tokens.consumed_at', 'is', null)
      .execute();
    expect(live).toHaveLength(1);
  });
});
