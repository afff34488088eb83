import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, withApiKey } from './support/api-tokens.js';
import { request, signInWithCookie } from './support/http.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
} from './support/server.js';
import { deliverCallback, returned, startSocialLogin } from './support/social-flow.js';
import { loginAtIdp, type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

const APP = 'https://app.example.com';
const PUBLIC_URL = 'https://auth.example.test';

/** `name=value` of the Set-Cookie lines that set (not clear) a social state cookie. */
const stateCookiesSet = (headers: Headers) =>
  headers
    .getSetCookie()
    .filter(
      (line) => /gatehouse_social_state_/.test(line) && !/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line),
    )
    .map((line) => line.split(';')[0] ?? '');
const stateCookiesCleared = (headers: Headers) =>
  headers
    .getSetCookie()
    .filter(
      (line) => /gatehouse_social_state_/.test(line) && /Expires=Thu, 01 Jan 1970|Max-Age=0/i.test(line),
    )
    .map((line) => line.split('=')[0] ?? '');

/**
 * The browser binding of social logins (SECURITY.md, "Social") and linking an identity from a signed-in
 * account (issue 10, items 4 and 6), against oidc-provider as the upstream `google`. The server's public
 * URL is https, as in production, so the state cookies carry the `__Host-` prefix; the test talks to it
 * over http on 127.0.0.1 and carries the cookies itself (a browser would not send a `Secure` cookie over
 * plain http to anything but localhost).
 */
