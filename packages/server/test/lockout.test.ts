import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AddressedResponse, loopback, requestFrom } from './support/addresses.js';
import { request, signInWithCookie } from './support/http.js';
import {
  CHEAP_HASHES,
  startTestServer,
  type TestServer,
  type TestUser,
  testDatabases,
} from './support/server.js';
import { useTestServer } from './support/suite-server.js';

const BURST = 100;
const THRESHOLD = 10;

/**
 * Counts the password verifications that actually run on these servers, and holds each one until
 * `release()`: every guess that got past the budget is then in flight at once, as in a real burst.
 */
function holdVerifications(servers: TestServer[]) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const counter = { started: 0, release };
  for (const server of servers) {
    const hasher = server.app.gatehouse.ctx.hasher;
    const verify = hasher.verify.bind(hasher);
    hasher.verify = async (hash, password) => {
      counter.started += 1;
      await gate;
      return verify(hash, password);
    };
  }
  return counter;
}

/** Polls until `done()` holds; the bound is generous for a loaded CI machine. */
async function until(done: () => boolean, what: string, boundMs = 15_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(testDatabases)('the account lockout under concurrency on %s', (database) => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer({ database, env: CHEAP_HASHES });
    // A second instance on the same database, as behind a load balancer.
    const url =
      first.config.database.kind === 'sqlite' ? first.config.database.path : first.config.database.url;
    second = await startTestServer({
      database,
      databaseUrl: url,
      env: { ...CHEAP_HASHES, GATEHOUSE_MASTER_KEY: first.config.masterKey! },
    });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  async function burst(servers: TestServer[], user: TestUser) {
    const counter = holdVerifications(servers);
    let refused = 0;
    const guesses: Array<Promise<AddressedResponse>> = [];
    for (let i = 0; i < BURST; i += 1) {
      const server = servers[i % servers.length]!;
      const guess = requestFrom(loopback(2 + i), `${server.url}/api/signin`, {
        body: { username: user.email, password: `wrong-guess-${i}` },
      }).then((res) => {
        if (res.status === 429) refused += 1;
        return res;
      });
      guesses.push(guess);
    }
    // Every guess is either refused or held inside a password verification.
    await until(() => refused + counter.started === BURST, 'every guess to be refused or verifying');
    const right = requestFrom(loopback(200), `${servers[0]!.url}/api/signin`, {
      body: { username: user.email, password: user.password },
    });
    counter.release();
    return { counter, answers: await Promise.all(guesses), right: await right };
  }

  it.each([
    1, 2,
  ])('evaluates no more guesses than the budget when %i instance(s) get 100 concurrent guesses from distinct addresses', async (instances) => {
    const servers = [first, second].slice(0, instances);
    const user = await first.createUser();
    const { counter, answers, right } = await burst(servers, user);

    expect(counter.started).toBe(THRESHOLD);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(THRESHOLD);
    expect(statuses.filter((s) => s === 429)).toHaveLength(BURST - THRESHOLD);
    for (const answer of answers.filter((a) => a.status === 429))
      expect(answer.body['code']).toBe('ACCOUNT_LOCKED');
    // The right password arrived after the budget was spent: it does not sign in.
    expect(right.status).toBe(429);
    expect(right.body['code']).toBe('ACCOUNT_LOCKED');
    expect(right.headers['set-cookie']).toBeUndefined();
    expect(counter.started).toBe(THRESHOLD);
  });
});

describe.each(testDatabases)('one lockout budget per account on %s', (database) => {
  let server: TestServer;
  let clock = Date.now();
  useTestServer(
    { database, now: () => clock, env: { ...CHEAP_HASHES, GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' } },
    (started) => (server = started),
  );

  const signIn = (username: string, password: string) =>
    request(server.url, '/api/signin', { body: { username, password } });

  /** A user with a username besides the e-mail. */
  async function userWithUsername(): Promise<TestUser & { username: string }> {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const username = `user${Math.random().toString(36).slice(2, 10)}`;
    const res = await request(server.url, '/api/me', { body: { username }, cookie });
    expect(res.status).toBe(200);
    return { ...user, username };
  }

  it('throttles password changes: their failures spend the same budget as sign-in', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const change = (currentPassword: string) =>
      request(server.url, '/api/me/password', {
        body: { currentPassword, newPassword: 'a brand new passphrase' },
        cookie,
      });
    for (let i = 0; i < THRESHOLD; i += 1) {
      const res = await change(`wrong-current-${i}`);
      expect(res.status).toBe(400);
      expect(res.body['code']).toBe('INVALID_PASSWORD');
    }
    const locked = await change(user.password);
    expect(locked.status).toBe(429);
    expect(locked.body['code']).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same budget: sign-in is locked too, and the password did not change.
    expect((await signIn(user.email, user.password)).status).toBe(429);
    clock += 61_000;
    expect((await signIn(user.email, user.password)).status).toBe(200);
  });

  it('counts guesses by e-mail and by username against one budget', async () => {
    const user = await userWithUsername();
    for (let i = 0; i < THRESHOLD / 2; i += 1) {
      expect((await signIn(user.email, `wrong-${i}`)).status).toBe(401);
      expect((await signIn(user.username.toUpperCase(), `wrong-${i}`)).status).toBe(401);
    }
    const locked = await signIn(user.username, user.password);
    expect(locked.status).toBe(429);
    expect(locked.body['code']).toBe('ACCOUNT_LOCKED');
    clock += 61_000;
  });

  it('forgets failures older than GATEHOUSE_LOCKOUT_DECAY_SECONDS', async () => {
    const user = await server.createUser();
    for (let i = 0; i < THRESHOLD - 1; i += 1) expect((await signIn(user.email, 'wrong')).status).toBe(401);
    clock += server.config.throttle.lockoutDecaySeconds * 1000 + 1_000;
    for (let i = 0; i < THRESHOLD - 1; i += 1) expect((await signIn(user.email, 'wrong')).status).toBe(401);
    expect((await signIn(user.email, user.password)).status).toBe(200);
  });
});
