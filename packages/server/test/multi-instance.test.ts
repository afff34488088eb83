import { describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.js';
import { request, signInWithCookie } from './support/http.js';
import { twoInstances } from './support/instances.js';
import type { TestServer } from './support/server.js';

/**
 * docs/deployment.md: with the invalidation listener connected, a credential revoked on one instance is
 * refused by every other one as soon as PostgreSQL delivers the notification; the revoking request waits
 * for that delivery (up to 250 ms) before it answers. The code promises no more than delivery, so the
 * tests poll, every 10 ms, within the bound the documentation states.
 */
const REVOCATION_BOUND_MS = 1_000;

/** Polls B until it refuses the credential; fails past the bound. Returns how many requests it took. */
async function refusedWithinBound(
  url: string,
  credential: { cookie?: string; headers?: Record<string, string> },
): Promise<number> {
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    const status = (await request(url, '/api/me', credential)).status;
    if (status === 401) return attempt;
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(REVOCATION_BOUND_MS);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.runIf(testDatabases.includes('postgres'))('two instances on one PostgreSQL', () => {
  let a: TestServer;
  let b: TestServer;
  twoInstances({ env: { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' } }, (started) => ({ a, b } = started));

  it('serves a session signed in on A from B, and refuses it on B within the revocation bound once A logs it out', async () => {
    const user = await a.createUser();
    const cookie = await signInWithCookie(a.url, user.email, user.password);
    // Warm B's cache first, so the refusal below proves the invalidation crossed instances.
    expect((await request(b.url, '/api/me', { cookie })).status).toBe(200);
    expect((await request(b.url, '/api/me', { cookie })).status).toBe(200);
    expect((await request(a.url, '/api/logout', { method: 'POST', cookie })).status).toBe(200);
    await refusedWithinBound(b.url, { cookie });
  });

  it('cross-instance revocation bound: 50 logouts and 50 API-token revocations on A, each refused on B within the bound', async () => {
    const user = await a.createUser();
    const cookies: string[] = [];
    for (let i = 0; i < 50; i += 1) cookies.push(await signInWithCookie(a.url, user.email, user.password));
    const owner = await signInWithCookie(a.url, user.email, user.password);
    const tokens = [];
    for (let i = 0; i < 50; i += 1) {
      const created = await request<{ token: string; apiToken: { _id: string } }>(
        a.url,
        '/api/me/api-tokens',
        {
          cookie: owner,
          body: { nickname: `bound ${i}`, expiresAt: '30d' },
        },
      );
      expect(created.status).toBe(201);
      tokens.push(created.body);
    }
    let immediate = 0;
    for (const cookie of cookies) {
      expect((await request(b.url, '/api/me', { cookie })).status).toBe(200);
      expect((await request(a.url, '/api/logout', { method: 'POST', cookie })).status).toBe(200);
      if ((await refusedWithinBound(b.url, { cookie })) === 1) immediate += 1;
    }
    for (const { token, apiToken } of tokens) {
      const key = { headers: { 'x-api-key': token } };
      expect((await request(b.url, '/api/me', key)).status).toBe(200);
      const revoked = await request(a.url, `/api/me/api-tokens/${apiToken._id}`, {
        method: 'DELETE',
        cookie: owner,
      });
      expect(revoked.status).toBe(200);
      if ((await refusedWithinBound(b.url, key)) === 1) immediate += 1;
    }
    // Not asserted (the code does not promise it): how many were refused on the very first request.
    process.stdout.write(
      `cross-instance revocation: ${immediate} of 100 refused on B at the first request\n`,
    );
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
    await refusedWithinBound(b.url, { cookie: other });
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
