import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../src/features/second-factor/totp.js';
import { configureAuth } from './support/api-tokens.js';
import { request, signInWithCookie } from './support/http.js';
import {
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  type TestUser,
  testDatabases,
} from './support/server.js';
import { testClock } from './support/token-session.js';

interface Challenge {
  code: string;
  challenge: string;
  expiresIn: number;
  methods: string[];
}

describe.each(testDatabases)('TOTP second factor on %s', (database) => {
  let server: TestServer;
  const clock = testClock();

  beforeAll(async () => {
    server = await startTestServer({ database, now: clock.now, env: MANY_SIGN_INS });
  });
  afterAll(() => server.close());

  /** Enrols a user and returns their secret and recovery codes. */
  async function enrol(user: TestUser) {
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const started = await request<{ secret: string; otpauthUri: string }>(
      server.url,
      '/api/me/second-factor/totp',
      {
        cookie,
        method: 'POST',
      },
    );
    expect(started.status).toBe(201);
    expect(started.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Gatehouse:.+\?.*secret=/);
    const wrong = await request(server.url, '/api/me/second-factor/totp/confirm', {
      cookie,
      body: { code: '000000' },
    });
    expect(wrong.status).toBe(400);
    const confirmed = await request<{ recoveryCodes: string[] }>(
      server.url,
      '/api/me/second-factor/totp/confirm',
      {
        cookie,
        body: { code: currentTotp(started.body.secret, clock.now()) },
      },
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    // The next code window, so sign-ins in the test do not reuse the confirmation's code.
    clock.advance(30);
    return { secret: started.body.secret, recoveryCodes: confirmed.body.recoveryCodes, cookie };
  }

  const signin = (user: TestUser, authType: 'cookie' | 'oauth' = 'cookie') =>
    request<Challenge>(server.url, '/api/signin', {
      body: { username: user.email, password: user.password, authType },
    });
  const complete = (body: Record<string, string>) =>
    request<{ payload: Record<string, unknown> }>(server.url, '/api/signin/second-factor', { body });

  it('enrols with a first code, then asks every password sign-in for a code (cookie and token alike)', async () => {
    const user = await server.createUser();
    const { secret } = await enrol(user);
    const first = await signin(user);
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ code: 'SECOND_FACTOR_REQUIRED', methods: ['totp', 'recovery_code'] });
    expect(first.cookies).toEqual([]);
    const done = await complete({ challenge: first.body.challenge, code: currentTotp(secret, clock.now()) });
    expect(done.status).toBe(200);
    expect(done.cookies.some((c) => c.includes('gatehouse_session='))).toBe(true);
    expect((done.body.payload['user'] as Record<string, unknown>)['secondFactorEnabled']).toBe(true);

    clock.advance(30);
    const tokenSignin = await signin(user, 'oauth');
    expect(tokenSignin.status).toBe(401);
    const tokens = await complete({
      challenge: tokenSignin.body.challenge,
      code: currentTotp(secret, clock.now()),
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body.payload).toMatchObject({ tokenType: 'Bearer', token: expect.any(String) });
  });

  it('refuses a replayed code, and lets one of two simultaneous uses of a code win', async () => {
    const user = await server.createUser();
    const { secret } = await enrol(user);
    const [a, b] = [await signin(user), await signin(user)];
    const code = currentTotp(secret, clock.now());
    const results = await Promise.all([
      complete({ challenge: a.body.challenge, code }),
      complete({ challenge: b.body.challenge, code }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const loser = results.find((r) => r.status === 401)!;
    expect(loser.body).toMatchObject({ code: 'INVALID_SECOND_FACTOR' });
    // The same code later (still inside its window) is a replay.
    const c = await signin(user);
    expect((await complete({ challenge: c.body.challenge, code })).status).toBe(401);
  });

  it('completes with a recovery code once, and a challenge only once', async () => {
    const user = await server.createUser();
    const { recoveryCodes, secret } = await enrol(user);
    const a = await signin(user);
    const withRecovery = await complete({
      challenge: a.body.challenge,
      recoveryCode: recoveryCodes[0]!.toLowerCase(),
    });
    expect(withRecovery.status).toBe(200);
    const again = await complete({ challenge: a.body.challenge, code: currentTotp(secret, clock.now()) });
    expect(again.body).toMatchObject({ code: 'CHALLENGE_INVALID' });
    const b = await signin(user);
    expect((await complete({ challenge: b.body.challenge, recoveryCode: recoveryCodes[0]! })).status).toBe(
      401,
    );
    const status = await request(server.url, '/api/me/second-factor', {
      cookie: withRecovery.cookies.find((c) => c.includes('gatehouse_session='))!,
    });
    expect(status.body).toMatchObject({ enabled: true, recoveryCodesLeft: 9 });
  });

  it('regenerates the recovery codes with a proof: the old ones stop working, the new ones work', async () => {
    const user = await server.createUser();
    const { recoveryCodes: old, secret } = await enrol(user);
    const a = await signin(user);
    const done = await complete({ challenge: a.body.challenge, code: currentTotp(secret, clock.now()) });
    const cookie = done.cookies.find((c) => c.includes('gatehouse_session='))!;
    clock.advance(10 * 60);
    const stale = await request(server.url, '/api/me/second-factor/recovery-codes', { cookie, body: {} });
    expect(stale.body['code']).toBe('REAUTHENTICATION_REQUIRED');
    const wrong = await request(server.url, '/api/me/second-factor/recovery-codes', {
      cookie,
      body: { password: 'not the password' },
    });
    expect(wrong.status).toBe(403);
    const fresh = await request<{ recoveryCodes: string[] }>(
      server.url,
      '/api/me/second-factor/recovery-codes',
      { cookie, body: { password: user.password } },
    );
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('cache-control')).toBe('no-store');
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expect(fresh.body.recoveryCodes).not.toContain(old[1]);
    const b = await signin(user);
    expect((await complete({ challenge: b.body.challenge, recoveryCode: old[1]! })).status).toBe(401);
    const c = await signin(user);
    expect(
      (await complete({ challenge: c.body.challenge, recoveryCode: fresh.body.recoveryCodes[0]! })).status,
    ).toBe(200);
  });

  it('stops brute force with the per-account budget, even with the right code after it', async () => {
    const user = await server.createUser();
    const { secret } = await enrol(user);
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      const { body } = await signin(user);
      for (let i = 0; i < 4; i++) {
        const res = await complete({
          challenge: body.challenge ?? 'locked',
          code: String(100000 + round * 10 + i),
        });
        statuses.push(res.status);
      }
    }
    expect(statuses).toContain(429);
    const last = await signin(user);
    expect(last.status).toBe(429);
    expect(last.body.code).toBe('ACCOUNT_LOCKED');
    // The right code does not get past the lock either.
    const right = await complete({ challenge: 'any', code: currentTotp(secret, clock.now()) });
    expect(right.status).toBe(401);
  });

  it('turns off only with a current code or a recent sign-in', async () => {
    const user = await server.createUser();
    const { secret } = await enrol(user);
    const a = await signin(user);
    const done = await complete({ challenge: a.body.challenge, code: currentTotp(secret, clock.now()) });
    const cookie = done.cookies.find((c) => c.includes('gatehouse_session='))!;
    clock.advance(10 * 60);
    const stale = await request(server.url, '/api/me/second-factor/disable', { cookie, body: {} });
    expect(stale.status).toBe(403);
    expect(stale.body['code']).toBe('REAUTHENTICATION_REQUIRED');
    const off = await request(server.url, '/api/me/second-factor/disable', {
      cookie,
      body: { code: currentTotp(secret, clock.now()) },
    });
    expect(off.status).toBe(200);
    expect((await signin(user)).status).toBe(200);
  });

  it('enforces an admin policy requiring a second factor: enrol first, then everything else', async () => {
    const admin = await server.createUser({ admin: true });
    const adminCookie = await signInWithCookie(server.url, admin.email, admin.password);
    await configureAuth(server, adminCookie, { requireSecondFactor: 'everyone' });
    try {
      const user = await server.createUser();
      const cookie = await signInWithCookie(server.url, user.email, user.password);
      const blocked = await request(server.url, '/api/workspaces', { cookie });
      expect(blocked.status).toBe(403);
      expect(blocked.body['code']).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
      expect((await request(server.url, '/api/me', { cookie })).status).toBe(200);
      const { cookie: after } = await enrol(user);
      expect((await request(server.url, '/api/workspaces', { cookie: after })).status).toBe(200);
    } finally {
      await server.app.gatehouse.authConfig.update({ requireSecondFactor: 'off' });
    }
  });

  it('can require a second factor of admins only, for cookie and token sign-ins alike', async () => {
    const admin = await server.createUser({ admin: true });
    const adminCookie = await signInWithCookie(server.url, admin.email, admin.password);
    await configureAuth(server, adminCookie, { requireSecondFactor: 'admins' });
    try {
      const user = await server.createUser();
      const userCookie = await signInWithCookie(server.url, user.email, user.password);
      expect((await request(server.url, '/api/workspaces', { cookie: userCookie })).status).toBe(200);
      // The admin who set it is held back too, by cookie and by bearer token, until they enrol.
      const blocked = await request(server.url, '/api/admin/users', { cookie: adminCookie });
      expect(blocked.status).toBe(403);
      expect(blocked.body['code']).toBe('SECOND_FACTOR_ENROLMENT_REQUIRED');
      const tokens = await signin(admin, 'oauth');
      const bearer = {
        headers: {
          authorization: `Bearer ${(tokens.body as unknown as { payload: { token: string } }).payload.token}`,
        },
      };
      expect((await request(server.url, '/api/admin/users', bearer)).body['code']).toBe(
        'SECOND_FACTOR_ENROLMENT_REQUIRED',
      );
      const { cookie: after } = await enrol(admin);
      expect((await request(server.url, '/api/admin/users', { cookie: after })).status).toBe(200);
    } finally {
      await server.app.gatehouse.authConfig.update({ requireSecondFactor: 'off' });
    }
  });
});
