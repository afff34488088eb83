import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateApiToken } from '../src/features/api-tokens/token-format.js';
import {
  type ApiTokenJson,
  configureAuth,
  createApiToken,
  signedInUser,
  withApiKey,
} from './support/api-tokens.js';
import { request } from './support/http.js';
import { twoInstances } from './support/instances.js';
import { MANY_SIGN_INS, startTestServer, type TestServer, testDatabases } from './support/server.js';

const DAY = 24 * 60 * 60 * 1000;

/** Changes one character of the secret part, as a typo would. */
function mistype(token: string): string {
  const i = 20;
  return token.slice(0, i) + (token[i] === 'a' ? 'b' : 'a') + token.slice(i + 1);
}

describe.each(testDatabases)('API token authentication on %s', (database) => {
  let server: TestServer;
  let clock = Date.now();
  let adminCookie: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS, now: () => clock });
    adminCookie = (await signedInUser(server, { admin: true })).cookie;
  });
  afterAll(() => server.close());

  it('authenticates a request by its x-api-key header as the token owner', async () => {
    const { user, cookie } = await signedInUser(server);
    const { token } = await createApiToken(server, cookie);
    const me = await request(server.url, '/api/me', withApiKey(token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ _id: user.id, email: user.email, workspace: null });
  });

  it('refuses a token with a mistyped character with 401, without looking it up', async () => {
    const { cookie } = await signedInUser(server);
    const { token } = await createApiToken(server, cookie);
    const { db } = server.app.gatehouse.ctx.storage;
    const lookups = vi.spyOn(db, 'selectFrom');
    try {
      for (const bad of [mistype(token), token.slice(0, -1), `${token}x`, token.replace('gth_', 'ghp_')]) {
        const res = await request(server.url, '/api/me', withApiKey(bad));
        expect(res.status, bad).toBe(401);
        expect(res.body['code']).toBe('INVALID_API_TOKEN');
        expect(JSON.stringify(res.body)).not.toContain(bad);
      }
      expect(lookups).not.toHaveBeenCalled();
      // The spy does see look-ups: a well-formed token is looked up.
      await request(server.url, '/api/me', withApiKey(generateApiToken()));
      expect(lookups).toHaveBeenCalledWith('api_tokens');
    } finally {
      lookups.mockRestore();
    }
  });

  it('refuses a well-formed token that was never issued with 401', async () => {
    const res = await request(server.url, '/api/me', withApiKey(generateApiToken()));
    expect(res.status).toBe(401);
    expect(res.body['code']).toBe('INVALID_API_TOKEN');
  });

  it('never falls back to the cookie when the x-api-key is bad', async () => {
    const { cookie } = await signedInUser(server);
    const res = await request(server.url, '/api/me', { cookie, ...withApiKey(generateApiToken()) });
    expect(res.status).toBe(401);
  });

  it('refuses an expired token with 401 API_TOKEN_EXPIRED, even from the cache', async () => {
    const { cookie } = await signedInUser(server);
    const { token } = await createApiToken(server, cookie, { expiresAt: '30d' });
    expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
    const saved = clock;
    clock += 30 * DAY + 1_000;
    try {
      const res = await request(server.url, '/api/me', withApiKey(token));
      expect(res.status).toBe(401);
      expect(res.body['code']).toBe('API_TOKEN_EXPIRED');
    } finally {
      clock = saved;
    }
  });

  it('refuses a write with a read-only token: 403 insufficient_scope, and nothing changes', async () => {
    const { cookie } = await signedInUser(server);
    const { token } = await createApiToken(server, cookie, { scopes: ['profile:read'] });
    expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
    const write = await request(server.url, '/api/me', {
      ...withApiKey(token),
      body: { firstName: 'Mallory' },
    });
    expect(write.status).toBe(403);
    expect(write.body['code']).toBe('insufficient_scope');
    expect(write.headers.get('www-authenticate')).toContain('insufficient_scope');
    const me = await request(server.url, '/api/me', { cookie });
    expect(me.body['firstName']).not.toBe('Mallory');
  });

  it('lets a token with profile:write update the profile, and refuses reading without profile:read', async () => {
    const { cookie } = await signedInUser(server);
    const { token } = await createApiToken(server, cookie, { scopes: ['profile:write'] });
    const write = await request(server.url, '/api/me', {
      ...withApiKey(token),
      body: { firstName: 'Script' },
    });
    expect(write.status).toBe(200);
    expect(write.body['firstName']).toBe('Script');
    const read = await request(server.url, '/api/me', withApiKey(token));
    expect(read.status).toBe(403);
    expect(read.body['code']).toBe('insufficient_scope');
  });

  it("acts with the owner's current roles, so a demoted owner's token loses them at once", async () => {
    const { user, cookie } = await signedInUser(server, { admin: true });
    const { token } = await createApiToken(server, cookie);
    expect((await request(server.url, '/api/me', withApiKey(token))).body['roles']).toContain('admin');
    const { gatehouse } = server.app;
    await gatehouse.accounts.store.setRoles(user.id, ['user'], Date.now());
    await gatehouse.ctx.bus.publish(`user:${user.id}`);
    expect((await request(server.url, '/api/me', withApiKey(token))).body['roles']).toEqual(['user']);
  });

  it('refuses ?api_key= with 401 unless the admin enables it, then accepts it', async () => {
    const { user, cookie } = await signedInUser(server);
    const { token } = await createApiToken(server, cookie);
    const refused = await request(server.url, `/api/me?api_key=${token}`);
    expect(refused.status).toBe(401);
    expect(refused.body['code']).toBe('API_KEY_QUERY_DISABLED');
    expect(JSON.stringify(refused.body)).not.toContain(token);
    await configureAuth(server, adminCookie, { allowQueryParameter: true });
    try {
      const accepted = await request(server.url, `/api/me?api_key=${token}`);
      expect(accepted.status).toBe(200);
      expect(accepted.body['_id']).toBe(user.id);
      const mistyped = await request(server.url, `/api/me?api_key=${mistype(token)}`);
      expect(mistyped.status).toBe(401);
    } finally {
      await configureAuth(server, adminCookie, { allowQueryParameter: false });
    }
    expect((await request(server.url, `/api/me?api_key=${token}`)).status).toBe(401);
  });

  it('checks a cached token without a database read, and refuses it on the next request once revoked', async () => {
    const { cookie } = await signedInUser(server);
    const { token, apiToken } = await createApiToken(server, cookie);
    // Two requests to reach the steady state: a load is not cached when any invalidation arrives while it is
    // in flight (lib/ttl-cache.ts), and on PostgreSQL the previous test's own NOTIFY can arrive that late.
    for (let i = 0; i < 2; i += 1)
      expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
    const { db } = server.app.gatehouse.ctx.storage;
    const reads = vi.spyOn(db, 'selectFrom');
    try {
      for (let i = 0; i < 20; i += 1)
        expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
      // Token, configuration and owner all come from memory in steady state.
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    const revoked = await request(server.url, `/api/me/api-tokens/${apiToken._id}`, {
      method: 'DELETE',
      cookie,
    });
    expect(revoked.status).toBe(200);
    const after = await request(server.url, '/api/me', withApiKey(token));
    expect(after.status).toBe(401);
    expect(after.body['code']).toBe('INVALID_API_TOKEN');
  });

  it('counts uses in memory and writes them in batches, not once per request', async () => {
    const { cookie } = await signedInUser(server);
    const { token, apiToken } = await createApiToken(server, cookie);
    const { db } = server.app.gatehouse.ctx.storage;
    const writes = vi.spyOn(db, 'updateTable');
    try {
      for (let i = 0; i < 20; i += 1)
        expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
      // 20 uses in well under the 5-second flush interval: at most one batched write, never one per request.
      expect(writes.mock.calls.filter(([table]) => table === 'api_tokens').length).toBeLessThanOrEqual(1);
    } finally {
      writes.mockRestore();
    }
    const list = await request<ApiTokenJson[]>(server.url, '/api/me/api-tokens', { cookie });
    expect(list.body[0]).toMatchObject({ usageCount: 20, lastUsedAt: new Date(clock).toISOString() });
    const row = await db
      .selectFrom('api_tokens')
      .select('usage_count')
      .where('id', '=', apiToken._id)
      .executeTakeFirstOrThrow();
    expect(Number(row.usage_count)).toBe(20);
  });
});

