import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sweeper } from '../src/features/housekeeping/sweep.js';
import { request, signInWithCookie } from './support/http.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
} from './support/server.js';
import { me, refresh, signInWithTokens, testClock } from './support/token-session.js';

const HOUR = 3600;
const id = () => randomBytes(8).toString('hex');

/** Issue 9, item 10: tables that only grow get a sweep, safe with several instances and bounded per run. */
describe.each(testDatabases)('the sweep of expired rows on %s', (database) => {
  let server: TestServer;
  const clock = testClock();
  beforeAll(async () => {
    server = await startTestServer({ database, now: clock.now, env: { ...CHEAP_HASHES, ...MANY_SIGN_INS } });
  });
  afterAll(() => server.close());

  const db = () => server.app.gatehouse.ctx.storage.db;
  const count = async (table: 'sessions' | 'token_families' | 'sign_in_throttles' | 'account_links') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('deletes dead sessions, throttles, families, links, challenges and invites, and keeps every live one', async () => {
    const user = await server.createUser();
    // Rows that will be dead a day later: an idle session, a logged-out token sign-in, throttle rows.
    await signInWithCookie(server.url, user.email, user.password);
    const loggedOut = await signInWithTokens(server.url, user.email, user.password);
    await request(server.url, '/api/logout', {
      method: 'POST',
      headers: { authorization: `Bearer ${loggedOut.token}` },
    });
    const ghost = `ghost-${id()}`;
    await request(server.url, '/api/signin', { body: { username: ghost, password: 'nope-nope-1' } });
    const ghostRows = () =>
      db().selectFrom('sign_in_throttles').select('key').where('key', 'like', `%${ghost}%`).execute();
    expect(await ghostRows()).toHaveLength(1);
    // A token sign-in that stays alive, with a consumed refresh token: replaying it must still count as reuse.
    const kept = await signInWithTokens(server.url, user.email, user.password);
    const rotated = await refresh(server.url, kept.refreshToken);
    expect(rotated.status).toBe(200);

    clock.advance(25 * HOUR);
    const now = clock.now();
    const liveCookie = await signInWithCookie(server.url, user.email, user.password);
    const ws = await request<{ _id: string }>(server.url, '/api/workspaces', {
      cookie: liveCookie,
      body: { name: `sweep-${id()}` },
    });
    expect(ws.status).toBe(201);
    const link = (expires: number) => ({
      id: id(),
      token_hash: id(),
      user_id: user.id,
      purpose: 'password_reset' as const,
      email: null,
      created_at: now - HOUR * 1000,
      expires_at: expires,
      consumed_at: null,
    });
    const deadLink = link(now - 1);
    const liveLink = link(now + HOUR * 1000);
    await db().insertInto('account_links').values([deadLink, liveLink]).execute();
    const challenge = (expires: number) => ({
      id: id(),
      token_hash: id(),
      user_id: user.id,
      auth_type: 'cookie',
      remember: 0,
      workspace_id: null,
      failures: 0,
      created_at: now - 600_000,
      expires_at: expires,
      consumed_at: null,
    });
    await db()
      .insertInto('sign_in_challenges')
      .values([challenge(now - 1), challenge(now + 300_000)])
      .execute();
    const invite = (expires: number, consumed: number | null) => ({
      id: id(),
      workspace_id: ws.body._id,
      token_hash: id(),
      role: 'user',
      email: null,
      created_by: user.id,
      created_at: now - 3 * 24 * HOUR * 1000,
      expires_at: expires,
      consumed_at: consumed,
      consumed_by: null,
    });
    const usedInvite = invite(now + HOUR * 1000, now - 2 * 24 * HOUR * 1000);
    const pendingInvite = invite(now + HOUR * 1000, null);
    await db().insertInto('workspace_invites').values([usedInvite, pendingInvite]).execute();

    const result = await new Sweeper(server.app.gatehouse.ctx).run();

    expect(result.sessions).toBe(1);
    expect(result.token_families).toBe(1);
    expect(result.account_links).toBe(1);
    expect(result.sign_in_challenges).toBe(1);
    expect(result.workspace_invites).toBe(1);
    // The unknown login's counter decayed; the client address's row was used again today and stays.
    expect(result.sign_in_throttles).toBeGreaterThanOrEqual(1);
    expect(await ghostRows()).toEqual([]);
    expect(
      await db().selectFrom('sign_in_throttles').select('key').where('key', 'like', 'ip:%').execute(),
    ).not.toEqual([]);
    const links = await db()
      .selectFrom('account_links')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    expect(links.map((row) => row.id)).toEqual([liveLink.id]);
    const invites = await db()
      .selectFrom('workspace_invites')
      .select('id')
      .where('workspace_id', '=', ws.body._id)
      .execute();
    expect(invites.map((row) => row.id)).toEqual([pendingInvite.id]);

    // The live sign-ins still work; the kept family's consumed token is still recognised as a replay.
    expect((await request(server.url, '/api/me', { cookie: liveCookie })).status).toBe(200);
    const again = await refresh(server.url, rotated.body.payload.refreshToken);
    expect(again.status).toBe(200);
    expect((await me(server.url, again.body.payload.token)).status).toBe(200);
    expect((await refresh(server.url, kept.refreshToken)).status).toBe(401);
    // That replay was recognised as reuse: the whole family ended, the newest token with it.
    expect((await refresh(server.url, again.body.payload.refreshToken)).status).toBe(401);
  });

  it('deletes at most one batch per table per run', async () => {
    const user = await server.createUser();
    const now = clock.now();
    // Whatever earlier tests left behind goes first, so the counts below are this test's rows only.
    await new Sweeper(server.app.gatehouse.ctx).run();
    await db()
      .insertInto('sessions')
      .values(
        Array.from({ length: 12 }, () => ({
          id: id(),
          token_hash: id(),
          user_id: user.id,
          workspace_id: null,
          created_at: now - 2 * HOUR * 1000,
          last_seen_at: now - 2 * HOUR * 1000,
          expires_at: now - 1,
          idle_ttl_ms: 1_800_000,
          user_agent: null,
          ip: null,
        })),
      )
      .execute();
    const sweeper = new Sweeper(server.app.gatehouse.ctx, 5);
    expect((await sweeper.run()).sessions).toBe(5);
    expect((await sweeper.run()).sessions).toBe(5);
    expect((await sweeper.run()).sessions).toBe(2);
    expect((await sweeper.run()).sessions).toBe(0);
  });

  it('is safe when several instances sweep at once: every dead row deleted once, no error', async () => {
    const user = await server.createUser();
    const now = clock.now();
    const before = await count('account_links');
    await db()
      .insertInto('account_links')
      .values(
        Array.from({ length: 40 }, () => ({
          id: id(),
          token_hash: id(),
          user_id: user.id,
          purpose: 'email_verification' as const,
          email: user.email,
          created_at: now - HOUR * 1000,
          expires_at: now - 1,
          consumed_at: null,
        })),
      )
      .execute();
    const ctx = server.app.gatehouse.ctx;
    const runs = await Promise.all(Array.from({ length: 4 }, () => new Sweeper(ctx).run()));
    const deleted = runs.reduce((sum, run) => sum + (run.account_links ?? 0), 0);
    expect(deleted).toBe(40);
    expect(await count('account_links')).toBe(before);
  });
});
