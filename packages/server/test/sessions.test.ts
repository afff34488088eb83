import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';

function setCookieHeader(headers: Headers): string {
  return headers.getSetCookie().find((c) => c.includes('gatehouse_session=')) ?? '';
}

describe.each(testDatabases)('cookie sessions on %s', (database) => {
  let server: TestServer;
  let clock = Date.now();
  beforeAll(async () => {
    server = await startTestServer({ database, now: () => clock });
  });
  afterAll(() => server.close());

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/ and not readable by scripts', async () => {
    const user = await server.createUser();
    const res = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    const header = setCookieHeader(res.headers);
    expect(header).toMatch(/^gatehouse_session=[A-Za-z0-9_-]{43};/);
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toMatch(/Domain=/i);
    // Plain-HTTP public URL: Secure would make browsers drop the cookie.
    expect(header).not.toMatch(/Secure/i);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('uses the __Host- prefix and Secure when the public URL is HTTPS', async () => {
    const https = await startTestServer({
      database,
      env: { GATEHOUSE_PUBLIC_URL: 'https://auth.example.test' },
    });
    try {
      const user = await https.createUser();
      const res = await request(https.url, '/api/signin', {
        body: { username: user.email, password: user.password },
      });
      const header = setCookieHeader(res.headers);
      expect(header).toMatch(/^__Host-gatehouse_session=/);
      expect(header).toMatch(/; Secure/i);
      expect(header).toMatch(/Path=\//);
      expect(header).not.toMatch(/Domain=/i);
      const me = await request(https.url, '/api/me', { cookie: res.cookies[0]! });
      expect(me.status).toBe(200);
    } finally {
      await https.close();
    }
  });

  it('issues a new session id at every sign-in and never adopts a planted one (fixation)', async () => {
    const user = await server.createUser();
    const planted = 'gatehouse_session=attacker-chosen-value-aaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const first = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
      cookie: planted,
    });
    const second = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    expect(first.status).toBe(200);
    expect(first.cookies[0]).not.toBe(planted);
    expect(first.cookies[0]).not.toBe(second.cookies[0]);
    expect((await request(server.url, '/api/me', { cookie: planted })).status).toBe(401);
    expect((await request(server.url, '/api/me', { cookie: first.cookies[0]! })).status).toBe(200);
  });

  it('stores only a hash of the session cookie', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const raw = cookie.split('=')[1]!;
    const rows = await server.app.gatehouse.ctx.storage.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(raw);
  });

  it('ends the session server-side at logout: the old cookie is refused afterwards', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const out = await request(server.url, '/api/logout', { method: 'POST', cookie });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({});
    expect(setCookieHeader(out.headers)).toMatch(
      /gatehouse_session=;.*(Expires=Thu, 01 Jan 1970|Max-Age=0)/i,
    );
    const replay = await request(server.url, '/api/me', { cookie });
    expect(replay.status).toBe(401);
  });

  it('lets a stale cookie sign in again and log out again without errors', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    await request(server.url, '/api/logout', { method: 'POST', cookie });
    expect((await request(server.url, '/api/logout', { method: 'POST', cookie })).status).toBe(200);
    const again = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
      cookie,
    });
    expect(again.status).toBe(200);
  });

  it('ends every other session when the password changes, and keeps the current one', async () => {
    const user = await server.createUser();
    const laptop = await signInWithCookie(server.url, user.email, user.password);
    const phone = await signInWithCookie(server.url, user.email, user.password);
    const res = await request(server.url, '/api/me/password', {
      cookie: laptop,
      body: { currentPassword: user.password, newPassword: 'a-brand-new-password' },
    });
    expect(res.status).toBe(200);
    expect((await request(server.url, '/api/me', { cookie: phone })).status).toBe(401);
    expect((await request(server.url, '/api/me', { cookie: laptop })).status).toBe(200);
    const old = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    expect(old.status).toBe(401);
    await signInWithCookie(server.url, user.email, 'a-brand-new-password');
  });

  it('refuses a password change with a wrong current password', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const res = await request(server.url, '/api/me/password', {
      cookie,
      body: { currentPassword: 'not-the-password', newPassword: 'a-brand-new-password' },
    });
    expect(res.status).toBe(400);
    expect(res.body['code']).toBe('INVALID_PASSWORD');
  });

  it('lists the sessions and revokes one by id; another user cannot revoke it', async () => {
    const user = await server.createUser();
    const other = await server.createUser();
    const a = await signInWithCookie(server.url, user.email, user.password);
    const b = await signInWithCookie(server.url, user.email, user.password);
    const list = await request<Array<{ _id: string; current: boolean }>>(server.url, '/api/me/sessions', {
      cookie: a,
    });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    expect(list.body.filter((s) => s.current)).toHaveLength(1);
    const target = list.body.find((s) => !s.current)!;

    const otherCookie = await signInWithCookie(server.url, other.email, other.password);
    const foreign = await request(server.url, `/api/me/sessions/${target._id}`, {
      method: 'DELETE',
      cookie: otherCookie,
    });
    expect(foreign.status).toBe(404);
    expect((await request(server.url, '/api/me', { cookie: b })).status).toBe(200);

    const revoked = await request(server.url, `/api/me/sessions/${target._id}`, {
      method: 'DELETE',
      cookie: a,
    });
    expect(revoked.status).toBe(200);
    expect((await request(server.url, '/api/me', { cookie: b })).status).toBe(401);
    expect((await request(server.url, '/api/me', { cookie: a })).status).toBe(200);
  });

  it('refuses a cookie-authenticated write from a foreign origin (CSRF) and allows its own', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const evil = await request(server.url, '/api/me', {
      cookie,
      body: { firstName: 'Mallory' },
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.status).toBe(403);
    expect(evil.body['code']).toBe('CSRF_REJECTED');
    const crossSite = await request(server.url, '/api/me', {
      cookie,
      body: { firstName: 'Mallory' },
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    const own = await request(server.url, '/api/me', {
      cookie,
      body: { firstName: 'Alice' },
      headers: { origin: server.config.publicUrl.origin },
    });
    expect(own.status).toBe(200);
    expect((await request(server.url, '/api/me', { cookie })).body['firstName']).toBe('Alice');
  });

  it('refuses sign-in driven by a foreign origin (login CSRF)', async () => {
    const user = await server.createUser();
    const res = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.cookies).toEqual([]);
  });

  it('never reflects an arbitrary origin in CORS', async () => {
    const res = await fetch(`${server.url}/api/me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(res.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });

  it('ends a session after the idle timeout and after the absolute timeout', async () => {
    const user = await server.createUser();
    const idle = await signInWithCookie(server.url, user.email, user.password);
    clock += 31 * 60_000;
    expect((await request(server.url, '/api/me', { cookie: idle })).status).toBe(401);

    const active = await signInWithCookie(server.url, user.email, user.password);
    // Active every 20 minutes: the idle limit never hits, the 12-hour absolute limit does.
    for (let elapsed = 0; elapsed < 12 * 60; elapsed += 20) {
      clock += 20 * 60_000;
      const res = await request(server.url, '/api/me', { cookie: active });
      if (elapsed + 20 < 12 * 60) expect(res.status).toBe(200);
      else expect(res.status).toBe(401);
    }
  });
});
