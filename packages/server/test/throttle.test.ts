import { describe, expect, it } from 'vitest';
import { clientBucket } from '../src/features/accounts/throttle.js';
import { request } from './support/http.js';
import { type TestServer, type TestUser, testDatabases } from './support/server.js';
import { useTestServer } from './support/suite-server.js';

describe('client buckets', () => {
  it('groups IPv6 clients per /64 and keeps IPv4 addresses whole', () => {
    expect(clientBucket('2001:db8:1:2:aaaa::1')).toBe(clientBucket('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(clientBucket('2001:db8:1:2::1')).not.toBe(clientBucket('2001:db8:1:3::1'));
    expect(clientBucket('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientBucket('203.0.113.9')).not.toBe(clientBucket('203.0.113.10'));
  });
});

describe.each(testDatabases)('sign-in throttling on %s', (database) => {
  let server: TestServer;
  let clock = Date.now();
  // A high per-IP limit so that only the account lockout is under test here.
  useTestServer(
    { database, now: () => clock, env: { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' } },
    (started) => (server = started),
  );

  const attempt = (s: TestServer, username: string, password: string) =>
    request(s.url, '/api/signin', { body: { username, password } });

  it('locks an account after 10 consecutive failures, even for the right password, and keeps it locked across a restart', async () => {
    const user = await server.createUser();
    for (let i = 0; i < 10; i += 1)
      expect((await attempt(server, user.email, 'wrong-password')).status).toBe(401);
    const locked = await attempt(server, user.email, user.password);
    expect(locked.status).toBe(429);
    expect(locked.body['code']).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);

    server = await server.restart();
    expect((await attempt(server, user.email, user.password)).status).toBe(429);

    clock += 61_000;
    expect((await attempt(server, user.email, user.password)).status).toBe(200);
  });

  it('doubles the lock for each further failure, up to 15 minutes', async () => {
    const user = await server.createUser();
    for (let i = 0; i < 10; i += 1) await attempt(server, user.email, 'wrong-password');
    clock += 61_000;
    expect((await attempt(server, user.email, 'wrong-password')).status).toBe(401);
    const second = await attempt(server, user.email, user.password);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(120);
  });

  it('locks unknown identifiers the same way, so a lockout reveals no account', async () => {
    const ghost = 'nobody-here@example.test';
    for (let i = 0; i < 10; i += 1) await attempt(server, ghost, 'wrong-password');
    const res = await attempt(server, ghost, 'wrong-password');
    expect(res.status).toBe(429);
    expect(res.body['code']).toBe('ACCOUNT_LOCKED');
  });

  it('resets the failure count on success', async () => {
    const user = await server.createUser();
    for (let i = 0; i < 9; i += 1) await attempt(server, user.email, 'wrong-password');
    expect((await attempt(server, user.email, user.password)).status).toBe(200);
    for (let i = 0; i < 9; i += 1) await attempt(server, user.email, 'wrong-password');
    expect((await attempt(server, user.email, user.password)).status).toBe(200);
  });

  // The right password's reset is written with the session (accounts/throttle.ts, RightGuess): every other
  // ending of a sign-in after the hash must start the count over all the same. Nine failures and the right
  // password are ten guesses, so without the reset the account would now be locked.
  const afterNineFailures = async (user: TestUser) => {
    for (let i = 0; i < 9; i += 1)
      expect((await attempt(server, user.email, 'wrong-password')).status).toBe(401);
  };

  it('resets the failure count for the right password on a disabled account, and refuses the sign-in', async () => {
    const user = await server.createUser();
    await afterNineFailures(user);
    const { db } = server.app.gatehouse.ctx.storage;
    await db.updateTable('users').set({ disabled_at: clock }).where('id', '=', user.id).execute();
    const refused = await attempt(server, user.email, user.password);
    expect(refused.status).toBe(403);
    expect(refused.body['code']).toBe('ACCOUNT_DISABLED');
    await db.updateTable('users').set({ disabled_at: null }).where('id', '=', user.id).execute();
    expect((await attempt(server, user.email, user.password)).status).toBe(200);
  });

  it('resets the failure count for the right password that asks for a workspace not its own', async () => {
    const user = await server.createUser();
    await afterNineFailures(user);
    const refused = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password, workspace: 'not-a-workspace-of-theirs' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body['code']).toBe('NOT_A_MEMBER');
    expect((await attempt(server, user.email, user.password)).status).toBe(200);
  });

  it('resets the failure count for a token sign-in', async () => {
    const user = await server.createUser();
    await afterNineFailures(user);
    const tokens = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password, authType: 'oauth' },
    });
    expect(tokens.status).toBe(200);
    await afterNineFailures(user);
    expect((await attempt(server, user.email, user.password)).status).toBe(200);
  });
});

describe.each(testDatabases)('per-IP sign-in rate limit on %s', (database) => {
  let server: TestServer;
  useTestServer(
    { database, env: { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '5', GATEHOUSE_LOCKOUT_THRESHOLD: '100' } },
    (started) => (server = started),
  );

  it('answers 429 with Retry-After past the limit, whatever the path spelling or X-Forwarded-For', async () => {
    const paths = ['/api/signin', '/API/SIGNIN', '/api/signin/', '/api//signin', '/api/signin'];
    for (const [i, path] of paths.entries()) {
      const res = await request(server.url, path, {
        body: { username: `someone-${i}@example.test`, password: 'wrong-password' },
        headers: { 'x-forwarded-for': `198.51.100.${i}` },
      });
      expect(res.status).toBe(401);
    }
    const over = await request(server.url, '/api/signin', {
      body: { username: 'someone-else@example.test', password: 'wrong-password' },
      headers: { 'x-forwarded-for': '198.51.100.99' },
    });
    expect(over.status).toBe(429);
    expect(over.body).toEqual({ code: 'TOO_MANY_REQUESTS', message: expect.any(String) });
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});

/**
 * The client's window and the guess's reservation are one database step (features/accounts/throttle.ts,
 * `admitPasswordGuess`): a sign-in the client's limit refuses must not take a guess from the account.
 */
describe.each(testDatabases)('the per-IP limit and the account lockout together on %s', (database) => {
  let server: TestServer;
  let clock = Date.now();
  useTestServer(
    {
      database,
      now: () => clock,
      // A lock lasts 10 minutes: longer than the minute the test waits for the client's next window.
      env: {
        GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '3',
        GATEHOUSE_LOCKOUT_THRESHOLD: '4',
        GATEHOUSE_LOCKOUT_BASE_SECONDS: '600',
      },
    },
    (started) => (server = started),
  );

  const attempt = (username: string, password: string) =>
    request(server.url, '/api/signin', { body: { username, password } });

  it('takes no guess for a sign-in refused by the per-IP limit', async () => {
    const user = await server.createUser();
    for (let i = 0; i < 3; i += 1) expect((await attempt(user.email, 'wrong-password')).status).toBe(401);
    // Over the client's limit: refused before any guess. Had it taken one, it would be the fourth, which
    // locks the account, and the right password below would get 429 ACCOUNT_LOCKED.
    const over = await attempt(user.email, 'wrong-password');
    expect(over.status).toBe(429);
    expect(over.body['code']).toBe('TOO_MANY_REQUESTS');
    clock += 60_000;
    expect((await attempt(user.email, user.password)).status).toBe(200);
    // The success started the count over; the fourth consecutive failure locks, as configured (two windows:
    // the client may try three times a minute).
    for (let i = 0; i < 2; i += 1) expect((await attempt(user.email, 'wrong-password')).status).toBe(401);
    clock += 60_000;
    for (let i = 0; i < 2; i += 1) expect((await attempt(user.email, 'wrong-password')).status).toBe(401);
    const locked = await attempt(user.email, user.password);
    expect(locked.status).toBe(429);
    expect(locked.body['code']).toBe('ACCOUNT_LOCKED');
  });
});
