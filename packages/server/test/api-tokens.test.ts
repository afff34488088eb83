import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/lib/crypto.js';
import {
  configureAuth,
  createApiToken,
  postApiToken,
  signedInUser,
  withApiKey,
} from './support/api-tokens.js';
import { request } from './support/http.js';
import { MANY_SIGN_INS, startTestServer, type TestServer, testDatabases } from './support/server.js';

const DAY = 24 * 60 * 60 * 1000;
const ALL_SCOPES = ['profile:read', 'profile:write', 'workspaces:read', 'workspaces:write'];

describe.each(testDatabases)('API token management on %s', (database) => {
  let server: TestServer;
  let adminCookie: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
    adminCookie = (await signedInUser(server, { admin: true })).cookie;
  });
  afterAll(() => server.close());

  it('returns the raw token once, as gth_ + secret + checksum, with an apiToken object that never holds it', async () => {
    const { cookie } = await signedInUser(server);
    const res = await postApiToken(server, cookie, { nickname: 'CI Pipeline', expiresAt: '90d' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { token, apiToken } = res.body;
    expect(token).toMatch(/^gth_[0-9A-Za-z]{49}$/);
    expect(Object.keys(apiToken).sort()).toEqual(
      [
        '_id',
        'created',
        'expiresAt',
        'lastUsedAt',
        'nickname',
        'scopes',
        'tokenPrefix',
        'usageCount',
        'workspace',
        'status',
        'expiresSoon',
        'rotation',
        'replaces',
      ].sort(),
    );
    expect(apiToken.tokenPrefix).toBe(token.slice(0, 8));
    expect(apiToken).toMatchObject({
      nickname: 'CI Pipeline',
      workspace: null,
      lastUsedAt: null,
      usageCount: 0,
    });
    expect(JSON.stringify(apiToken)).not.toContain(token.slice(8));
    expect(JSON.stringify(apiToken)).not.toContain(sha256(token));

    const list = await request<unknown[]>(server.url, '/api/me/api-tokens', { cookie });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([apiToken]);
    expect(JSON.stringify(list.body)).not.toContain(token.slice(8));
  });

  it('stores only the SHA-256 of the token, never the raw value', async () => {
    const { cookie } = await signedInUser(server);
    const { token, apiToken } = await createApiToken(server, cookie);
    const rows = await server.app.gatehouse.ctx.storage.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', apiToken._id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(sha256(token));
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.slice(8, -6));
  });

  it('gives two tokens different secrets and lists them newest first, only to their owner', async () => {
    const { cookie } = await signedInUser(server);
    const first = await createApiToken(server, cookie, { nickname: 'first' });
    const second = await createApiToken(server, cookie, { nickname: 'second' });
    expect(first.token).not.toBe(second.token);
    const list = await request<{ nickname: string }[]>(server.url, '/api/me/api-tokens', { cookie });
    expect(list.body.map((t) => t.nickname)).toEqual(['second', 'first']);
    const stranger = await signedInUser(server);
    const theirs = await request<unknown[]>(server.url, '/api/me/api-tokens', { cookie: stranger.cookie });
    expect(theirs.body).toEqual([]);
  });

  it('revokes a token with 200 "Token revoked", after which the token is refused with 401', async () => {
    const { cookie } = await signedInUser(server);
    const { token, apiToken } = await createApiToken(server, cookie);
    // Used once first, so the token sits in the cache: the refusal proves the revocation reached it.
    expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
    const revoke = await request(server.url, `/api/me/api-tokens/${apiToken._id}`, {
      method: 'DELETE',
      cookie,
    });
    expect(revoke.status).toBe(200);
    expect(revoke.body).toEqual({ message: 'Token revoked' });
    const after = await request(server.url, '/api/me', withApiKey(token));
    expect(after.status).toBe(401);
    expect(after.body['code']).toBe('INVALID_API_TOKEN');
    const list = await request<unknown[]>(server.url, '/api/me/api-tokens', { cookie });
    expect(list.body).toEqual([]);
  });

  it("answers 404 when revoking another user's token or an unknown id, and the token keeps working", async () => {
    const owner = await signedInUser(server);
    const { token, apiToken } = await createApiToken(server, owner.cookie);
    const stranger = await signedInUser(server);
    const res = await request(server.url, `/api/me/api-tokens/${apiToken._id}`, {
      method: 'DELETE',
      cookie: stranger.cookie,
    });
    expect(res.status).toBe(404);
    expect(res.body['code']).toBe('NOT_FOUND');
    const unknown = await request(server.url, '/api/me/api-tokens/000000000000000000000000', {
      method: 'DELETE',
      cookie: owner.cookie,
    });
    expect(unknown.status).toBe(404);
    expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
  });

  it('requires an expiry, and turns the presets 30d, 90d and 1y into dates', async () => {
    const { cookie } = await signedInUser(server);
    const missing = await postApiToken(server, cookie, { nickname: 'no expiry' });
    expect(missing.status).toBe(400);
    expect(missing.body['code']).toBe('VALIDATION_ERROR');
    for (const [preset, days] of [
      ['30d', 30],
      ['90d', 90],
      ['1y', 365],
    ] as const) {
      const before = Date.now();
      const { apiToken } = await createApiToken(server, cookie, { expiresAt: preset });
      const lifetime = Date.parse(apiToken.expiresAt!) - before;
      expect(Math.abs(lifetime - days * DAY)).toBeLessThan(60_000);
    }
  });

  it('accepts a future ISO date, and refuses a past, malformed or more-than-a-year-away one with 400', async () => {
    const { cookie } = await signedInUser(server);
    const inTwoWeeks = new Date(Date.now() + 14 * DAY).toISOString();
    const { apiToken } = await createApiToken(server, cookie, { expiresAt: inTwoWeeks });
    expect(apiToken.expiresAt).toBe(inTwoWeeks);
    for (const expiresAt of [
      new Date(Date.now() - DAY).toISOString(),
      'next tuesday',
      '2030-02-31T25:00:00Z',
      new Date(Date.now() + 400 * DAY).toISOString(),
      'toString',
    ]) {
      const res = await postApiToken(server, cookie, { nickname: 'bad expiry', expiresAt });
      expect(res.status, expiresAt).toBe(400);
      expect(res.body['code']).toBe('VALIDATION_ERROR');
    }
  });

  it('refuses never-expiring tokens unless the admin allows them, then allows never and dates beyond a year', async () => {
    const { cookie } = await signedInUser(server);
    const refused = await postApiToken(server, cookie, { nickname: 'forever', expiresAt: 'never' });
    expect(refused.status).toBe(403);
    expect(refused.body['code']).toBe('NEVER_EXPIRING_NOT_ALLOWED');
    await configureAuth(server, adminCookie, { allowNeverExpiring: true });
    try {
      const { token, apiToken } = await createApiToken(server, cookie, { expiresAt: 'never' });
      expect(apiToken.expiresAt).toBeNull();
      expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
      const far = new Date(Date.now() + 3 * 365 * DAY).toISOString();
      expect((await createApiToken(server, cookie, { expiresAt: far })).apiToken.expiresAt).toBe(far);
    } finally {
      await configureAuth(server, adminCookie, { allowNeverExpiring: false });
    }
  });

  it('gives every scope when none is asked for, keeps the ones asked for, and refuses unknown or no scopes', async () => {
    const { cookie } = await signedInUser(server);
    expect((await createApiToken(server, cookie)).apiToken.scopes).toEqual(ALL_SCOPES);
    const narrow = await createApiToken(server, cookie, { scopes: ['workspaces:read', 'profile:read'] });
    expect(narrow.apiToken.scopes).toEqual(['profile:read', 'workspaces:read']);
    const unknown = await postApiToken(server, cookie, {
      nickname: 'x',
      expiresAt: '30d',
      scopes: ['admin:all'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('admin:all');
    const none = await postApiToken(server, cookie, { nickname: 'x', expiresAt: '30d', scopes: [] });
    expect(none.status).toBe(400);
  });

  it('validates the body: a blank or over-long nickname, a wrong type, or an unknown field, is 400', async () => {
    const { cookie } = await signedInUser(server);
    expect((await postApiToken(server, cookie, { nickname: 42, expiresAt: '30d' })).status).toBe(400);
    expect(
      (await postApiToken(server, cookie, { nickname: 'x', expiresAt: '30d', scopes: 'profile:read' }))
        .status,
    ).toBe(400);
    expect((await postApiToken(server, cookie, { nickname: '   ', expiresAt: '30d' })).status).toBe(400);
    expect(
      (await postApiToken(server, cookie, { nickname: 'x', expiresAt: '30d', admin: true })).status,
    ).toBe(400);
    expect((await postApiToken(server, cookie, { nickname: 'x'.repeat(101), expiresAt: '30d' })).status).toBe(
      400,
    );
  });

  it('refuses token management, password change and session management with an API token (403)', async () => {
    const { user, cookie } = await signedInUser(server);
    const { token, apiToken } = await createApiToken(server, cookie);
    const key = withApiKey(token);
    const attempts = [
      request(server.url, '/api/me/api-tokens', key),
      request(server.url, '/api/me/api-tokens', { ...key, body: { nickname: 'successor', expiresAt: '1y' } }),
      request(server.url, `/api/me/api-tokens/${apiToken._id}`, { ...key, method: 'DELETE' }),
      request(server.url, '/api/me/password', {
        ...key,
        body: { currentPassword: user.password, newPassword: 'a-new-password-1' },
      }),
      request(server.url, '/api/me/sessions', key),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(res.body['code']).toBe('CREDENTIAL_NOT_ALLOWED');
    }
    // Nothing happened: still one token, and the old password still signs in.
    expect((await request<unknown[]>(server.url, '/api/me/api-tokens', { cookie })).body).toHaveLength(1);
    const signin = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    expect(signin.status).toBe(200);
  });

  it('enforces the per-user limit on live tokens, and a revocation frees a place', async () => {
    await configureAuth(server, adminCookie, { maxTokensPerUser: 2 });
    try {
      const { cookie } = await signedInUser(server);
      await createApiToken(server, cookie);
      const { apiToken } = await createApiToken(server, cookie);
      const third = await postApiToken(server, cookie, { nickname: 'third', expiresAt: '30d' });
      expect(third.status).toBe(409);
      expect(third.body['code']).toBe('MAX_TOKENS_REACHED');
      await request(server.url, `/api/me/api-tokens/${apiToken._id}`, { method: 'DELETE', cookie });
      // One place left and four concurrent creations: at most one gets it, never more than the limit.
      const race = await Promise.all(
        [1, 2, 3, 4].map((n) => postApiToken(server, cookie, { nickname: `race ${n}`, expiresAt: '30d' })),
      );
      expect(race.filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
      expect(race.every((r) => r.status === 201 || r.status === 409)).toBe(true);
      const live = (await request<unknown[]>(server.url, '/api/me/api-tokens', { cookie })).body;
      expect(live.length).toBeLessThanOrEqual(2);
    } finally {
      await configureAuth(server, adminCookie, { maxTokensPerUser: 50 });
    }
  });

  it('requires authentication for every management route', async () => {
    expect((await request(server.url, '/api/me/api-tokens')).status).toBe(401);
    expect(
      (await request(server.url, '/api/me/api-tokens', { body: { nickname: 'x', expiresAt: '30d' } })).status,
    ).toBe(401);
    expect((await request(server.url, '/api/me/api-tokens/abc', { method: 'DELETE' })).status).toBe(401);
  });
});
