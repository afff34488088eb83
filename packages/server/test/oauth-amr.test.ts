import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../src/features/second-factor/totp.js';
import { request, signInWithCookie } from './support/http.js';
import {
  authorizeInBrowser,
  FormBrowser,
  hiddenField,
  type OAuthTestServer,
  REDIRECT_URI,
  startOAuthServer,
} from './support/oauth.js';
import { type TestUser, testDatabases } from './support/server.js';
import { loginAtIdp, type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

const decodeHtml = (value: string) => value.replaceAll('&amp;', '&');
const socialLink = (html: string) => {
  const href = /<a class="social" href="([^"]+)">/.exec(html)?.[1];
  if (!href) throw new Error('the login page shows no social button');
  return decodeHtml(href);
};

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
    await server.app.gatehouse.social.providers.set('google', {
      clientId: idp.clients.google.clientId,
      clientSecret: idp.clients.google.clientSecret,
      issuer: idp.issuer,
      returnOrigins: [],
      enabled: true,
    });
    const registered = await server.register();
    config = await client.discovery(
      new URL(server.url),
      registered.clientId,
      registered.clientSecret,
      undefined,
      { execute: [client.allowInsecureRequests] },
    );
  });
  afterAll(async () => {
    await idp?.close();
    await server?.close();
  });

  /**
   * A user with a confirmed TOTP factor. The confirmation spends the code of the previous 30-second
   * window (accepted: one step of drift either side), so the current window's code is still unused.
   */
  async function userWithTotp(): Promise<TestUser & { code: () => string }> {
    const user = await server.createUser({ emailVerified: true });
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const enrol = await request<{ secret: string }>(server.url, '/api/me/second-factor/totp', {
      method: 'POST',
      cookie,
    });
    const confirmed = await request(server.url, '/api/me/second-factor/totp/confirm', {
      cookie,
      body: { code: currentTotp(enrol.body.secret, Date.now() - 30_000) },
    });
    expect(confirmed.status).toBe(200);
    return { ...user, code: () => currentTotp(enrol.body.secret, Date.now()) };
  }

  async function authorizationRequest() {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const exchange = (callback: URL) =>
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    return { url: url.href, exchange };
  }

  /** The amr of the ID token, and of the ID token that a refresh of the same grant brings. */
  async function amrOf(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers) {
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    return { issued: tokens.claims()?.['amr'], refreshed: refreshed.claims()?.['amr'] };
  }

  it('password + TOTP: amr is pwd, otp, mfa', async () => {
    const user = await userWithTotp();
    const { url, exchange } = await authorizationRequest();
    const { callback, pages } = await authorizeInBrowser(server, url, user, { code: user.code });
    expect(pages).toEqual(['/oauth2/login', 'second-factor', '/oauth2/consent']);
    const tokens = await exchange(callback);
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(await amrOf(tokens)).toEqual({ issued: ['pwd', 'otp', 'mfa'], refreshed: ['pwd', 'otp', 'mfa'] });
  });

  it('social login + TOTP: amr is fed, otp, mfa (no password was used)', async () => {
    const user = await userWithTotp();
    const login = `amr-social-${database}`;
    idp.people.set(login, { email: user.email, email_verified: true });

    const browser = new FormBrowser(server.url);
    const { url, exchange } = await authorizationRequest();
    const loginPage = await browser.get((await browser.get(url)).location!);
    const toProvider = await browser.get(socialLink(loginPage.html));
    expect(toProvider.status).toBe(302);
    const back = await loginAtIdp(idp, toProvider.location!, login);
    const toLoginPage = await browser.get(back.href);
    expect(toLoginPage.location).toMatch(/\/oauth2\/social\?/);
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
    const loginPage = await browser.get((await browser.get(url)).location!);
    const toProvider = await browser.get(socialLink(loginPage.html));
    const back = await loginAtIdp(idp, toProvider.location!, `amr-social-only-${database}`);
    const toLoginPage = await browser.get(back.href);
    const { callback } = await authorizeInBrowser(server, toLoginPage.location!, server.user, { browser });
    const tokens = await exchange(callback);
    expect(await amrOf(tokens)).toEqual({ issued: ['fed'], refreshed: ['fed'] });

    // The next authorization finds the browser signed in (no login page): the session does not record how
    // it began, but an account without a password can only have come through the provider.
    const again = await authorizationRequest();
    const { callback: silent, pages } = await authorizeInBrowser(server, again.url, server.user, { browser });
    expect(pages).toEqual([]);
    expect(await amrOf(await again.exchange(silent))).toEqual({ issued: ['fed'], refreshed: ['fed'] });
  });
});
