import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccountStore } from '../src/features/accounts/store.js';
import { createApiToken, withApiKey } from './support/api-tokens.js';
import { request, signInWithCookie } from './support/http.js';
import { accountLink, type Mailbox, startMailbox } from './support/mailbox.js';
import {
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
  uniqueEmail,
} from './support/server.js';
import { signInWithTokens, testClock } from './support/token-session.js';

const forgot = (server: TestServer, email: string) =>
  request(server.url, '/api/password/forgot', { body: { email } });
const reset = (server: TestServer, token: string, newPassword: string) =>
  request(server.url, '/api/password/reset', { body: { token, newPassword } });

describe.each(testDatabases)('password reset on %s', (database) => {
  let server: TestServer;
  let mailbox: Mailbox;
  const clock = testClock();

  beforeAll(async () => {
    mailbox = await startMailbox();
    server = await startTestServer({
      database,
      now: clock.now,
      env: { ...MANY_SIGN_INS, GATEHOUSE_SMTP_URL: mailbox.url, GATEHOUSE_MAIL_RATE_PER_HOUR: '100' },
    });
  });
  afterAll(async () => {
    await server.close();
    await mailbox.close();
  });

  /** Asks for a reset and returns the link the e-mail carries. */
  async function resetLinkFor(email: string) {
    const before = mailbox.to(email).length;
    expect((await forgot(server, email)).status).toBe(200);
    const until = Date.now() + 5_000;
    while (mailbox.to(email).length === before && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const mail = mailbox.to(email).at(-1)!;
    expect(mail.subject).toMatch(/Reset your password/);
    return accountLink(mail);
  }

  it('answers an unknown address exactly like a known one, and e-mails only the known one', async () => {
    const user = await server.createUser();
    const unknown = uniqueEmail('nobody');
    const a = await forgot(server, unknown);
    const b = await forgot(server, user.email);
    expect(a.status).toBe(200);
    expect(b.status).toBe(a.status);
    expect(b.body).toEqual(a.body);
    const mail = await mailbox.waitFor(user.email, /Reset your password/);
    expect(mail.html).toContain('/account/reset-password?token=');
    await server.app.gatehouse.mailer.idle();
    expect(mailbox.to(unknown)).toEqual([]);
  });

  // Issue 9 (security leftovers): this compared median answer times (25 ms apart at most), which failed
  // under load. What makes the times equal is structural, so that is what is tested: the answer never waits
  // for the account look-up. With every look-up held, known and unknown addresses are still answered, alike,
  // and only afterwards does the look-up (the one step that depends on the address) proceed.
  it('answers known and unknown addresses before the account look-up, so timing cannot tell them apart', async () => {
    const user = await server.createUser();
    const ghost = uniqueEmail('ghost');
    const lookUp = AccountStore.prototype.findByEmail;
    const looked: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held = vi.spyOn(AccountStore.prototype, 'findByEmail').mockImplementation(async function (
      this: AccountStore,
      email: string,
    ) {
      looked.push(email);
      await released;
      return lookUp.call(this, email);
    });
    try {
      const answers = [await forgot(server, user.email), await forgot(server, ghost)];
      // Both answered while their look-ups were still held: the answer did not wait for either.
      expect(answers.map((res) => [res.status, res.body])).toEqual([
        [200, answers[0]!.body],
        [200, answers[0]!.body],
      ]);
      const until = Date.now() + 5_000; // the look-up starts right after the answer; poll for it, bounded
      while (looked.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      expect(looked).toEqual([user.email, ghost]);
      expect(mailbox.to(user.email)).toEqual([]);
    } finally {
      release();
      held.mockRestore();
    }
    await mailbox.waitFor(user.email, /Reset your password/);
    await server.app.gatehouse.mailer.idle();
    expect(mailbox.to(ghost)).toEqual([]);
  });

  it('follows the link: the page sets the password, every sign-in ends, API tokens keep working', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const { token: apiToken } = await createApiToken(server, cookie);
    const link = await resetLinkFor(user.email);

    const pageRes = await fetch(server.url + link.path);
    expect(pageRes.status).toBe(200);
    expect(pageRes.headers.get('cache-control')).toBe('no-store');
    expect(pageRes.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await pageRes.text();
    expect(html).toContain('name="newPassword"');
    const action = /action="([^"]+)"/.exec(html)![1]!;

    const submitted = await fetch(server.url + action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: link.token, newPassword: 'a brand new secret' }).toString(),
    });
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toContain('Your password is set');

    expect((await request(server.url, '/api/me', { cookie })).status).toBe(401);
    const bearer = await request(server.url, '/api/me', {
      headers: { authorization: `Bearer ${pair.token}` },
    });
    expect(bearer.status).toBe(401);
    const refreshed = await request(server.url, '/api/token/refresh', {
      body: { refreshToken: pair.refreshToken },
    });
    expect(refreshed.status).toBe(401);
    expect((await request(server.url, '/api/me', withApiKey(apiToken))).status).toBe(200);
    expect(
      (await request(server.url, '/api/signin', { body: { username: user.email, password: user.password } }))
        .status,
    ).toBe(401);
    await signInWithCookie(server.url, user.email, 'a brand new secret');
    // A used link proved the mailbox.
    const me = await request(server.url, '/api/me', withApiKey(apiToken));
    expect(me.body['emailVerified']).toBe(true);
  });

  it('refuses a reused, expired or superseded link with one answer, and a weak password without burning the link', async () => {
    const user = await server.createUser();
    const first = await resetLinkFor(user.email);

    const weak = await reset(server, first.token, 'password');
    expect(weak.status).toBe(400);
    expect(weak.body['code']).toBe('VALIDATION_ERROR');

    expect((await reset(server, first.token, 'first new secret')).status).toBe(200);
    const reused = await reset(server, first.token, 'second new secret');
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ code: 'LINK_INVALID', message: expect.any(String) });

    // A newer link supersedes an older one.
    const older = await resetLinkFor(user.email);
    const newer = await resetLinkFor(user.email);
    expect((await reset(server, older.token, 'third new secret')).body).toEqual(reused.body);

    // A password change invalidates a pending link.
    const cookie = await signInWithCookie(server.url, user.email, 'first new secret');
    const changed = await request(server.url, '/api/me/password', {
      cookie,
      body: { currentPassword: 'first new secret', newPassword: 'changed by hand' },
    });
    expect(changed.status).toBe(200);
    expect((await reset(server, newer.token, 'fourth new secret')).body).toEqual(reused.body);

    // Links die after 30 minutes.
    const late = await resetLinkFor(user.email);
    clock.advance(31 * 60);
    expect((await reset(server, late.token, 'fifth new secret')).body).toEqual(reused.body);
    expect((await fetch(server.url + late.path)).status).toBe(400);
    expect((await reset(server, 'never-issued', 'sixth new secret')).body).toEqual(reused.body);
  });

  it('lets a sign-up verification link expire after 24 hours, like any unusable link', async () => {
    const email = uniqueEmail('late');
    const signup = await request(server.url, '/api/signup', { body: { email, password: 'a-long-password' } });
    expect(signup.status).toBe(200);
    const link = accountLink(await mailbox.waitFor(email, /Confirm your e-mail/));
    clock.advance(25 * 60 * 60);
    const late = await request(server.url, '/api/email/verify', { body: { token: link.token } });
    expect(late.body).toEqual({ code: 'LINK_INVALID', message: expect.any(String) });
  });

  it('lets one of two simultaneous uses of a link win', async () => {
    const user = await server.createUser();
    const link = await resetLinkFor(user.email);
    const results = await Promise.all([
      reset(server, link.token, 'racing secret one'),
      reset(server, link.token, 'racing secret two'),
      reset(server, link.token, 'racing secret three'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
    const winner = ['racing secret one', 'racing secret two', 'racing secret three'][
      results.findIndex((r) => r.status === 200)
    ]!;
    await signInWithCookie(server.url, user.email, winner);
  });

  it('retries a failed send and logs nothing different to the requester', async () => {
    const user = await server.createUser();
    mailbox.failNext(1);
    const res = await forgot(server, user.email);
    expect(res.status).toBe(200);
    // The first attempt is refused (451); the retry comes after 1 s.
    await mailbox.waitFor(user.email, /Reset your password/, 6_000);
  });
});

describe.each(testDatabases)('password reset and verification limits on %s', (database) => {
  it('throttles per address and per client IP with 429 whether or not the account exists', async () => {
    const mailbox = await startMailbox();
    const server = await startTestServer({
      database,
      env: { GATEHOUSE_SMTP_URL: mailbox.url, GATEHOUSE_MAIL_RATE_PER_HOUR: '2' },
    });
    try {
      const email = uniqueEmail('flood');
      expect((await forgot(server, email)).status).toBe(200);
      expect((await forgot(server, email)).status).toBe(200);
      const third = await forgot(server, email);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      // Per IP: four times the per-address budget, across addresses.
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await forgot(server, uniqueEmail('spray'))).status);
      expect(statuses).toContain(429);
    } finally {
      await server.close();
      await mailbox.close();
    }
  });

  it('throttles verification resends per address the same way', async () => {
    const mailbox = await startMailbox();
    const server = await startTestServer({
      database,
      env: { GATEHOUSE_SMTP_URL: mailbox.url, GATEHOUSE_MAIL_RATE_PER_HOUR: '2' },
    });
    try {
      const email = uniqueEmail('resend');
      const resend = () => request(server.url, '/api/email/verify/resend', { body: { email } });
      expect([(await resend()).status, (await resend()).status, (await resend()).status]).toEqual([
        200, 200, 429,
      ]);
    } finally {
      await server.close();
      await mailbox.close();
    }
  });
});

describe('mail set-up', () => {
  it('writes messages to the log in development without SMTP, and is off in production', async () => {
    const lines: string[] = [];
    const dev = await startTestServer({ logStream: { write: (line) => void lines.push(line) } });
    try {
      const user = await dev.createUser();
      expect((await forgot(dev, user.email)).status).toBe(200);
      const until = Date.now() + 5_000;
      while (!lines.some((l) => l.includes('/account/reset-password?token=')) && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lines.find((l) => l.includes('/account/reset-password?token='))).toContain('development');
    } finally {
      await dev.close();
    }
    const production = await startTestServer({ env: { NODE_ENV: 'production' } });
    try {
      const res = await forgot(production, uniqueEmail());
      expect(res.status).toBe(503);
      expect(res.body['code']).toBe('MAIL_DISABLED');
    } finally {
      await production.close();
    }
  });
});