describe.each(testDatabases)('API token usage across a restart on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
  });
  afterAll(() => server.close());

  it('keeps lastUsedAt and usageCount when the server restarts right after the uses', async () => {
    const { cookie } = await signedInUser(server);
    const { token, apiToken } = await createApiToken(server, cookie);
    expect(apiToken).toMatchObject({ lastUsedAt: null, usageCount: 0 });
    const before = Date.now();
    for (let i = 0; i < 4; i += 1)
      expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
    // No listing before the restart: only the flush at close can have written these uses.
    server = await server.restart();
    const list = await request<ApiTokenJson[]>(server.url, '/api/me/api-tokens', { cookie });
    expect(list.status).toBe(200);
    expect(list.body[0]!.usageCount).toBe(4);
    expect(Date.parse(list.body[0]!.lastUsedAt!)).toBeGreaterThanOrEqual(before - 1_000);
    // And the token itself survives the restart.
    expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
  });
});

describe.runIf(testDatabases.includes('postgres'))(
  'API tokens on two instances sharing one PostgreSQL',
  () => {
    let a: TestServer;
    let b: TestServer;
    twoInstances({ env: MANY_SIGN_INS }, (started) => ({ a, b } = started));

    it('refuses on B, within the NOTIFY delivery time, a token revoked on A', async () => {
      const { cookie } = await signedInUser(a);
      const { token, apiToken } = await createApiToken(a, cookie);
      // Warm B's cache, so the refusal proves the revocation crossed instances.
      expect((await request(b.url, '/api/me', withApiKey(token))).status).toBe(200);
      expect((await request(b.url, '/api/me', withApiKey(token))).status).toBe(200);
      const revoke = await request(a.url, `/api/me/api-tokens/${apiToken._id}`, { method: 'DELETE', cookie });
      expect(revoke.status).toBe(200);
      await expectOnB(async () => (await request(b.url, '/api/me', withApiKey(token))).status, 401);
    });

    it('stops tokens on B as soon as an admin disables token authentication on A', async () => {
      const adminCookie = (await signedInUser(a, { admin: true })).cookie;
      const { cookie } = await signedInUser(a);
      const { token } = await createApiToken(a, cookie);
      expect((await request(b.url, '/api/me', withApiKey(token))).status).toBe(200);
      await configureAuth(a, adminCookie, { allowUserTokenAuthentication: false });
      try {
        await expectOnB(
          async () => (await request(b.url, '/api/me', withApiKey(token))).body['code'],
          'API_TOKENS_DISABLED',
        );
      } finally {
        await configureAuth(a, adminCookie, { allowUserTokenAuthentication: true });
      }
    });
  },
);

/**
 * The revoke answers once its NOTIFY is committed; B drops its cache when the notification reaches it, a
 * few milliseconds later (PostgreSQL delivers it asynchronously). On an idle machine that is before B's
 * next request; with many suites running at once it can be a little after. So the test allows B one
 * second, polling every 10 ms: it still fails if the invalidation never crosses instances (the cache TTL
 * is 60 s).
 */
async function expectOnB<T>(probe: () => Promise<T>, expected: T): Promise<void> {
  const deadline = Date.now() + 1_000;
  let seen = await probe();
  while (seen !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    seen = await probe();
  }
  expect(seen).toBe(expected);
}
