import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signInWithCookie } from './support/http.js';
import { CHEAP_HASHES, startTestServer, type TestServer, testDatabases } from './support/server.js';
import { me, refresh, signInWithTokens } from './support/token-session.js';

/**
 * Issue 17, item 3: a security change with several effects commits all of them or none. The database
 * "fails between the statements" by a trigger that refuses to delete sessions (or refresh tokens): the
 * password change, "sign out everywhere else", disabling a user or ending a family on reuse has by then
 * stored its first effect, and must take it back.
 */
describe.each(testDatabases)('security changes are all or nothing on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: CHEAP_HASHES });
  });
  afterAll(() => server.close());

  const db = () => server.app.gatehouse.ctx.storage.db;

  /** From now on, deleting a row of `table` fails as a lost connection would (PostgreSQL: SQLSTATE 08006). */
  async function failDeletes(table: 'sessions' | 'refresh_tokens' = 'sessions'): Promise<void> {
    if (database === 'postgres') {
      await sql`CREATE OR REPLACE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'connection lost' USING ERRCODE = '08006'; END $$`.execute(db());
      await sql`CREATE TRIGGER refuse_delete BEFORE DELETE ON ${sql.table(table)} FOR EACH ROW EXECUTE FUNCTION refuse_delete()`.execute(
        db(),
      );
    } else {
      await sql`CREATE TRIGGER refuse_delete BEFORE DELETE ON ${sql.table(table)} BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`.execute(
        db(),
      );
    }
  }

  async function restoreDeletes(table: 'sessions' | 'refresh_tokens' = 'sessions'): Promise<void> {
    if (database === 'postgres') await sql`DROP TRIGGER refuse_delete ON ${sql.table(table)}`.execute(db());
    else await sql`DROP TRIGGER refuse_delete`.execute(db());
  }

  /** The failed change answered 5xx (503 on PostgreSQL) without a stack or the trigger's name. */
  function expectFailed(response: { status: number; body: unknown }): void {
    expect(response.status).toBeGreaterThanOrEqual(500);
    if (database === 'postgres') expect(response.status).toBe(503);
    expect(JSON.stringify(response.body)).not.toMatch(/refuse_delete|at .*\.ts|stack/i);
  }

  it('a password change cut between its statements stores no new password and ends no sign-in', async () => {
    const user = await server.createUser();
    const mine = await signInWithCookie(server.url, user.email, user.password);
    const thiefCookie = await signInWithCookie(server.url, user.email, user.password);
    const thiefTokens = await signInWithTokens(server.url, user.email, user.password);

    await failDeletes();
    try {
      const change = await request(server.url, '/api/me/password', {
        cookie: mine,
        body: { currentPassword: user.password, newPassword: 'a-brand-new-password-1' },
      });
      expect(change.status).toBeGreaterThanOrEqual(500);
      if (database === 'postgres') expect(change.status).toBe(503);
      expect(JSON.stringify(change.body)).not.toMatch(/refuse_delete|at .*\.ts|stack/i);
    } finally {
      await restoreDeletes();
    }

    // Nothing applied: the old password still signs in, the new one does not, and no sign-in ended.
    const oldPassword = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    expect(oldPassword.status).toBe(200);
    const newPassword = await request(server.url, '/api/signin', {
      body: { username: user.email, password: 'a-brand-new-password-1' },
    });
    expect(newPassword.status).toBe(401);
    expect((await request(server.url, '/api/me', { cookie: thiefCookie })).status).toBe(200);
    expect((await me(server.url, thiefTokens.token)).status).toBe(200);

    // Retried once the database is whole, the change applies in full.
    const retried = await request(server.url, '/api/me/password', {
      cookie: mine,
      body: { currentPassword: user.password, newPassword: 'a-brand-new-password-1' },
    });
    expect(retried.status).toBe(200);
    expect((await request(server.url, '/api/me', { cookie: mine })).status).toBe(200);
    expect((await request(server.url, '/api/me', { cookie: thiefCookie })).status).toBe(401);
    expect((await me(server.url, thiefTokens.token)).status).toBe(401);
    expect((await refresh(server.url, thiefTokens.refreshToken)).status).toBe(401);
  });

  it('"sign out everywhere else" cut between its statements ends no token sign-in either', async () => {
    const user = await server.createUser();
    const mine = await signInWithCookie(server.url, user.email, user.password);
    const otherCookie = await signInWithCookie(server.url, user.email, user.password);
    const otherTokens = await signInWithTokens(server.url, user.email, user.password);

    await failDeletes();
    try {
      const out = await request(server.url, '/api/me/sessions/revoke-others', {
        method: 'POST',
        cookie: mine,
      });
      expect(out.status).toBeGreaterThanOrEqual(500);
    } finally {
      await restoreDeletes();
    }
    expect((await request(server.url, '/api/me', { cookie: otherCookie })).status).toBe(200);
    expect((await refresh(server.url, otherTokens.refreshToken)).status).toBe(200);

    expect(
      (await request(server.url, '/api/me/sessions/revoke-others', { method: 'POST', cookie: mine })).status,
    ).toBe(200);
    expect((await request(server.url, '/api/me', { cookie: otherCookie })).status).toBe(401);
    expect((await request(server.url, '/api/me', { cookie: mine })).status).toBe(200);
  });
  it('disabling a user cut between its statements leaves the account enabled and every sign-in alive', async () => {
    const admin = await server.createUser({ admin: true });
    const adminCookie = await signInWithCookie(server.url, admin.email, admin.password);
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const tokens = await signInWithTokens(server.url, user.email, user.password);
    const disable = () =>
      request(server.url, `/api/admin/users/${user.id}/disable`, { method: 'POST', cookie: adminCookie });

    await failDeletes();
    try {
      expectFailed(await disable());
    } finally {
      await restoreDeletes();
    }
    // Nothing applied: not disabled (signs in), and the cookie and the token sign-in live on.
    expect((await request(server.url, '/api/me', { cookie })).status).toBe(200);
    expect((await me(server.url, tokens.token)).status).toBe(200);
    const signIn = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    expect(signIn.status).toBe(200);

    expect((await disable()).status).toBe(200);
    expect((await request(server.url, '/api/me', { cookie })).status).toBe(401);
    expect((await me(server.url, tokens.token)).status).toBe(401);
    expect((await refresh(server.url, tokens.refreshToken)).status).toBe(401);
  });

  it('reuse detection cut between its statements ends nothing; presented again, it ends the family', async () => {
    const user = await server.createUser();
    const first = await signInWithTokens(server.url, user.email, user.password);
    const second = await refresh(server.url, first.refreshToken);
    expect(second.status).toBe(200);
    const third = await refresh(server.url, second.body.payload.refreshToken);
    expect(third.status).toBe(200);
    const latest = third.body.payload;

    // The first token again, its successor already used: reuse. Ending the family fails half-way.
    await failDeletes('refresh_tokens');
    try {
      expectFailed(await refresh(server.url, first.refreshToken));
    } finally {
      await restoreDeletes('refresh_tokens');
    }
    // Nothing applied: the family is not marked revoked, so its live tokens still work.
    expect((await me(server.url, latest.token)).status).toBe(200);

    // Presented again with the database whole, the reuse ends the family: the latest pair dies with it.
    expect((await refresh(server.url, first.refreshToken)).status).toBe(401);
    expect((await me(server.url, latest.token)).status).toBe(401);
    expect((await refresh(server.url, latest.refreshToken)).status).toBe(401);
  });
});
