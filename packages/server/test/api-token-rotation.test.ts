import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiTokenJson, configureAuth, createApiToken, withApiKey } from './support/api-tokens.js';
import { type FreshDatabase, freshDatabase } from './support/databases.js';
import { request, signInWithCookie } from './support/http.js';
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
  });

  it('allows revoking the old token early, and refuses rotating a rotating token', async () => {
    const { cookie } = await owner();
    const old = await createApiToken(server, cookie);
    const res = await rotate(server, cookie, old.apiToken._id);
    expect(Date.parse(res.body.rotated.rotation!.endsAt) - clock.now()).toBeGreaterThan(23 * 3600 * 1000);
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
    for (const overlap of ['8d', 'soon', -1, 7 * DAY + 1])
      expect((await rotate(server, cookie, old.apiToken._id, { overlap })).status).toBe(400);
    const byKey = await request(server.url, `/api/me/api-tokens/${old.apiToken._id}/rotate`, {
      ...withApiKey(old.token),
      body: {},
    });
    expect(byKey.status).toBe(403);
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
  });

  it('warns only inside the last 7 days, marks the listing, and e-mails 7 days and 1 day before expiry once each', async () => {
    const { user, cookie } = await owner();
    const created = await createApiToken(server, cookie, { nickname: 'nightly', expiresAt: '30d' });
    expect(
      (await request(server.url, '/api/me', withApiKey(created.token))).headers.get('warning'),
    ).toBeNull();
    const notices = server.app.gatehouse.apiTokenNotices;
    await notices.run();
    expect(mailbox.to(user.email)).toEqual([]);

    clock.advance(23 * DAY + 3600);
    const near = await request(server.url, '/api/me', withApiKey(created.token));
    expect(near.headers.get('warning')).toMatch(/^299 gatehouse "This API token expires at .*; rotate it/);
    const fresh = await signInWithCookie(server.url, user.email, user.password);
    const listing = await request<ApiTokenJson[]>(server.url, '/api/me/api-tokens', { cookie: fresh });
    expect(listing.body[0]).toMatchObject({ expiresSoon: true });
    await notices.run();
    await notices.run();
    const week = await mailbox.waitFor(user.email, /"nightly" expires in 7 days/);
    expect(week.text).toContain('rotate');

    clock.advance(6 * DAY);
    await notices.run();
    await mailbox.waitFor(user.email, /"nightly" expires tomorrow/);
    await notices.run();
    await server.app.gatehouse.mailer.idle();
    expect(mailbox.to(user.email)).toHaveLength(2);
  });
});

describe.runIf(testDatabases.includes('postgres'))('API-token rotation on two PostgreSQL instances', () => {
  let fresh: FreshDatabase;
  let a: TestServer;
  let b: TestServer;
  let mailbox: Mailbox;
  const clock = testClock();

  beforeAll(async () => {
    fresh = await freshDatabase('postgres');
    mailbox = await startMailbox();
    const env = {
      GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64url'),
      GATEHOUSE_SMTP_URL: mailbox.url,
    };
    a = await startTestServer({ database: 'postgres', databaseUrl: fresh.url, env, now: clock.now });
    b = await startTestServer({ database: 'postgres', databaseUrl: fresh.url, env, now: clock.now });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await fresh.drop();
    await mailbox.close();
  });

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
    clock.advance(3601);
    for (const server of [a, b])
      expect((await request(server.url, '/api/me', withApiKey(old.token))).status).toBe(401);
  });

  it('sends each expiry notice once when both instances run the job at the same moment', async () => {
    const user = await a.createUser();
    const cookie = await signInWithCookie(a.url, user.email, user.password);
    const soon = new Date(clock.now() + 5 * DAY * 1000).toISOString();
    await Promise.all(
      [1, 2, 3].map((n) => createApiToken(a, cookie, { nickname: `t${n}`, expiresAt: soon })),
    );
    const [sentA, sentB] = await Promise.all([
      a.app.gatehouse.apiTokenNotices.run(),
      b.app.gatehouse.apiTokenNotices.run(),
    ]);
    expect(sentA + sentB).toBe(3);
    await a.app.gatehouse.mailer.idle();
    await b.app.gatehouse.mailer.idle();
    await mailbox.waitFor(user.email, /"t3"/);
    expect(mailbox.to(user.email)).toHaveLength(3);
  });
});
