import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeInBrowser,
  authorizeUrl,
  FormBrowser,
  hiddenField,
  type OAuthTestServer,
  pkce,
  postForm,
  REDIRECT_URI,
  socialLinks,
  startOAuthServer,
} from './support/oauth.js';
import { enrolTotp } from './support/second-factor.js';
import { testDatabases } from './support/server.js';
import { enableIdpProviders } from './support/social-flow.js';
import { loginAtIdp, type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/*
 * Issue 11 item 3, "social buttons once social login exists": the authorization server's login page offers
 * the enabled social providers; the social login (oidc-provider as the upstream `google`) comes back to the
 * same authorization, which finishes with a code for the client. The way back is bound to the browser that
 * started it by the interaction cookie and its CSRF token (carried as the social login's state).
 */
describe.each(testDatabases)('social sign-in on the OAuth login page on %s', (database) => {
  let server: OAuthTestServer;
  let idp: OidcIdp;
  let client: { id: string; secret: string };

  beforeAll(async () => {
    server = await startOAuthServer(database);
    idp = await startOidcIdp(server.url);
    await enableIdpProviders(server, idp, []);
    const registered = await server.register();
    client = { id: registered.clientId, secret: registered.clientSecret! };
  });
  afterAll(async () => {
    await idp?.close();
    await server?.close();
  });

  /** Opens the login page of a fresh authorization in `browser`; resolves to the page and the PKCE verifier. */
  async function loginPage(browser: FormBrowser, extra: Record<string, string> = {}) {
    const { verifier, challenge } = pkce();
    const url = authorizeUrl(server, client.id, {
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    const started = await browser.get(url);
    expect(started.location).toMatch(/\/oauth2\/login\?interaction=/);
    return { page: await browser.get(started.location!), verifier, loginUrl: started.location! };
  }

  it('offers "Continue with Google", and the social login finishes the authorization with a code', async () => {
    const browser = new FormBrowser(server.url);
    const { page, verifier } = await loginPage(browser);
    const [google, ...others] = socialLinks(page.html);
    expect(others).toEqual([]);
    expect(google?.label).toBe('Continue with Google');
    const start = new URL(google!.href);
    expect(start.pathname).toBe('/api/auth/google');
    expect(new URL(start.searchParams.get('returnUrl') ?? '').pathname).toBe('/oauth2/social');

    const toProvider = await browser.get(google!.href);
    expect(toProvider.status).toBe(302);
    const back = await loginAtIdp(idp, toProvider.location!, `oauth-social-${database}`);
    const toGatehouse = await browser.get(back.href);
    expect(toGatehouse.location).toMatch(/\/oauth2\/social\?.*rt=/);
    const { callback } = await authorizeInBrowser(server, toGatehouse.location!, server.user, { browser });
    const code = callback.searchParams.get('code');
    expect(code).toBeTruthy();
    const tokens = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'authorization_code', code: code!, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      client,
    );
    expect(tokens.status).toBe(200);
    const claims = claimsOf(String(tokens.body['id_token']));
    expect(claims).toMatchObject({ email: `oauth-social-${database}@example.test`, amr: ['fed'] });
    expect(claims['sub']).not.toBe(server.user.id);
  });

  it('finishes only in the browser that started it, with its CSRF token, and never spends the code otherwise', async () => {
    const browser = new FormBrowser(server.url);
    const { page } = await loginPage(browser);
    const toProvider = await browser.get(socialLinks(page.html)[0]!.href);
    const back = await loginAtIdp(idp, toProvider.location!, `oauth-social-bound-${database}`);
    const returned = new URL((await browser.get(back.href)).location!);

    // Another browser (no interaction cookie), then this browser with a forged state: error pages, no session.
    const stranger = await new FormBrowser(server.url).get(returned.href);
    expect(stranger.status).toBe(400);
    expect(stranger.location).toBeUndefined();
    const forged = new URL(returned);
    forged.searchParams.set('state', 'not-the-csrf-token');
    const refused = await browser.get(forged.href);
    expect(refused.status).toBe(403);
    expect(refused.headers.getSetCookie().some((line) => line.startsWith('gatehouse_session='))).toBe(false);

    // The real way back still works: the code was not spent by the refused attempts.
    const done = await browser.get(returned.href);
    expect(done.status).toBe(303);
    expect(done.headers.getSetCookie().some((line) => line.startsWith('gatehouse_session='))).toBe(true);
  });

  it('says what went wrong when the provider sends an error back, and offers the buttons again', async () => {
    const browser = new FormBrowser(server.url);
    const { page } = await loginPage(browser);
    const returnUrl = new URL(new URL(socialLinks(page.html)[0]!.href).searchParams.get('returnUrl')!);
    const state = new URL(socialLinks(page.html)[0]!.href).searchParams.get('state')!;
    returnUrl.searchParams.set('state', state);
    returnUrl.searchParams.set('error', 'access_denied');
    const answer = await browser.get(returnUrl.href);
    expect(answer.status).toBe(400);
    expect(answer.html).toContain('did not complete (access_denied)');
    expect(socialLinks(answer.html)).toHaveLength(1);
  });

  it('asks for the second factor of an account that has one before the authorization goes on', async () => {
    const user = await server.createUser({ emailVerified: true });
    // A recovery code answers the step: the TOTP code of this 30-second window is spent by the confirmation.
    const { recoveryCodes } = await enrolTotp(server, user);
    const login = `oauth-social-2fa-${database}`;
    idp.people.set(login, { email: user.email, email_verified: true });

    const browser = new FormBrowser(server.url);
    const { page } = await loginPage(browser);
    const toProvider = await browser.get(socialLinks(page.html)[0]!.href);
    const back = await loginAtIdp(idp, toProvider.location!, login);
    const secondFactor = await browser.get((await browser.get(back.href)).location!);
    expect(secondFactor.status).toBe(200);
    expect(secondFactor.html).toContain('name="challenge"');
    expect(secondFactor.headers.getSetCookie().some((line) => line.startsWith('gatehouse_session='))).toBe(
      false,
    );
    const verifiedAnswer = await browser.post('/oauth2/login', {
      interaction: hiddenField(secondFactor.html, 'interaction'),
      csrf: hiddenField(secondFactor.html, 'csrf'),
      challenge: hiddenField(secondFactor.html, 'challenge'),
      code: recoveryCodes[0]!,
    });
    expect(verifiedAnswer.status).toBe(303);
    expect(verifiedAnswer.headers.getSetCookie().some((line) => line.startsWith('gatehouse_session='))).toBe(
      true,
    );
  });

  it('shows no social button to a browser already signed in (prompt=login): it would link, not sign in', async () => {
    const browser = new FormBrowser(server.url);
    await authorizeInBrowser(server, authorizeUrl(server, client.id, pkceParams()), server.user, { browser });
    const { page } = await loginPage(browser, { prompt: 'login' });
    expect(page.html).toContain('name="password"');
    expect(socialLinks(page.html)).toEqual([]);
  });
});

function pkceParams() {
  return { code_challenge: pkce().challenge, code_challenge_method: 'S256' };
}