describe.each(testDatabases)('social state cookies and linking on %s', (database) => {
  let server: TestServer;
  let idp: OidcIdp;
  let offsetMs = 0;

  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { ...MANY_SIGN_INS, ...CHEAP_HASHES, GATEHOUSE_PUBLIC_URL: PUBLIC_URL },
      now: () => Date.now() + offsetMs,
    });
    idp = await startOidcIdp(PUBLIC_URL);
    for (const name of ['google', 'corp'] as const)
      await server.app.gatehouse.social.providers.set(name, {
        clientId: idp.clients[name].clientId,
        clientSecret: idp.clients[name].clientSecret,
        issuer: idp.issuer,
        returnOrigins: [APP],
        enabled: true,
      });
  });
  afterAll(async () => {
    await idp?.close();
    await server?.close();
  });

  describe('the state cookie', () => {
    it('is a __Host- cookie: Secure, Path=/, no Domain, HttpOnly, SameSite=Lax, 10 minutes', async () => {
      const response = await fetch(`${server.url}/api/auth/google?returnUrl=${APP}/`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      const [line, ...others] = response.headers.getSetCookie();
      expect(others).toEqual([]);
      const [pair = '', ...attributes] = (line ?? '').split(/;\s*/);
      expect(pair).toMatch(/^__Host-gatehouse_social_state_[\w-]{16}=[\w-]{43}$/);
      const names = attributes.map((attribute) => attribute.split('=')[0]?.toLowerCase());
      expect(names).toContain('secure');
      expect(names).toContain('httponly');
      expect(names).not.toContain('domain');
      expect(attributes).toContain('Path=/');
      expect(attributes).toContain('SameSite=Lax');
      expect(attributes).toContain('Max-Age=600');
    });

    it('is named after its state, so the callback of one login cannot spend another login’s cookie', async () => {
      const first = await startSocialLogin(server, 'google', { returnUrl: `${APP}/a` });
      const second = await startSocialLogin(server, 'google', { returnUrl: `${APP}/b` });
      const back = await loginAtIdp(idp, first.location, `named-${database}`);
      // First's callback in a browser holding only second's cookie: refused, and second's cookie untouched.
      const refused = await deliverCallback(server, back, second.stateCookie);
      expect(refused.status).toBe(400);
      expect(refused.body['code']).toBe('INVALID_STATE');
      expect(stateCookiesCleared(refused.headers)).toEqual([]);
    });
  });

  describe('two logins in flight in one browser', () => {
    it('lets two tabs start at once and each callback complete only its own flow', async () => {
      // Both tabs start before either comes back: one browser, so both cookies end up in one jar.
      const [tabA, tabB] = await Promise.all([
        startSocialLogin(server, 'google', { returnUrl: `${APP}/tab-a`, state: 'state-of-a' }),
        startSocialLogin(server, 'corp', { returnUrl: `${APP}/tab-b`, state: 'state-of-b' }),
      ]);
      expect(tabA.stateCookie.split('=')[0]).not.toBe(tabB.stateCookie.split('=')[0]);
      const jar = `${tabA.stateCookie}; ${tabB.stateCookie}`;
      const [backA, backB] = await Promise.all([
        loginAtIdp(idp, tabA.location, `tab-a-${database}`),
        loginAtIdp(idp, tabB.location, `tab-b-${database}`),
      ]);
      // B finishes first; then A, in the same browser.
      const doneB = await deliverCallback(server, backB, jar);
      expect(stateCookiesCleared(doneB.headers)).toEqual([tabB.stateCookie.split('=')[0]]);
      const doneA = await deliverCallback(server, backA, tabA.stateCookie);
      const a = returned(doneA.location);
      const b = returned(doneB.location);
      expect([a.url.pathname, a.state, b.url.pathname, b.state]).toEqual([
        '/tab-a',
        'state-of-a',
        '/tab-b',
        'state-of-b',
      ]);
      const exchange = async (rt: string | null) =>
        (
          await request<{ payload: { user: { email: string } } }>(server.url, `/api/auth/callback?rt=${rt}`, {
            method: 'POST',
          })
        ).body.payload.user.email;
      expect(await exchange(a.rt)).toBe(`tab-a-${database}@example.test`);
      expect(await exchange(b.rt)).toBe(`tab-b-${database}@example.test`);
      // Replaying A's callback (the URL is still in that tab's history) finds nothing left to complete.
      expect((await deliverCallback(server, backA, jar)).status).toBe(400);
    });

    it(`keeps at most 5 in flight: starting a sixth abandons the others`, async () => {
      const cookies: string[] = [];
      for (let i = 0; i < 5; i++) {
        const started = await startSocialLogin(
          server,
          'google',
          {},
          cookies.length ? { cookie: cookies.join('; ') } : {},
        );
        cookies.push(started.stateCookie);
      }
      const sixth = await fetch(`${server.url}/api/auth/google`, {
        redirect: 'manual',
        headers: { cookie: cookies.join('; ') },
      });
      expect(stateCookiesCleared(sixth.headers).sort()).toEqual(cookies.map((c) => c.split('=')[0]).sort());
      expect(stateCookiesSet(sixth.headers)).toHaveLength(1);
    });
  });

  describe('concurrent starts from one cookie jar', () => {
    /** One browser's cookies for Gatehouse: every response's Set-Cookie applied in the order it arrives. */
    const jar = new Map<string, string>();
    const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const apply = (headers: Headers) => {
      for (const name of stateCookiesCleared(headers)) jar.delete(name);
      for (const pair of stateCookiesSet(headers)) {
        const [name = '', value = ''] = pair.split('=');
        jar.set(name, value);
      }
    };
    /** `count` logins started at once: each request carries the jar as it was when the burst began. */
    const burst = async (count: number) => {
      const sent = cookieHeader();
      return Promise.all(
        Array.from({ length: count }, async () => {
          const response = await fetch(`${server.url}/api/auth/google?returnUrl=${APP}/burst`, {
            redirect: 'manual',
            headers: sent ? { cookie: sent } : {},
          });
          expect(response.status).toBe(302);
          apply(response.headers);
          return {
            name: stateCookiesSet(response.headers)[0]?.split('=')[0] ?? '',
            location: response.headers.get('location') ?? '',
            cleared: stateCookiesCleared(response.headers).sort(),
          };
        }),
      );
    };

    it('a burst into a full jar clears the old logins, never a sibling of the burst, and each new one completes', async () => {
      jar.clear();
      const old = await burst(5);
      expect(old.every((login) => login.cleared.length === 0)).toBe(true);
      expect(jar.size).toBe(5);

      // Three tabs start at once while five logins are in flight: each request sees the same five cookies.
      const fresh = await burst(3);
      const oldNames = old.map((login) => login.name).sort();
      for (const login of fresh) expect(login.cleared).toEqual(oldNames);
      // What is left is exactly the burst's own cookies: no request cleared a sibling's.
      expect([...jar.keys()].sort()).toEqual(fresh.map((login) => login.name).sort());

      // Every login of the burst completes in that browser; an abandoned one is refused.
      for (const [i, login] of fresh.entries()) {
        const back = await loginAtIdp(idp, login.location, `burst-${i}-${database}`);
        const done = await deliverCallback(server, back, cookieHeader());
        expect(done.status).toBe(302);
        expect(returned(done.location).rt).toMatch(/^[\w-]{43}$/);
        apply(done.headers);
      }
      expect(jar.size).toBe(0);
      const abandoned = await loginAtIdp(idp, old[0]?.location ?? '', `abandoned-${database}`);
      const refused = await deliverCallback(server, abandoned, cookieHeader());
      expect(refused.status).toBe(400);
      expect(refused.body['code']).toBe('INVALID_STATE');
    });

    it('a burst from an empty jar may hold more than 5 for a moment; the next start brings it back to one', async () => {
      jar.clear();
      // No request of a burst can see its siblings' cookies, so the bound is 5 plus the size of one burst
      // (a browser's concurrent top-level navigations), never growth without bound.
      const eight = await burst(8);
      expect(eight.every((login) => login.cleared.length === 0)).toBe(true);
      expect(jar.size).toBe(8);
      const [next] = await burst(1);
      expect(next?.cleared).toEqual(eight.map((login) => login.name).sort());
      expect([...jar.keys()]).toEqual([next?.name]);
    });
  });

  describe('linking an identity to the signed-in account', () => {
    const link = (cookie: string, body: Record<string, string> = {}, provider = 'google') =>
      request<{ url: string }>(server.url, `/api/me/social-identities/${provider}`, { body, cookie });

    it('links from a recent sign-in and comes back with ?linked= and no sign-in code', async () => {
      const user = await server.createUser();
      const cookie = await signInWithCookie(server.url, user.email, user.password);
      const started = await link(cookie, { returnUrl: `${APP}/profile`, state: 'link-state' });
      expect(started.status).toBe(200);
      const [stateCookie] = stateCookiesSet(started.headers);
      expect(stateCookie).toMatch(/^__Host-gatehouse_social_state_/);
      // An upstream person whose address is not the account's: linking does not depend on the e-mail.
      const back = await loginAtIdp(idp, started.body.url, `linked-elsewhere-${database}`);
      const done = await deliverCallback(server, back, stateCookie ?? '');
      const url = new URL(done.location);
      expect(url.origin + url.pathname).toBe(`${APP}/profile`);
      expect(Object.fromEntries(url.searchParams)).toEqual({ linked: 'google', state: 'link-state' });
      const listed = await request<{ provider: string; email: string }[]>(
        server.url,
        '/api/me/social-identities',
        {
          cookie,
        },
      );
      expect(listed.body).toEqual([
        expect.objectContaining({ provider: 'google', email: `linked-elsewhere-${database}@example.test` }),
      ]);
      // The identity now signs in to this account.
      const signIn = await startSocialLogin(server, 'google', { returnUrl: `${APP}/` });
      const again = await deliverCallback(
        server,
        await loginAtIdp(idp, signIn.location, `linked-elsewhere-${database}`),
        signIn.stateCookie,
      );
      const exchanged = await request<{ payload: { user: { _id: string } } }>(
        server.url,
        `/api/auth/callback?rt=${returned(again.location).rt}`,
        { method: 'POST' },
      );
      expect(exchanged.body.payload.user._id).toBe(user.id);
    });

    it('asks for the password again when the sign-in is older than the reauthentication window', async () => {
      const user = await server.createUser();
      const cookie = await signInWithCookie(server.url, user.email, user.password);
      offsetMs = 6 * 60_000;
      try {
        const stale = await link(cookie);
        expect(stale.status).toBe(403);
        expect(stale.body).toMatchObject({ code: 'REAUTHENTICATION_REQUIRED' });
        expect(stateCookiesSet(stale.headers)).toEqual([]);
        const wrong = await link(cookie, { password: 'not the password' });
        expect(wrong.status).toBe(403);
        expect(wrong.body).toMatchObject({ code: 'INVALID_PASSWORD' });
        const renewed = await link(cookie, { password: user.password });
        expect(renewed.status).toBe(200);
        expect(new URL(renewed.body.url).origin).toBe(idp.issuer);

        // The implicit link of seed 001 (a signed-in browser starting a login) is refused the same way,
        // back at the application with the code, before the provider is involved.
        const implicit = await startSocialLogin(
          server,
          'google',
          { returnUrl: `${APP}/x`, state: 's' },
          { cookie },
        );
        expect(implicit.status).toBe(302);
        expect(implicit.stateCookie).toBe('');
        expect(implicit.location).toBe(`${APP}/x?error=REAUTHENTICATION_REQUIRED&state=s`);
      } finally {
        offsetMs = 0;
      }
    });

    it('refuses an identity linked to someone else, back at the application', async () => {
      const [owner, other] = [await server.createUser(), await server.createUser()];
      const login = `taken-${database}`;
      for (const [person, expected] of [
        [owner, null],
        [other, 'SOCIAL_IDENTITY_IN_USE'],
      ] as const) {
        const cookie = await signInWithCookie(server.url, person.email, person.password);
        const started = await link(cookie, { returnUrl: `${APP}/profile` });
        const back = await loginAtIdp(idp, started.body.url, login);
        const done = returned(
          (await deliverCallback(server, back, stateCookiesSet(started.headers)[0] ?? '')).location,
        );
        expect(done.error).toBe(expected);
        expect(done.rt).toBeNull();
      }
    });

    it('refuses API tokens, disabled providers and unknown fields', async () => {
      const user = await server.createUser();
      const cookie = await signInWithCookie(server.url, user.email, user.password);
      const { token } = await createApiToken(server, cookie);
      const withToken = await request(server.url, '/api/me/social-identities/google', {
        body: {},
        ...withApiKey(token),
      });
      expect(withToken.status).toBe(403);
      expect(withToken.body['code']).toBe('CREDENTIAL_NOT_ALLOWED');
      const unknown = await link(cookie, {}, 'nobody');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'PROVIDER_DISABLED' });
      const foreign = await request(server.url, '/api/me/social-identities/google', {
        body: {},
        cookie,
        headers: { origin: 'https://evil.example' },
      });
      expect(foreign.status).toBe(403);
      expect(foreign.body['code']).toBe('CSRF_REJECTED');
    });
  });
});
