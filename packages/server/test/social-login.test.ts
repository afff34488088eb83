import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import {
  type FacebookAccount,
  type GithubAccount,
  startFacebookFake,
  startGithubFake,
} from './support/oauth-fakes.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
} from './support/server.js';
import {
  deliverCallback,
  enableIdpProviders,
  returned,
  socialLoginThroughIdp,
  startSocialLogin,
} from './support/social-flow.js';
import { loginAtIdp, type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

const APP = 'https://app.example.com';
const RETURN_URL = `${APP}/auth/finish`;

interface SignInPayload {
  payload: { user: { _id: string; email: string; firstName: string; emailVerified: boolean } };
  code?: string;
}

describe.each(testDatabases)('social login on %s', (database) => {
  let server: TestServer;
  let idp: OidcIdp;
  let offsetMs = 0;
  const githubAccounts = new Map<string, GithubAccount>();
  const facebookAccounts = new Map<string, FacebookAccount>();
  let githubAs = '';
  let facebookAs = '';
  let github: Awaited<ReturnType<typeof startGithubFake>>;
  let facebook: Awaited<ReturnType<typeof startFacebookFake>>;

  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { ...MANY_SIGN_INS, ...CHEAP_HASHES },
      now: () => Date.now() + offsetMs,
    });
    idp = await startOidcIdp(server.config.publicUrl.origin);
    github = await startGithubFake(githubAccounts, () => githubAs);
    facebook = await startFacebookFake(facebookAccounts, () => facebookAs);
    const { providers } = server.app.gatehouse.social;
    await enableIdpProviders(server, idp, [APP], ['google', 'linkedin', 'corp']);
    await providers.set('corp', { displayName: 'Corp SSO' });
    await providers.set('github', {
      clientId: github.clientId,
      clientSecret: github.clientSecret,
      ...github.endpoints,
      returnOrigins: [APP],
      enabled: true,
    });
    await providers.set('facebook', {
      clientId: facebook.clientId,
      clientSecret: facebook.clientSecret,
      ...facebook.endpoints,
      returnOrigins: [APP],
      enabled: true,
    });
  });
  afterAll(async () => {
    await idp?.close();
    await github?.close();
    await facebook?.close();
    await server?.close();
  });

  const exchange = (rt: string | null) =>
    request<SignInPayload>(
      server.url,
      `/api/auth/callback${rt === null ? '' : `?rt=${encodeURIComponent(rt)}`}`,
      {
        method: 'POST',
      },
    );

  it.each([
    'google',
    'linkedin',
    'corp',
  ])('signs a new person up through %s (oidc-provider upstream) and swaps rt for a cookie session', async (provider) => {
    const login = `ada-${provider}-${database}`;
    const back = await socialLoginThroughIdp(server, idp, provider, login, {
      state: 'app-state-1',
      returnUrl: RETURN_URL,
    });
    expect(back.status).toBe(302);
    // SECURITY.md: the response carrying rt is neither cached nor referred.
    expect(back.headers.get('cache-control')).toBe('no-store');
    expect(back.headers.get('referrer-policy')).toBe('no-referrer');
    const app = returned(back.location);
    expect(`${app.origin}${app.url.pathname}`).toBe(RETURN_URL);
    expect(app.state).toBe('app-state-1');
    expect(app.rt).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const swapped = await exchange(app.rt);
    expect(swapped.status).toBe(200);
    expect(swapped.headers.get('cache-control')).toBe('no-store');
    expect(swapped.headers.get('referrer-policy')).toBe('no-referrer');
    expect(swapped.body.payload.user).toMatchObject({
      email: `${login}@example.test`,
      firstName: 'Ada',
      emailVerified: true,
    });
    const cookie = swapped.cookies.find((c) => c.startsWith('gatehouse_session='));
    const me = await request<{ email: string }>(server.url, '/api/me', { cookie: cookie! });
    expect(me.body.email).toBe(`${login}@example.test`);
    const linked = await request<{ provider: string; subject: string }[]>(
      server.url,
      '/api/me/social-identities',
      { cookie: cookie! },
    );
    expect(linked.body).toEqual([expect.objectContaining({ provider, subject: login })]);
  });

  it('signs in with GitHub (local fake of its API): the primary verified address from /user/emails', async () => {
    githubAs = 'octo';
    githubAccounts.set('octo', {
      id: 583231,
      login: 'octocat',
      name: 'Mona Octocat',
      emails: [
        { email: `octo-private-${database}@example.test`, primary: true, verified: true, visibility: null },
        { email: `octo-old-${database}@example.test`, primary: false, verified: false, visibility: null },
      ],
    });
    const started = await startSocialLogin(server, 'github', { returnUrl: RETURN_URL, state: 's' });
    const authorize = new URL(started.location);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const providerRedirect = await fetch(authorize, { redirect: 'manual' });
    const back = await deliverCallback(
      server,
      new URL(providerRedirect.headers.get('location')!),
      started.stateCookie,
    );
    const swapped = await exchange(returned(back.location).rt);
    expect(swapped.body.payload.user).toMatchObject({
      email: `octo-private-${database}@example.test`,
      firstName: 'Mona',
      emailVerified: true,
    });
  });

  it('signs in with Facebook (local fake of Graph): me?fields=id,name,email,first_name,last_name', async () => {
    facebookAs = '10158';
    facebookAccounts.set('10158', {
      id: '10158',
      name: 'Grace Hopper',
      first_name: 'Grace',
      last_name: 'Hopper',
      email: `grace-${database}@example.test`,
    });
    const started = await startSocialLogin(server, 'facebook', { returnUrl: RETURN_URL });
    const providerRedirect = await fetch(started.location, { redirect: 'manual' });
    const back = await deliverCallback(
      server,
      new URL(providerRedirect.headers.get('location')!),
      started.stateCookie,
    );
    const swapped = await exchange(returned(back.location).rt);
    expect(swapped.body.payload.user).toMatchObject({
      email: `grace-${database}@example.test`,
      firstName: 'Grace',
    });
  });

  describe('state (SECURITY.md: bound to the browser and provider, single use)', () => {
    it('refuses a callback whose state is missing', async () => {
      const started = await startSocialLogin(server, 'google', { returnUrl: RETURN_URL });
      const back = await loginAtIdp(idp, started.location, `no-state-${database}`);
      back.searchParams.delete('state');
      const answer = await deliverCallback(server, back, started.stateCookie);
      expect(answer.status).toBe(400);
      expect(answer.body['code']).toBe('INVALID_STATE');
    });

    it('refuses a callback without the state cookie (another browser) or with a mismatched one', async () => {
      const started = await startSocialLogin(server, 'google', { returnUrl: RETURN_URL });
      const other = await startSocialLogin(server, 'google', { returnUrl: RETURN_URL });
      const back = await loginAtIdp(idp, started.location, `mismatch-${database}`);
      expect((await deliverCallback(server, back, '')).status).toBe(400);
      const mismatched = await deliverCallback(server, back, other.stateCookie);
      expect(mismatched.status).toBe(400);
      expect(mismatched.headers.get('location')).toBeNull();
    });

    it('refuses a replayed callback', async () => {
      const started = await startSocialLogin(server, 'google', { returnUrl: RETURN_URL });
      const back = await loginAtIdp(idp, started.location, `replay-${database}`);
      const first = await deliverCallback(server, back, started.stateCookie);
      expect(returned(first.location).rt).toBeTruthy();
      const again = await deliverCallback(server, back, started.stateCookie);
      expect(again.status).toBe(400);
      expect(again.body['code']).toBe('INVALID_STATE');
    });

    it('refuses a state issued for another provider', async () => {
      const started = await startSocialLogin(server, 'google', { returnUrl: RETURN_URL });
      const back = await loginAtIdp(idp, started.location, `cross-${database}`);
      const elsewhere = new URL(back.href.replace('/api/auth/google/', '/api/auth/corp/'));
      const answer = await deliverCallback(server, elsewhere, started.stateCookie);
      expect(answer.status).toBe(400);
      expect(answer.body['code']).toBe('INVALID_STATE');
    });

    it('sets the state cookie HttpOnly, SameSite=Lax, Path=/, for at most 10 minutes', async () => {
      const response = await fetch(`${server.url}/api/auth/google`, { redirect: 'manual' });
      const cookie = response.headers.getSetCookie().find((c) => c.includes('social_state_'))!;
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\//);
      expect(Number(/Max-Age=(\d+)/i.exec(cookie)?.[1])).toBeLessThanOrEqual(600);
    });
  });

  describe('returnUrl (SECURITY.md: exact origin on the allow-list, else the default; never a 500)', () => {
    it.each([
      '//evil.example',
      '/\\evil.example',
      'https://app.example.com.evil.example',
      'https://app.example.com@evil.example',
      'javascript:alert(document.cookie)',
      'http://[',
      'http://app.example.com',
      'https://app.example.com:8443',
    ])('sends %s to the default instead', async (hostile) => {
      const back = await socialLoginThroughIdp(server, idp, 'google', `hostile-${database}`, {
        returnUrl: hostile,
        state: 'x',
      });
      expect(back.status).toBe(302);
      expect(returned(back.location).url.href.split('?')[0]).toBe(`${APP}/`);
    });

    it('ignores a forged X-Forwarded-Host', async () => {
      const back = await socialLoginThroughIdp(
        server,
        idp,
        'google',
        `forwarded-${database}`,
        { returnUrl: 'https://evil.example/finish' },
        { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
      );
      expect(returned(back.location).origin).toBe(APP);
    });
  });

  describe('rt (SECURITY.md: single use, 60 s)', () => {
    it('answers 400 without rt and 401 for an unknown one (seed 001 error table)', async () => {
      const missing = await exchange(null);
      expect(missing.status).toBe(400);
      const unknown = await exchange('A'.repeat(43));
      expect(unknown.status).toBe(401);
      expect(unknown.body.code).toBe('INVALID_CODE');
    });

    it('is refused after 60 seconds', async () => {
      const back = await socialLoginThroughIdp(server, idp, 'google', `late-${database}`, {
        returnUrl: RETURN_URL,
      });
      offsetMs += 61_000;
      try {
        expect((await exchange(returned(back.location).rt)).status).toBe(401);
      } finally {
        offsetMs -= 61_000;
      }
    });

    it('has exactly one winner among 10 concurrent exchanges', async () => {
      const back = await socialLoginThroughIdp(server, idp, 'google', `race-${database}`, {
        returnUrl: RETURN_URL,
      });
      const rt = returned(back.location).rt;
      const answers = await Promise.all(Array.from({ length: 10 }, () => exchange(rt)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(9).fill(401)]);
    });

    it('can be swapped for a token pair at /api/token/refresh instead (seed 001), once', async () => {
      const back = await socialLoginThroughIdp(server, idp, 'google', `pair-${database}`, {
        returnUrl: RETURN_URL,
      });
      const rt = returned(back.location).rt!;
      const pair = await request<{
        payload: { token: string; refreshToken: string; user: { email: string } };
      }>(server.url, '/api/token/refresh', { method: 'POST', headers: { authorization: `Bearer ${rt}` } });
      expect(pair.status).toBe(200);
      expect(pair.body.payload.user.email).toBe(`pair-${database}@example.test`);
      const me = await request(server.url, '/api/me', {
        headers: { authorization: `Bearer ${pair.body.payload.token}` },
      });
      expect(me.status).toBe(200);
      expect((await exchange(rt)).status).toBe(401);
    });
  });

  describe('disabled providers fail closed', () => {
    it('sends an unknown or disabled provider to ?error=disabled, which answers PROVIDER_DISABLED', async () => {
      await server.app.gatehouse.social.providers.set('okta', {
        clientId: 'okta',
        clientSecret: 'okta-secret',
        issuer: idp.issuer,
        enabled: false,
      });
      for (const name of ['nosuch', 'okta']) {
        const started = await startSocialLogin(server, name);
        expect(started.status).toBe(302);
        expect(started.location).toBe(`/api/auth/${name}?error=disabled`);
        const end = await request(server.url, started.location);
        expect(end.status).toBe(404);
        expect(end.body['code']).toBe('PROVIDER_DISABLED');
      }
    });

    it('also for a login already under way when the provider is disabled', async () => {
      const { providers } = server.app.gatehouse.social;
      const started = await startSocialLogin(server, 'linkedin', { returnUrl: RETURN_URL });
      const back = await loginAtIdp(idp, started.location, `midway-${database}`);
      await providers.set('linkedin', { enabled: false });
      try {
        const answer = await deliverCallback(server, back, started.stateCookie);
        expect(answer.status).toBe(302);
        expect(answer.location).toBe('/api/auth/linkedin?error=disabled');
      } finally {
        await providers.set('linkedin', { enabled: true });
      }
    });
  });

  it('lists the enabled providers in /api/sign-in-options for sign-in pages', async () => {
    const options = await request<{ providers: { name: string; displayName: string; url: string }[] }>(
      server.url,
      '/api/sign-in-options',
    );
    expect(options.body.providers).toContainEqual({
      name: 'corp',
      displayName: 'Corp SSO',
      url: `${server.config.publicUrl.origin}/api/auth/corp`,
    });
    expect(JSON.stringify(options.body)).not.toContain(idp.clients.corp.clientSecret);
  });
});
