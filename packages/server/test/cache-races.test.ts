import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { userTag } from '../src/features/identity/principals.js';
import { UserStore } from '../src/features/identity/user-store.js';
import { SessionStore } from '../src/features/sessions/store.js';
import { request, signInWithCookie } from './support/http.js';
import { MANY_SIGN_INS, startTestServer, type TestServer, testDatabases } from './support/server.js';
import { testClock } from './support/token-session.js';

type AsyncMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * Holds the next call of a store method after its query has returned and before the caller gets the row:
 * the window in which a revocation or role change can land while the stale row is in flight.
 */
function holdNextRead(prototype: object, method: string) {
  const target = prototype as Record<string, AsyncMethod>;
  const original = target[method]!;
  let markRead!: () => void;
  let release!: () => void;
  const read = new Promise<void>((resolve) => (markRead = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  vi.spyOn(target, method).mockImplementationOnce(async function (this: unknown, ...args: unknown[]) {
    const row = await original.apply(this, args);
    markRead();
    await released;
    return row;
  });
  return { read, release };
}

/**
 * Issue 9 item 12: the user (principal) and session caches carry the same generation guard as the token
 * caches, through one cache helper (lib/ttl-cache.ts) that also runs on the injected clock.
 */
describe.each(testDatabases)('cache races on %s', (database) => {
  let server: TestServer;
  const clock = testClock();
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS, now: clock.now });
  });
  afterAll(() => server.close());
  afterEach(() => vi.restoreAllMocks());

  const me = (cookie: string) => request<{ roles: string[] }>(server.url, '/api/me', { cookie });

  it('a session read in flight during a revocation does not cache the revoked session', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const [session] = await server.app.gatehouse.sessions.list(user.id);
    const hold = holdNextRead(SessionStore.prototype, 'findByTokenHash');
    const inFlight = me(cookie);
    await hold.read;
    expect(await server.app.gatehouse.sessions.revoke(user.id, session!.id)).toBe(true);
    hold.release();
    await inFlight; // it started before the revocation: either answer is fine for it
    expect((await me(cookie)).status).toBe(401);
  });

  it('a user read in flight during a role change does not cache the old roles', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    // Start from an empty principal cache, so the next request reads the user.
    await server.app.gatehouse.ctx.bus.publish(userTag(user.id));
    const hold = holdNextRead(UserStore.prototype, 'findById');
    const inFlight = me(cookie);
    await hold.read;
    await server.app.gatehouse.admin.setUserRoles(user.id, ['admin', 'user']);
    hold.release();
    await inFlight; // it started before the change: either answer is fine for it
    expect((await me(cookie)).body.roles).toEqual(['admin', 'user']);
  });

  it('cached users expire on the injected clock', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    expect((await me(cookie)).body.roles).toEqual(['user']);
    // Behind the cache's back (no bus message): only the TTL (30 s) brings the change in.
    await server.app.gatehouse.ctx.storage.db
      .updateTable('users')
      .set({ roles: JSON.stringify(['admin', 'user']) })
      .where('id', '=', user.id)
      .execute();
    expect((await me(cookie)).body.roles).toEqual(['user']);
    clock.advance(31);
    expect((await me(cookie)).body.roles).toEqual(['admin', 'user']);
  });
});
