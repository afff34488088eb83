import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenExpiryNotices, NOTICE_LEASE_MS } from '../src/features/api-tokens/expiry-notices.js';
import { SWEEP_BATCH, Sweeper } from '../src/features/housekeeping/sweep.js';
import { type ApiTokenJson, configureAuth, createApiToken, withApiKey } from './support/api-tokens.js';
import { request, signInWithCookie } from './support/http.js';
import { twoInstances } from './support/instances.js';
import { type Mailbox, startMailbox } from './support/mailbox.js';
import { MANY_SIGN_INS, startTestServer, type TestServer, testDatabases } from './support/server.js';
import { testClock } from './support/token-session.js';

interface Rotated {
  token: string;
  apiToken: ApiTokenJson;
  rotated: ApiTokenJson;
  code?: string;
}

const DAY = 86_400;

function rotate(server: TestServer, cookie: string, id: string, body: Record<string, unknown> = {}) {
  return request<Rotated>(server.url, `/api/me/api-tokens/${id}/rotate`, { cookie, body });
}

describe.each(testDatabases)('API-token rotation on %s', (database) => {
  let server: TestServer;
  let mailbox: Mailbox;
  const clock = testClock();

  beforeAll(async () => {
    mailbox = await startMailbox();
    server = await startTestServer({
      database,
      now: clock.now,
      env: { ...MANY_SIGN_INS, GATEHOUSE_SMTP_URL: mailbox.url },
    });
  });
  afterAll(async () => {
    await server.close();
    await mailbox.close();
  });

  async function storedIds(ids: string[]): Promise<string[]> {
    const rows = await server.app.gatehouse.ctx.storage.db
      .selectFrom('api_tokens')
      .select('id')
      .where('id', 'in', ids)
      .execute();
    return rows.map((r) => r.id);
  }

  async function owner() {
    const user = await server.createUser();
    return { user, cookie: await signInWithCookie(server.url, user.email, user.password) };
  }

  it('mints a successor with the same settings; both work during the overlap, linked in the listing', async () => {
    const { user, cookie } = await owner();
    const old = await createApiToken(server, cookie, {
      nickname: 'CI deploy',
      scopes: ['profile:read'],
      expiresAt: '90d',
    });
    const res = await rotate(server, cookie, old.apiToken._id, { overlap: '2h' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.apiToken).toMatchObject({
      nickname: 'CI deploy',
      scopes: ['profile:read'],
      status: 'active',
      replaces: old.apiToken._id,
    });
    expect(Date.parse(res.body.apiToken.expiresAt!) - clock.now()).toBeGreaterThan(89 * DAY * 1000);
    expect(res.body.rotated).toMatchObject({
      _id: old.apiToken._id,
      status: 'rotating',
      rotation: { successor: res.body.apiToken._id },
    });
    expect(Date.parse(res.body.rotated.rotation!.endsAt) - clock.now()).toBeGreaterThan(7_100_000);

    const withOld = await request(server.url, '/api/me', withApiKey(old.token));
    expect(withOld.status).toBe(200);
    expect(withOld.headers.get('warning')).toMatch(/^299 gatehouse ".*rotated.*"$/);
    const withNew = await request(server.url, '/api/me', withApiKey(res.body.token));
    expect(withNew.status).toBe(200);
    expect(withNew.headers.get('warning')).toBeNull();

    const listing = await request<ApiTokenJson[]>(server.url, '/api/me/api-tokens', { cookie });
    const byId = new Map(listing.body.map((t) => [t._id, t]));
    expect(byId.get(old.apiToken._id)).toMatchObject({ status: 'rotating', lastUsedAt: expect.any(String) });
    expect(byId.get(res.body.apiToken._id)).toMatchObject({ replaces: old.apiToken._id });

    clock.advance(2 * 3600 + 1);
    const after = await request(server.url, '/api/me', withApiKey(old.token));
    expect(after.status).toBe(401);
    expect(after.body['code']).toBe('INVALID_API_TOKEN');
    expect((await request(server.url, '/api/me', withApiKey(res.body.token))).status).toBe(200);
    // The session idled out while the clock moved: sign in again to read the listing.
    const fresh = await signInWithCookie(server.url, user.email, user.password);
    const later = await request<ApiTokenJson[]>(server.url, '/api/me/api-tokens', { cookie: fresh });
    expect(later.body.map((t) => t._id)).toEqual([res.body.apiToken._id]);
    // The housekeeping sweep then deletes the rotated-out row; the successor stays.
    await server.app.gatehouse.sweeper.run();
    expect(await storedIds([old.apiToken._id, res.body.apiToken._id])).toEqual([res.body.apiToken._id]);
  });

  it('allows revoking the old token early, and refuses rotating a rotating token', async () => {
    const { cookie } = await owner();
    const old = await createApiToken(server, cookie);
    // No body at all: the default overlap, 24 hours.
    const res = await request<Rotated>(server.url, `/api/me/api-tokens/${old.apiToken._id}/rotate`, {
      cookie,
      method: 'POST',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const overlapMs = Date.parse(res.body.rotated.rotation!.endsAt) - clock.now();
    expect(overlapMs).toBeGreaterThan(23.9 * 3600 * 1000);
    expect(overlapMs).toBeLessThanOrEqual(24 * 3600 * 1000);
    const again = await rotate(server, cookie, old.apiToken._id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('API_TOKEN_ROTATING');
    expect(
      (await request(server.url, `/api/me/api-tokens/${old.apiToken._id}`, { cookie, method: 'DELETE' }))
        .status,
    ).toBe(200);
    expect((await request(server.url, '/api/me', withApiKey(old.token))).status).toBe(401);
    expect((await request(server.url, '/api/me', withApiKey(res.body.token))).status).toBe(200);
  });

  it('yields one successor when rotations of one token race', async () => {
    const { cookie } = await owner();
    const old = await createApiToken(server, cookie);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => rotate(server, cookie, old.apiToken._id)),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
    const listing = await request<ApiTokenJson[]>(server.url, '/api/me/api-tokens', { cookie });
    expect(listing.body).toHaveLength(2);
  });

  it("applies creation's rules: bad overlap, API-token authentication, the per-user limit", async () => {
    const { cookie } = await owner();
    const old = await createApiToken(server, cookie);
    for (const overlap of ['8d', 'soon', '1h30m', '3600', -1, 1.5, 7 * DAY + 1])
      expect((await rotate(server, cookie, old.apiToken._id, { overlap })).status).toBe(400);
    const byKey = await request(server.url, `/api/me/api-tokens/${old.apiToken._id}/rotate`, {
      ...withApiKey(old.token),
      body: {},
    });
    expect(byKey.status).toBe(403);
    expect((byKey.body as { code?: string }).code).toBe('CREDENTIAL_NOT_ALLOWED');
    expect((await rotate(server, cookie, 'nope')).status).toBe(404);

    const admin = await server.createUser({ admin: true });
    const adminCookie = await signInWithCookie(server.url, admin.email, admin.password);
    await configureAuth(server, adminCookie, { maxTokensPerUser: 1 });
    try {
      const full = await rotate(server, cookie, old.apiToken._id);
      expect(full.status, JSON.stringify(full.body)).toBe(409);
      expect(full.body.code).toBe('MAX_TOKENS_REACHED');
      // Refused as a whole: the old token is not left rotating.
      expect((await request(server.url, '/api/me', withApiKey(old.token))).headers.get('warning')).toBeNull();
      // With no overlap the old token ends at once, so a user at the limit can still rotate.
      const instant = await rotate(server, cookie, old.apiToken._id, { overlap: 0 });
      expect(instant.status).toBe(201);
      expect((await request(server.url, '/api/me', withApiKey(old.token))).status).toBe(401);
      expect((await request(server.url, '/api/me', withApiKey(instant.body.token))).status).toBe(200);
    } finally {
      await configureAuth(server, adminCookie, { maxTokensPerUser: 50 });
    }
    // The longest overlap, given in seconds, is accepted.
    const longest = await createApiToken(server, cookie);
    const week = await rotate(server, cookie, longest.apiToken._id, { overlap: 7 * DAY });
    expect(week.status).toBe(201);
    expect(Date.parse(week.body.rotated.rotation!.endsAt) - clock.now()).toBeGreaterThan(
      7 * DAY * 1000 - 60_000,
    );
  });

  it('keeps the per-user limit when rotations and a creation race', async () => {
    const { cookie } = await owner();
    const first = await createApiToken(server, cookie, { nickname: 'first' });
    const second = await createApiToken(server, cookie, { nickname: 'second' });
    const admin = await server.createUser({ admin: true });
    const adminCookie = await signInWithCookie(server.url, admin.email, admin.password);
    await configureAuth(server, adminCookie, { maxTokensPerUser: 3 });
    try {
      // Each of these needs one more live token; only one fits.
      const results = await Promise.all([
        rotate(server, cookie, first.apiToken._id, { overlap: '1h' }),
        rotate(server, cookie, second.apiToken._id, { overlap: '1h' }),
        request(server.url, '/api/me/api-tokens', { cookie, body: { nickname: 'third', expiresAt: '30d' } }),
      ]);
      expect(results.filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
      for (const refused of results.filter((r) => r.status !== 201))
        expect((refused.body as { code?: string }).code).toBe('MAX_TOKENS_REACHED');
      const listing = await request<ApiTokenJson[]>(server.url, '/api/me/api-tokens', { cookie });
      expect(listing.body.length).toBeLessThanOrEqual(3);
      // A refused rotation left its token active, not rotating with no successor.
      for (const token of listing.body)
        if (token.status === 'rotating')
          expect(listing.body.map((t) => t._id)).toContain(token.rotation?.successor);
    } finally {
      await configureAuth(server, adminCookie, { maxTokensPerUser: 50 });
    }
  });

  it('applies the admin policy as creation does: roles allowed to hold tokens, never-expiring tokens', async () => {
    const { cookie } = await owner();
    const admin = await server.createUser({ admin: true });
    const adminCookie = await signInWithCookie(server.url, admin.email, admin.password);
    await configureAuth(server, adminCookie, { allowNeverExpiring: true });
    const forever = await createApiToken(server, cookie, { nickname: 'forever', expiresAt: 'never' });
    const dated = await createApiToken(server, cookie, { nickname: 'dated', expiresAt: '30d' });
    try {
      await configureAuth(server, adminCookie, { allowNeverExpiring: false });
      const never = await rotate(server, cookie, forever.apiToken._id);
      expect(never.status).toBe(403);
      expect(never.body.code).toBe('NEVER_EXPIRING_NOT_ALLOWED');

      await configureAuth(server, adminCookie, { tokenAuthenticationPermissions: { roles: ['admin'] } });
      const refused = await rotate(server, cookie, dated.apiToken._id);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('API_TOKENS_NOT_ALLOWED');

      await configureAuth(server, adminCookie, { allowUserTokenAuthentication: false });
      const disabled = await rotate(server, cookie, dated.apiToken._id);
      expect(disabled.status).toBe(403);
      expect(disabled.body.code).toBe('API_TOKENS_DISABLED');
    } finally {
      await configureAuth(server, adminCookie, {
        allowUserTokenAuthentication: true,
        allowNeverExpiring: false,
        tokenAuthenticationPermissions: { roles: ['*'] },
      });
    }
    // Every refusal left the tokens as they were: active, rotatable.
    const listing = await request<ApiTokenJson[]>(server.url, '/api/me/api-tokens', { cookie });
    expect(listing.body.map((t) => t.status)).toEqual(['active', 'active']);
    expect((await rotate(server, cookie, dated.apiToken._id)).status).toBe(201);
  });

  it('warns only inside the last 7 days, marks the listing, and e-mails 7 days and 1 day before expiry once each', async () => {
    const { user, cookie } = await owner();
    const created = await createApiToken(server, cookie, { nickname: 'nightly', expiresAt: '30d' });
    expect(
      (await request(server.url, '/api/me', withApiKey(created.token))).headers.get('warning'),
    ).toBeNull();
    // Two sweepers on one database, each with its own notice job, as two instances would run them.
    const { ctx, mailer, sweeper } = server.app.gatehouse;
    const other = new Sweeper(ctx, SWEEP_BATCH, [new ApiTokenExpiryNotices(ctx, mailer)]);
    // Other tests' tokens may come due too: count this user's mail, after the mailer has delivered it.
    const sweepBoth = async () => {
      await Promise.all([sweeper.run(), other.run()]);
      await mailer.idle();
      return mailbox.to(user.email).length;
    };
    expect(await sweepBoth()).toBe(0);

    // 7 days and an hour left: outside the window.
    clock.advance(23 * DAY - 3600);
    const before = await request(server.url, '/api/me', withApiKey(created.token));
    expect(before.headers.get('warning')).toBeNull();
    expect(await sweepBoth()).toBe(0);

    // 6 days and 23 hours left: inside it.
    clock.advance(2 * 3600);
    const near = await request(server.url, '/api/me', withApiKey(created.token));
    expect(near.headers.get('warning')).toMatch(/^299 gatehouse "This API token expires at .*; rotate it/);
    // On errors too, so that a CI log shows it whatever the step did.
    const missing = await request(server.url, '/api/workspaces/no-such-workspace', withApiKey(created.token));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('warning')).toMatch(/^299 gatehouse "This API token expires at /);
    const fresh = await signInWithCookie(server.url, user.email, user.password);
    const listing = await request<ApiTokenJson[]>(server.url, '/api/me/api-tokens', { cookie: fresh });
    expect(listing.body[0]).toMatchObject({ expiresSoon: true });
    // A cookie session never gets one.
    const bySession = await request(server.url, '/api/me', { cookie: fresh });
    expect(bySession.status).toBe(200);
    expect(bySession.headers.get('warning')).toBeNull();
    await sweepBoth();
    const week = await mailbox.waitFor(user.email, /"nightly" expires in 7 days/);
    expect(week.text).toContain('rotate');
    expect(await sweepBoth()).toBe(1);

    clock.advance(6 * DAY);
    await sweepBoth();
    await mailbox.waitFor(user.email, /"nightly" expires tomorrow/);
    expect(await sweepBoth()).toBe(2);
  });

  it('retries an expiry notice whose send failed, once across two instances, and one whose holder died', async () => {
    const { ctx, mailer, sweeper } = server.app.gatehouse;
    const other = new Sweeper(ctx, SWEEP_BATCH, [new ApiTokenExpiryNotices(ctx, mailer)]);
    const sweepBoth = async () => {
      await Promise.all([sweeper.run(), other.run()]);
      await mailer.idle();
    };
    // Other tests' tokens that are due get their notices now, so that the failures below hit ours.
    await sweepBoth();
    const { user, cookie } = await owner();
    const created = await createApiToken(server, cookie, {
      nickname: 'flaky',
      expiresAt: new Date(clock.now() + 5 * DAY * 1000).toISOString(),
    });
    const stored = () =>
      ctx.storage.db
        .selectFrom('api_tokens')
        .select(['expiry_notices', 'expiry_notice_lease'])
        .where('id', '=', created.apiToken._id)
        .executeTakeFirstOrThrow();

    // The mail server refuses for now: nothing arrives, and the notice is still due, held by nobody.
    mailbox.failNext(1);
    await sweepBoth();
    expect(mailbox.to(user.email)).toHaveLength(0);
    expect(await stored()).toEqual({ expiry_notices: 0, expiry_notice_lease: null });

    // It works again: the next sweeps, on both instances at once, deliver the notice exactly once.
    await sweepBoth();
    await mailbox.waitFor(user.email, /"flaky" expires in 5 days/);
    await sweepBoth();
    expect(mailbox.to(user.email)).toHaveLength(1);
    expect(await stored()).toMatchObject({ expiry_notices: 1, expiry_notice_lease: null });

    // An instance that died while sending left its lease: nobody sends until it runs out, then one does.
    clock.advance(4 * DAY);
    const lease = clock.now() + NOTICE_LEASE_MS;
    await ctx.storage.db
      .updateTable('api_tokens')
      .set({ expiry_notice_lease: lease })
      .where('id', '=', created.apiToken._id)
      .execute();
    await sweepBoth();
    expect(mailbox.to(user.email)).toHaveLength(1);
    clock.advance(NOTICE_LEASE_MS / 1000);
    await sweepBoth();
    await mailbox.waitFor(user.email, /"flaky" expires tomorrow/);
    await sweepBoth();
    expect(mailbox.to(user.email)).toHaveLength(2);
  });

  it('gives up on a notice the mail server refuses for good, and still sends the next one', async () => {
    const { ctx, mailer, sweeper } = server.app.gatehouse;
    const sweep = async () => {
      await sweeper.run();
      await mailer.idle();
    };
    await sweep();
    const { user, cookie } = await owner();
    const created = await createApiToken(server, cookie, {
      nickname: 'bounced',
      expiresAt: new Date(clock.now() + 3 * DAY * 1000).toISOString(),
    });
    mailbox.rejectNext(1);
    await sweep();
    await sweep();
    expect(mailbox.to(user.email)).toHaveLength(0);
    const row = await ctx.storage.db
      .selectFrom('api_tokens')
      .select(['expiry_notices', 'expiry_notice_lease'])
      .where('id', '=', created.apiToken._id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ expiry_notices: 1, expiry_notice_lease: null });
    clock.advance(2 * DAY + 60);
    await sweep();
    await mailbox.waitFor(user.email, /"bounced" expires tomorrow/);
  });
});

describe.runIf(testDatabases.includes('postgres'))('API-token rotation on two PostgreSQL instances', () => {
  let a: TestServer;
  let b: TestServer;
  let mailbox: Mailbox;
  const clock = testClock();

  beforeAll(async () => {
    mailbox = await startMailbox();
  });
  afterAll(() => mailbox.close());
  twoInstances(
    { env: () => ({ GATEHOUSE_SMTP_URL: mailbox.url }), now: clock.now },
    (started) => ({ a, b } = started),
  );

  it('serves both tokens on every instance during the overlap and refuses the old one on every instance after it', async () => {
    const user = await a.createUser();
    const cookie = await signInWithCookie(a.url, user.email, user.password);
    const old = await createApiToken(a, cookie);
    // Warm B's cache with the old token before the rotation on A.
    expect((await request(b.url, '/api/me', withApiKey(old.token))).headers.get('warning')).toBeNull();
    const res = await rotate(a, cookie, old.apiToken._id, { overlap: '1h' });
    for (const server of [a, b]) {
      const withOld = await request(server.url, '/api/me', withApiKey(old.token));
      expect(withOld.status).toBe(200);
      expect(withOld.headers.get('warning')).toMatch(/rotated/);
      expect((await request(server.url, '/api/me', withApiKey(res.body.token))).status).toBe(200);
    }
    // The overlap's end travels with the cached token: no message is needed for B to refuse it after.
    clock.advance(3601);
    for (const server of [a, b])
      expect((await request(server.url, '/api/me', withApiKey(old.token))).status).toBe(401);
  });

  it('refuses an old token revoked early on A on B too, within the revocation bound', async () => {
    const user = await a.createUser();
    const cookie = await signInWithCookie(a.url, user.email, user.password);
    const old = await createApiToken(a, cookie);
    const res = await rotate(a, cookie, old.apiToken._id, { overlap: '7d' });
    expect((await request(b.url, '/api/me', withApiKey(old.token))).status).toBe(200);
    const revoked = await request(a.url, `/api/me/api-tokens/${old.apiToken._id}`, {
      cookie,
      method: 'DELETE',
    });
    expect(revoked.status).toBe(200);
    const started = Date.now();
    while ((await request(b.url, '/api/me', withApiKey(old.token))).status !== 401) {
      expect(Date.now() - started).toBeLessThan(1_000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await request(b.url, '/api/me', withApiKey(res.body.token))).status).toBe(200);
  });

  it('sends each expiry notice once when both instances run the job at the same moment', async () => {
    const user = await a.createUser();
    const cookie = await signInWithCookie(a.url, user.email, user.password);
    const soon = new Date(clock.now() + 5 * DAY * 1000).toISOString();
    await Promise.all(
      [1, 2, 3].map((n) => createApiToken(a, cookie, { nickname: `t${n}`, expiresAt: soon })),
    );
    // Each instance's sweep runs the notice job; the claims, not the sweep lock, make each notice single.
    const [sweptA, sweptB] = await Promise.all([
      a.app.gatehouse.sweeper.run(),
      b.app.gatehouse.sweeper.run(),
    ]);
    const sent = (r: { jobs?: Record<string, number> }) => r.jobs?.['apiTokenExpiryNotices'] ?? 0;
    expect(sent(sweptA) + sent(sweptB)).toBe(3);
    await a.app.gatehouse.mailer.idle();
    await b.app.gatehouse.mailer.idle();
    await mailbox.waitFor(user.email, /"t3"/);
    expect(mailbox.to(user.email)).toHaveLength(3);
  });
});
