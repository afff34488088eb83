import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/lib/crypto.js';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer, testDatabases, uniqueEmail } from './support/server.js';
import {
  claimsOf,
  isInvalidTokenResponse,
  me,
  refresh,
  signInWithTokens,
  testClock,
} from './support/token-session.js';

/** Short lifetimes (access < idle < absolute) so every expiry can be reached by moving the clock. */
/** Instances tolerate this much clock skew on `exp` (features/tokens/access-token.ts). */
const CLOCK_TOLERANCE = 5;
const ACCESS_TTL = 60;
const REFRESH_TTL = 900;
const REFRESH_IDLE_TTL = 120;

describe.each(testDatabases)('token sign-in on %s', (database) => {
  let server: TestServer;
  const clock = testClock();

  beforeAll(async () => {
    server = await startTestServer({
      database,
      now: clock.now,
      env: {
        GATEHOUSE_ACCESS_TOKEN_TTL: String(ACCESS_TTL),
        GATEHOUSE_REFRESH_TOKEN_TTL: String(REFRESH_TTL),
        GATEHOUSE_REFRESH_TOKEN_IDLE_TTL: String(REFRESH_IDLE_TTL),
      },
    });
  });
  afterAll(() => server.close());

  it('signs in with authType oauth and answers with an access + refresh pair', async () => {
    const user = await server.createUser();
    const res = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password, authType: 'oauth' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.cookies).toEqual([]);
    const payload = res.body['payload'] as Record<string, unknown>;
    expect(payload).toMatchObject({ expiresIn: ACCESS_TTL, tokenType: 'Bearer', workspace: null });
    expect(payload['user']).toMatchObject({ _id: user.id, email: user.email });
    expect(payload['refreshToken']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { header, claims } = claimsOf(payload['token'] as string);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(header.kid).toEqual(expect.any(String));
    const origin = server.config.publicUrl.origin;
    expect(claims).toMatchObject({ iss: origin, aud: origin, sub: user.id, roles: ['user'] });
    expect(claims.exp! - claims.iat!).toBe(ACCESS_TTL);
    expect(claims.jti).toEqual(expect.any(String));
    expect(claims['fid']).toEqual(expect.any(String));
    expect(claims['client_id']).toBe('gatehouse');
  });

  it('signs up with authType oauth and answers with a pair that works at once', async () => {
    const email = uniqueEmail('signup');
    const res = await request<{ payload: { token: string; refreshToken: string } }>(
      server.url,
      '/api/signup',
      {
        body: { email, password: 'a long enough password', authType: 'oauth' },
      },
    );
    expect(res.status).toBe(200);
    expect((await me(server.url, res.body.payload.token)).body['email']).toBe(email);
    expect((await refresh(server.url, res.body.payload.refreshToken)).status).toBe(200);
  });

  it('accepts the access token as a bearer credential on protected /api routes', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const res = await me(server.url, pair.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ _id: user.id, email: user.email });
    expect((await request(server.url, '/api/me')).status).toBe(401);
  });

  it('refreshes with the Qelos bearer form and with JSON refreshToken or refresh_token', async () => {
    const user = await server.createUser();
    const first = await signInWithTokens(server.url, user.email, user.password);

    const viaHeader = await refresh(server.url, first.refreshToken);
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers.get('cache-control')).toBe('no-store');
    expect(viaHeader.body.payload).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: ACCESS_TTL,
      workspace: null,
    });
    expect(viaHeader.body.payload.user).toMatchObject({ _id: user.id });
    expect(viaHeader.body.payload.refreshToken).not.toBe(first.refreshToken);

    const camel = await request<{ payload: { refreshToken: string } }>(server.url, '/api/token/refresh', {
      body: { refreshToken: viaHeader.body.payload.refreshToken },
    });
    expect(camel.status).toBe(200);
    const snake = await request<{ payload: { token: string } }>(server.url, '/api/token/refresh', {
      body: { refresh_token: camel.body.payload.refreshToken },
    });
    expect(snake.status).toBe(200);
    expect((await me(server.url, snake.body.payload.token)).status).toBe(200);
  });

  it('refuses a refresh with no token, an unknown token, or two different tokens', async () => {
    const missing = await request(server.url, '/api/token/refresh', { method: 'POST' });
    expect(missing.status).toBe(401);
    expect(isInvalidTokenResponse(await refresh(server.url, 'not-a-refresh-token'))).toBe(true);
    const both = await request(server.url, '/api/token/refresh', {
      headers: { authorization: 'Bearer one' },
      body: { refreshToken: 'two' },
    });
    expect(both.status).toBe(400);
    const twoInBody = await request(server.url, '/api/token/refresh', {
      body: { refreshToken: 'one', refresh_token: 'two' },
    });
    expect(twoInBody.status).toBe(400);
    const extra = await request(server.url, '/api/token/refresh', { body: { refreshToken: 'x', other: 1 } });
    expect(extra.status).toBe(400);
  });

  it('gives the same successor to a retry of the previous refresh token within the retry window', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const first = await refresh(server.url, pair.refreshToken);
    const retry = await refresh(server.url, pair.refreshToken);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body.payload.refreshToken).toBe(first.body.payload.refreshToken);
    expect((await refresh(server.url, first.body.payload.refreshToken)).status).toBe(200);
  });

  it('revokes the whole family when a rotated refresh token is reused after the retry window', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const rotated = await refresh(server.url, pair.refreshToken);
    expect(rotated.status).toBe(200);
    const live = rotated.body.payload;
    expect((await me(server.url, live.token)).status).toBe(200);

    clock.advance(6);
    const replay = await refresh(server.url, pair.refreshToken);
    expect(isInvalidTokenResponse(replay)).toBe(true);
    // Everything issued from the family is dead, on the very next request.
    expect(isInvalidTokenResponse(await me(server.url, live.token))).toBe(true);
    expect(isInvalidTokenResponse(await me(server.url, pair.token))).toBe(true);
    expect(isInvalidTokenResponse(await refresh(server.url, live.refreshToken))).toBe(true);
    // Other sign-ins of the same user are untouched.
    const other = await signInWithTokens(server.url, user.email, user.password);
    expect((await me(server.url, other.token)).status).toBe(200);
  });

  it('treats a token older than the immediately previous one as reuse, even within the window', async () => {
    const user = await server.createUser();
    const t0 = await signInWithTokens(server.url, user.email, user.password);
    const t1 = (await refresh(server.url, t0.refreshToken)).body.payload;
    const t2 = (await refresh(server.url, t1.refreshToken)).body.payload;
    expect(isInvalidTokenResponse(await refresh(server.url, t0.refreshToken))).toBe(true);
    expect(isInvalidTokenResponse(await refresh(server.url, t2.refreshToken))).toBe(true);
    expect(isInvalidTokenResponse(await me(server.url, t2.token))).toBe(true);
  });

  it('answers 20 parallel refreshes of one token with exactly one new refresh token', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refresh(server.url, pair.refreshToken)),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBe(20);
    const successors = new Set(ok.map((r) => r.body.payload.refreshToken));
    expect(successors.size).toBe(1);
    const familyId = claimsOf(pair.token).claims['fid'] as string;
    const live = await server.app.gatehouse.ctx.storage.db
      .selectFrom('refresh_tokens')
      .select('token_hash')
      .where('family_id', '=', familyId)
      .where('consumed_at', 'is', null)
      .execute();
    expect(live.length).toBe(1);
    const [successor] = [...successors];
    expect((await refresh(server.url, successor!)).status).toBe(200);
  });

  it('expires an access token after its lifetime while its family lives on', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    clock.advance(ACCESS_TTL - CLOCK_TOLERANCE - 1);
    expect((await me(server.url, pair.token)).status).toBe(200);
    clock.advance(2 * CLOCK_TOLERANCE + 2);
    const res = await me(server.url, pair.token);
    expect(isInvalidTokenResponse(res)).toBe(true);
    expect(res.body).toMatchObject({ code: 'INVALID_TOKEN' });
    const renewed = await refresh(server.url, pair.refreshToken);
    expect(renewed.status).toBe(200);
    expect((await me(server.url, renewed.body.payload.token)).status).toBe(200);
  });

  it('kills a refresh token left unused for the idle lifetime', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    clock.advance(REFRESH_IDLE_TTL - 10);
    const kept = await refresh(server.url, pair.refreshToken);
    expect(kept.status).toBe(200);
    clock.advance(REFRESH_IDLE_TTL + 1);
    expect(isInvalidTokenResponse(await refresh(server.url, kept.body.payload.refreshToken))).toBe(true);
  });

  it('ends a family at its absolute lifetime however often it is refreshed', async () => {
    const user = await server.createUser();
    let refreshToken = (await signInWithTokens(server.url, user.email, user.password)).refreshToken;
    for (let elapsed = 100; elapsed < REFRESH_TTL; elapsed += 100) {
      clock.advance(100);
      const res = await refresh(server.url, refreshToken);
      expect(res.status).toBe(200);
      refreshToken = res.body.payload.refreshToken;
    }
    clock.advance(100);
    expect(isInvalidTokenResponse(await refresh(server.url, refreshToken))).toBe(true);
  });

  it('revokes the family on logout with a bearer token', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const out = await request(server.url, '/api/logout', {
      method: 'POST',
      headers: { authorization: `Bearer ${pair.token}` },
    });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({});
    expect(isInvalidTokenResponse(await me(server.url, pair.token))).toBe(true);
    expect(isInvalidTokenResponse(await refresh(server.url, pair.refreshToken))).toBe(true);
  });

  it("ends the user's other token families on password change and keeps the current one", async () => {
    const user = await server.createUser();
    const current = await signInWithTokens(server.url, user.email, user.password);
    const other = await signInWithTokens(server.url, user.email, user.password);
    const someoneElse = await server.createUser();
    const unrelated = await signInWithTokens(server.url, someoneElse.email, someoneElse.password);

    const changed = await request(server.url, '/api/me/password', {
      headers: { authorization: `Bearer ${current.token}` },
      body: { currentPassword: user.password, newPassword: 'a brand new password' },
    });
    expect(changed.status).toBe(200);
    expect(isInvalidTokenResponse(await me(server.url, other.token))).toBe(true);
    expect(isInvalidTokenResponse(await refresh(server.url, other.refreshToken))).toBe(true);
    expect((await me(server.url, current.token)).status).toBe(200);
    expect((await refresh(server.url, current.refreshToken)).status).toBe(200);
    expect((await me(server.url, unrelated.token)).status).toBe(200);
  });

  it('ends every token family on a password change made from a cookie session', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const changed = await request(server.url, '/api/me/password', {
      cookie,
      body: { currentPassword: user.password, newPassword: 'another new password' },
    });
    expect(changed.status).toBe(200);
    expect(isInvalidTokenResponse(await me(server.url, pair.token))).toBe(true);
    expect(isInvalidTokenResponse(await refresh(server.url, pair.refreshToken))).toBe(true);
  });

  it('switches the workspace of a token session and rotates its refresh token', async () => {
    const user = await server.createUser();
    const db = server.app.gatehouse.ctx.storage.db;
    const now = clock.now();
    const workspace = { id: newId(), name: 'Acme' };
    await db
      .insertInto('workspaces')
      .values({ ...workspace, created_by: user.id, created_at: now, updated_at: now })
      .execute();
    await db
      .insertInto('workspace_members')
      .values({ workspace_id: workspace.id, user_id: user.id, role: 'owner', created_at: now })
      .execute();
    const original = await signInWithTokens(server.url, user.email, user.password);
    expect(original.workspace).toMatchObject({ _id: workspace.id });
    const fid = claimsOf(original.token).claims['fid'] as string;
    const auth = {
      kind: 'access_token' as const,
      user: { id: user.id, email: user.email, roles: ['user'], secondFactor: false, emailVerified: false },
      workspace: null,
      scopes: null,
      familyId: fid,
    };
    const switched = await server.app.gatehouse.tokens.switchWorkspace(auth, { ...workspace, role: 'owner' });
    expect(claimsOf(switched.token).claims).toMatchObject({ wid: workspace.id, fid });
    expect((await me(server.url, switched.token)).body['workspace']).toMatchObject({ _id: workspace.id });
    const next = await refresh(server.url, switched.refreshToken);
    expect(next.status).toBe(200);
    expect(next.body.payload.workspace).toMatchObject({ _id: workspace.id });
    clock.advance(6);
    expect(isInvalidTokenResponse(await refresh(server.url, original.refreshToken))).toBe(true);
  });
});

describe.each(testDatabases)('token sign-in with the retry window off on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { GATEHOUSE_REFRESH_TOKEN_RETRY_WINDOW: '0' } });
  });
  afterAll(() => server.close());

  it('lets exactly one of 20 parallel refreshes of one token succeed', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => refresh(server.url, pair.refreshToken)),
    );
    expect(results.filter((r) => r.status === 200).length).toBe(1);
    expect(results.filter((r) => isInvalidTokenResponse(r)).length).toBe(19);
  });

  it('refuses an immediate retry of a rotated token', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    expect((await refresh(server.url, pair.refreshToken)).status).toBe(200);
    expect(isInvalidTokenResponse(await refresh(server.url, pair.refreshToken))).toBe(true);
  });
});
