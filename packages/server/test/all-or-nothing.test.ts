import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signInWithCookie } from './support/http.js';
import { CHEAP_HASHES, startTestServer, type TestServer, testDatabases } from './support/server.js';
import { me, refresh, signInWithTokens } from './support/token-session.js';

/**
 * Issue 17, item 3: a security change with several effects commits all of them or none. The database
 * "fails between the statements" by a trigger that refuses to delete sessions: the password change (or
 * "sign out everywhere else") has by then stored its first effect, and must take it back.
 */
describe.each(testDatabases)('security changes are all or nothing on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: CHEAP_HASHES });
  });
  afterAll(() => server.close());

  const db = () => server.app.gatehouse.ctx.storage.db;

  /** From now on, deleting a session fails as a lost connection would (PostgreSQL: SQLSTATE 08006). */
  async function failSessionDeletes(): Promise<void> {
    if (database === 'postgres') {
      await sql`CREATE OR REPLACE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'connection lost' USING ERRCODE = '08006'; END $$`.execute(db());
      await sql`CREATE TRIGGER refuse_delete BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_delete()`.execute(
        db(),
      );
    } else {
      await sql`CREATE TRIGGER refuse_delete BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`.execute(
        db(),
      );
    }
  }

  async function restoreSessionDeletes(): Promise<void> {
    if (database === 'postgres') await sql`DROP TRIGGER refuse_delete ON sessions`.execute(db());
    else await sql`DROP TRIGGER refuse_delete`.execute(db());
  }

  it('a password change cut between its statements stores no new password and ends no sign-in', async () => {
    const user = await server.createUser();
    const mine = await signInWithCookie(server.url, user.email, user.password);
    const thiefCookie = await signInWithCookie(server.url, user.email, user.password);
    const thiefTokens = await signInWithTokens(server.url, user.email, user.password);

    await failSessionDeletes();
    try {
      const change = await request(server.url, '/api/me/password', {
        cookie: mine,
        body: { currentPassword: user.password, newPassword: 'a-brand-new-password-1' },
      });
      expect(change.status).toBeGreaterThanOrEqual(500);
      if (database === 'postgres') expect(change.status).toBe(503);
      expect(JSON.stringify(change.body)).not.toMatch(/refuse_delete|at .*\.ts|stack/i);
    } finally {
      await restoreSessionDeletes();
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

    await failSessionDeletes();
    try {
      const out = await request(server.url, '/api/me/sessions/revoke-others', {
        method: 'POST',
        cookie: mine,
      });
      expect(out.status).toBeGreaterThanOrEqual(500);
    } finally {
      await restoreSessionDeletes();
    }
    expect((await request(server.url, '/api/me', { cookie: otherCookie })).status).toBe(200);
    expect((await refresh(server.url, otherTokens.refreshToken)).status).toBe(200);

    expect(
      (await request(server.url, '/api/me/sessions/revoke-others', { method: 'POST', cookie: mine })).status,
    ).toBe(200);
    expect((await request(server.url, '/api/me', { cookie: otherCookie })).status).toBe(401);
    expect((await request(server.url, '/api/me', { cookie: mine })).status).toBe(200);
  });
});
