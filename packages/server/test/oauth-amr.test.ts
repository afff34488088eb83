import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../src/features/second-factor/totp.js';
import { type JsonResponse, request, sessionCookieOf, signInWithCookie } from './support/http.js';
import {
  authorizeInBrowser,
  browserHolding,
  FormBrowser,
  hiddenField,
  type OAuthTestServer,
  startOAuthServer,
} from './support/oauth.js';
import {
  discoverClient,
  authorizationRequest as relyingPartyRequest,
  type Tokens,
} from './support/relying-party.js';
import { enrolTotp } from './support/second-factor.js';
import { type TestUser, testDatabases } from './support/server.js';
import {
  enableIdpProviders,
  returned,
  socialLoginOnLoginPage,
  socialLoginThroughIdp,
} from './support/social-flow.js';
import { type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

/**
 * The ID token's `amr` (RFC 8176) says every way the user proved who they are during the authorization:
 * the first step (`pwd` for the password form, `fed` for a social login on the login page) and, when the
 * account has a second factor, `otp` and `mfa`. The methods travel from the login page's challenge through
 * the interaction, the code and the refresh family, so a refreshed ID token says the same.
 */
describe.each(testDatabases)('amr of an OAuth sign-in with a second factor on %s', (database) => {
  let server: OAuthTestServer;
  let idp: OidcIdp;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startOAuthServer(database);
    idp = await startOidcIdp(server.url);
    await enableIdpProviders(server, idp, []);
    const registered = await server.register();
    config = await discoverClient(server, registered.clientId, registered.clientSecret);
  });
  afterAll(async () => {
    await idp?.close();
    await server?.close();
  });

  /**
   * A user with a confirmed TOTP factor. The confirmation spends the code of the previous 30-second
   * window (accepted: one step of drift either side), so the current window's code is still unused.
   */
  async function userWithTotp(): Promise<TestUser & { code: () => string; enrolledIn: string }> {
    const user = await server.createUser({ emailVerified: true });
    const { secret, cookie } = await enrolTotp(server, user, Date.now() - 30_000);
    return { ...user, code: () => currentTotp(secret, Date.now()), enrolledIn: cookie };
  }

  async function authorizationRequest() {
    const { url, exchange } = await relyingPartyRequest(config, 'openid email offline_access');
    return { url: url.href, exchange };
  }

  /** The amr of the ID token, and of the ID token that a refresh of the same grant brings. */
  async function amrOf(tokens: Tokens) {
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    return { issued: tokens.claims()?.['amr'], refreshed: refreshed.claims()?.['amr'] };
  }

  it('password + TOTP: amr is pwd, otp, mfa', async () => {
    const user = await userWithTotp();
    const { url, exchange } = await authorizationRequest();
    const { callback, pages, browser } = await authorizeInBrowser(server, url, user, { code: user.code });
    expect(pages).toEqual(['/oauth2/login', 'second-factor', '/oauth2/consent']);
    const tokens = await exchange(callback);
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(await amrOf(tokens)).toEqual({ issued: ['pwd', 'otp', 'mfa'], refreshed: ['pwd', 'otp', 'mfa'] });

    // The login page signed the browser in to Gatehouse; the next authorization reuses that session.
    expect(await reuse(browser)).toEqual({ pages: [], issued: ['pwd', 'otp', 'mfa'] });
  });

  it('social login + TOTP: amr is fed, otp, mfa (no password was used)', async () => {
    const user = await userWithTotp();
    const login = `amr-social-${database}`;
    idp.people.set(login, { email: user.email, email_verified: true });

    const browser = new FormBrowser(server.url);
    const { url, exchange } = await authorizationRequest();
    const toLoginPage = await socialLoginOnLoginPage(browser, idp, url, login);
    const secondFactor = await browser.get(toLoginPage.location!);
    expect(secondFactor.html).toContain('name="challenge"');
    const verified = await browser.post('/oauth2/login', {
      interaction: hiddenField(secondFactor.html, 'interaction'),
      csrf: hiddenField(secondFactor.html, 'csrf'),
      challenge: hiddenField(secondFactor.html, 'challenge'),
      code: user.code(),
    });
    expect(verified.status).toBe(303);
    // The consent page, then back to the client.
    const { callback, pages } = await authorizeInBrowser(server, verified.location!, user, { browser });
    expect(pages).toEqual(['/oauth2/consent']);
    const tokens = await exchange(callback);
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(await amrOf(tokens)).toEqual({ issued: ['fed', 'otp', 'mfa'], refreshed: ['fed', 'otp', 'mfa'] });
  });

  it('social login without a second factor: amr is fed alone', async () => {
    const browser = new FormBrowser(server.url);
    const { url, exchange } = await authorizationRequest();
    const toLoginPage = await socialLoginOnLoginPage(browser, idp, url, `amr-social-only-${database}`);
    const { callback } = await authorizeInBrowser(server, toLoginPage.location!, server.user, { browser });
    const tokens = await exchange(callback);
    expect(await amrOf(tokens)).toEqual({ issued: ['fed'], refreshed: ['fed'] });

    // The next authorization finds the browser signed in (no login page): the session says how it began.
    const again = await authorizationRequest();
    const { callback: silent, pages } = await authorizeInBrowser(server, again.url, server.user, { browser });
    expect(pages).toEqual([]);
    expect(await amrOf(await again.exchange(silent))).toEqual({ issued: ['fed'], refreshed: ['fed'] });
  });

  /*
   * A Gatehouse session records how it began (migration 0028), and an authorization that reuses it reports
   * exactly that, whatever else the account could have signed in with.
   */

  /** An authorization in `browser`, signed in already: the pages it showed and the ID token's amr. */
  async function reuse(browser: FormBrowser) {
    const { url, exchange } = await authorizationRequest();
    const nobody = { email: 'nobody@example.test', password: 'no password: the session must do' };
    const { callback, pages } = await authorizeInBrowser(server, url, nobody, { browser });
    expect(pages).not.toContain('/oauth2/login');
    const tokens = await exchange(callback);
    return { pages, issued: tokens.claims()?.['amr'] };
  }

  /** A social login at Gatehouse's API (not the login page), its `rt` swapped for a cookie or a challenge. */
  async function apiSocialLogin(login: string) {
    const back = await socialLoginThroughIdp(server, idp, 'google', login, {
      returnUrl: `${server.url}/app`,
    });
    const { rt } = returned(back.location);
    return request<{ challenge?: string }>(server.url, `/api/auth/callback?rt=${rt}`, { method: 'POST' });
  }

  /** The second step at the API of a sign-in that asked for it, with the user's current code: its cookie. */
  async function secondStep(first: JsonResponse<{ challenge?: string }>, user: { code: () => string }) {
    expect(first.status).toBe(401);
    const second = await request(server.url, '/api/signin/second-factor', {
      body: { challenge: first.body.challenge, code: user.code() },
    });
    expect(second.status).toBe(200);
    return sessionCookieOf(second);
  }

  /** A confirmed account with a password whose address the provider vouches for: the login links to it. */
  async function passwordUserWithSocialLogin(login: string): Promise<TestUser> {
    const user = await server.createUser({ emailVerified: true });
    idp.people.set(login, { email: user.email, email_verified: true });
    return user;
  }

  it('a password account that signed in through the provider on the login page is reused as fed, not pwd', async () => {
    const login = `amr-linked-page-${database}`;
    const user = await passwordUserWithSocialLogin(login);
    const browser = new FormBrowser(server.url);
    const { url, exchange } = await authorizationRequest();
    const toLoginPage = await socialLoginOnLoginPage(browser, idp, url, login);
    const { callback } = await authorizeInBrowser(server, toLoginPage.location!, user, { browser });
    const tokens = await exchange(callback);
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(tokens.claims()?.['amr']).toEqual(['fed']);

    // The account has both ways in: the password still signs in, and the identity is linked to it.
    const withPassword = await signInWithCookie(server.url, user.email, user.password);
    const linked = await request<{ provider: string }[]>(server.url, '/api/me/social-identities', {
      cookie: withPassword,
    });
    expect(linked.body.map((identity) => identity.provider)).toEqual(['google']);

    // Reusing the session the social login began: `fed`, where the account alone would suggest `pwd`.
    expect(await reuse(browser)).toEqual({ pages: [], issued: ['fed'] });
    // And the password session of the same account, reused: `pwd`.
    expect(await reuse(browserHolding(server, withPassword))).toEqual({ pages: [], issued: ['pwd'] });
  });

  it("a password account's social login at the API, then an authorization: amr is fed", async () => {
    const login = `amr-linked-api-${database}`;
    const user = await passwordUserWithSocialLogin(login);
    const swapped = await apiSocialLogin(login);
    expect(swapped.status).toBe(200);
    expect(await reuse(browserHolding(server, sessionCookieOf(swapped)))).toEqual({
      pages: ['/oauth2/consent'],
      issued: ['fed'],
    });
    expect(
      (await request<{ _id: string }>(server.url, '/api/me', { cookie: sessionCookieOf(swapped) })).body._id,
    ).toBe(user.id);
  });

  it('password + TOTP at the API, then an authorization: amr is pwd, otp, mfa', async () => {
    const user = await userWithTotp();
    const first = await request<{ challenge: string }>(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    expect(await reuse(browserHolding(server, await secondStep(first, user)))).toEqual({
      pages: ['/oauth2/consent'],
      issued: ['pwd', 'otp', 'mfa'],
    });
  });

  it('social login + TOTP at the API, then an authorization: amr is fed, otp, mfa', async () => {
    const user = await userWithTotp();
    const login = `amr-social-totp-api-${database}`;
    idp.people.set(login, { email: user.email, email_verified: true });
    const first = await apiSocialLogin(login);
    expect(await reuse(browserHolding(server, await secondStep(first, user)))).toEqual({
      pages: ['/oauth2/consent'],
      issued: ['fed', 'otp', 'mfa'],
    });
  });

  it('a session begun with the password before a second factor was enrolled says pwd alone', async () => {
    const user = await userWithTotp();
    // The account has a second factor now; the session it was enrolled in proved only the password.
    expect(await reuse(browserHolding(server, user.enrolledIn))).toEqual({
      pages: ['/oauth2/consent'],
      issued: ['pwd'],
    });
  });

  it('a session from before sessions recorded amr falls back to the guess from the account', async () => {
    const login = `amr-legacy-${database}`;
    const user = await passwordUserWithSocialLogin(login);
    const swapped = await apiSocialLogin(login);
    expect(swapped.status).toBe(200);
    // As a session written before migration 0028 (never read yet, so no instance holds it in its cache).
    await server.app.gatehouse.ctx.storage.db
      .updateTable('sessions')
      .set({ amr: null })
      .where('user_id', '=', user.id)
      .execute();
    expect(await reuse(browserHolding(server, sessionCookieOf(swapped)))).toEqual({
      pages: ['/oauth2/consent'],
      issued: ['pwd'],
    });
  });
});
