import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signInWithCookie } from './support/http.js';
import { MANY_SIGN_INS, startTestServer, type TestServer, testDatabases } from './support/server.js';
import { isInvalidTokenResponse, me, refresh, signInWithTokens } from './support/token-session.js';

interface TokenSessionBody {
  _id: string;
  current: boolean;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  workspace: { _id: string; name: string } | null;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(testDatabases)('token sign-ins listed and revoked by their owner on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
  });
  afterAll(() => server.close());

  const list = (headers: Record<string, string>) =>
    request<TokenSessionBody[]>(server.url, '/api/me/token-sessions', { headers });

  it('lists live families with device and times, marks the current one, and never shows a token', async () => {
    const user = await server.createUser();
    const phone = await request<{ payload: { token: string; refreshToken: string } }>(
      server.url,
      '/api/signin',
      {
        body: { username: user.email, password: user.password, authType: 'oauth' },
        headers: { 'user-agent': 'GatehouseApp/2.1 (iPhone; iOS 18.1)' },
      },
    );
    const cli = await signInWithTokens(server.url, user.email, user.password);
    const res = await list(bearer(cli.token));
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    const current = res.body.find((s) => s.current);
    const other = res.body.find((s) => !s.current);
    expect(current).toBeDefined();
    expect(other?.userAgent).toBe('GatehouseApp/2.1 (iPhone; iOS 18.1)');
    expect(other?.ip).toBe('127.0.0.1');
    expect(Date.parse(other!.expiresAt)).toBeGreaterThan(Date.now());
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(phone.body.payload.refreshToken);
    expect(text).not.toContain(cli.refreshToken);
  });

  it('moves lastUsedAt forward on refresh and keeps one entry per family', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const before = (await list(bearer(pair.token))).body[0]!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const rotated = await refresh(server.url, pair.refreshToken);
    expect(rotated.status).toBe(200);
    const after = await list(bearer(rotated.body.payload.token));
    expect(after.body).toHaveLength(1);
    expect(after.body[0]!._id).toBe(before._id);
    expect(Date.parse(after.body[0]!.lastUsedAt)).toBeGreaterThan(Date.parse(before.lastUsedAt));
  });

  it('revokes a family from a cookie session: its refresh token and access token stop working at once', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const listed = await request<TokenSessionBody[]>(server.url, '/api/me/token-sessions', { cookie });
    expect(listed.body.map((s) => s.current)).toEqual([false]);
    const revoked = await request(server.url, `/api/me/token-sessions/${listed.body[0]!._id}`, {
      method: 'DELETE',
      cookie,
    });
    expect(revoked.status).toBe(200);
    expect(isInvalidTokenResponse(await me(server.url, pair.token))).toBe(true);
    expect((await refresh(server.url, pair.refreshToken)).status).toBe(401);
    expect((await request(server.url, '/api/me/token-sessions', { cookie })).body).toEqual([]);
  });

  it("answers 404 for another user's family and leaves it alive", async () => {
    const owner = await server.createUser();
    const stranger = await server.createUser();
    const pair = await signInWithTokens(server.url, owner.email, owner.password);
    const id = (await list(bearer(pair.token))).body[0]!._id;
    const strangerCookie = await signInWithCookie(server.url, stranger.email, stranger.password);
    const res = await request(server.url, `/api/me/token-sessions/${id}`, {
      method: 'DELETE',
      cookie: strangerCookie,
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'TOKEN_SESSION_NOT_FOUND' });
    expect((await me(server.url, pair.token)).status).toBe(200);
  });

  it('refuses listing and revoking with an API token (403), as all session management', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const created = await request<{ token: string }>(server.url, '/api/me/api-tokens', {
      body: { nickname: 'script', expiresAt: '30d' },
      cookie,
    });
    const key = { 'x-api-key': created.body.token };
    expect((await list(key)).status).toBe(403);
    const del = await request(server.url, '/api/me/token-sessions/anything', {
      method: 'DELETE',
      headers: key,
    });
    expect(del.status).toBe(403);
    expect((await request(server.url, '/api/me/token-sessions')).status).toBe(401);
  });

  it('"sign out everywhere else" ends every other session and token sign-in, keeps the caller and API tokens', async () => {
    const user = await server.createUser();
    const here = await signInWithCookie(server.url, user.email, user.password);
    const elsewhere = await signInWithCookie(server.url, user.email, user.password);
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const apiToken = await request<{ token: string }>(server.url, '/api/me/api-tokens', {
      body: { nickname: 'ci', expiresAt: '30d' },
      cookie: here,
    });
    const res = await request(server.url, '/api/me/sessions/revoke-others', { method: 'POST', cookie: here });
    expect(res.status).toBe(200);
    expect((await request(server.url, '/api/me', { cookie: here })).status).toBe(200);
    expect((await request(server.url, '/api/me', { cookie: elsewhere })).status).toBe(401);
    expect(isInvalidTokenResponse(await me(server.url, pair.token))).toBe(true);
    expect((await refresh(server.url, pair.refreshToken)).status).toBe(401);
    const withKey = await request(server.url, '/api/me', { headers: { 'x-api-key': apiToken.body.token } });
    expect(withKey.status).toBe(200);
  });

  it('"sign out everywhere else" from a token sign-in keeps that family and ends the cookie sessions', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const res = await request(server.url, '/api/me/sessions/revoke-others', {
      method: 'POST',
      headers: bearer(pair.token),
    });
    expect(res.status).toBe(200);
    expect((await me(server.url, pair.token)).status).toBe(200);
    expect((await refresh(server.url, pair.refreshToken)).status).toBe(200);
    expect((await request(server.url, '/api/me', { cookie })).status).toBe(401);
  });
});
