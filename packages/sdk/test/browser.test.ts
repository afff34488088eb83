import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseSDK } from '../src/index.js';
import { type AuthorizationServer, authorizationServers } from './support/authorization-servers/index.js';
import { launchChromium } from './support/chromium.js';
import { startTestServer, type TestServer } from './support/gatehouse-server.js';
import { type PageServer, type SdkWindow, startPageServer, waitForSdk } from './support/page-server.js';

/*
 * The SDK where browser apps run it: the built bundle in headless Chromium, on a page whose origin is
 * neither Gatehouse's nor the authorization server's. Cookie sessions across origins against a real
 * Gatehouse, social-login navigation, and an OAuth authorization-code round trip from the page.
 */

let browser: Browser;
let pages: PageServer;
let gatehouse: TestServer;
beforeAll(async () => {
  pages = await startPageServer();
  [browser, gatehouse] = await Promise.all([
    launchChromium(),
    startTestServer({ env: { GATEHOUSE_ALLOWED_ORIGINS: pages.origin } }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([pages?.close(), gatehouse?.close()]);
});

/** A fresh browser profile that reaches only 127.0.0.1 (oidc-provider's pages import a web font). */
async function isolatedContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  return context;
}

describe('in headless Chromium', () => {
  it("keeps seed 003's cookie session across origins with credentials 'include' (userinfo answers it), and auto mode prefers a token set", async () => {
    const user = await gatehouse.createUser();
    const context = await isolatedContext();
    const page = await pages.open(context);
    const session = await page.evaluate(
      async ({ appUrl, user }) => {
        const { createGatehouseClient } = (window as unknown as SdkWindow).Gatehouse;
        const client = createGatehouseClient({
          appUrl,
          auth: { mode: 'session', session: { enabled: true, credentials: 'include' } },
        });
        await client.authentication.signin({ username: user.email, password: user.password });
        const me = await client.authentication.getLoggedInUser();
        // Another client on the page, in auto mode with no token set: the cookie is the browser's.
        const sameBrowser = await createGatehouseClient({ appUrl }).authentication.getLoggedInUser();
        // Seed 003, "Checking Session Status", as written (only the URL adapted): userinfo answers the cookie.
        const endpoint = `${appUrl}/oauth2/userinfo`;
        const response = await fetch(endpoint, {
          method: 'GET',
          credentials: 'include',
          headers: { Accept: 'application/json' },
        });
        let loggedInAs: string | undefined;
        if (response.ok) {
          const userInfo = await response.json();
          loggedInAs = userInfo.sub;
        }
        return {
          me: me.email,
          meId: me._id,
          sameBrowser: sameBrowser.email,
          loggedInAs,
          readableCookies: document.cookie,
        };
      },
      { appUrl: gatehouse.url, user },
    );
    expect(session).toEqual({
      me: user.email,
      meId: expect.any(String),
      sameBrowser: user.email,
      loggedInAs: session.meId,
      readableCookies: '',
    });
    const cookies = await context.cookies(gatehouse.url);
    expect(cookies.find((cookie) => cookie.name.endsWith('gatehouse_session'))).toMatchObject({
      httpOnly: true,
    });

    // In a profile without the cookie, auto mode uses a stored token set, and falls back to the (absent) cookie without one.
    const signer = new GatehouseSDK({ appUrl: gatehouse.url });
    await signer.authentication.oAuthSignin({ username: user.email, password: user.password });
    const tokens = (await signer.auth.getTokenSet())!;
    const cookieless = await pages.open(await isolatedContext());
    const auto = await cookieless.evaluate(
      async ({ appUrl, tokens }) => {
        const { createGatehouseClient } = (window as unknown as SdkWindow).Gatehouse;
        const client = createGatehouseClient({ appUrl, auth: { mode: 'auto' } });
        await client.auth.setTokenSet(tokens);
        const withTokens = (await client.authentication.getLoggedInUser()).email;
        await client.auth.clearTokenSet();
        const withoutTokens = await client.authentication.getLoggedInUser().catch((error) => error.status);
        return { withTokens, withoutTokens };
      },
      { appUrl: gatehouse.url, tokens },
    );
    expect(auto).toEqual({ withTokens: user.email, withoutTokens: 401 });

    const afterLogout = await page.evaluate(async (appUrl) => {
      const { createGatehouseClient } = (window as unknown as SdkWindow).Gatehouse;
      const client = createGatehouseClient({ appUrl, auth: { mode: 'session' } });
      await client.authentication.logout();
      const userinfo = await fetch(`${appUrl}/oauth2/userinfo`, { credentials: 'include' });
      const me = await client.authentication.getLoggedInUser().then(
        () => 'still signed in',
        (error) => error.status,
      );
      return { me, userinfo: userinfo.status };
    }, gatehouse.url);
    expect(afterLogout).toEqual({ me: 401, userinfo: 401 });
    await context.close();
  });

  it('builds social-login URLs and navigates the page to them', async () => {
    const context = await isolatedContext();
    const page = await pages.open(context);
    const returnUrl = `${pages.origin}/auth/finish`;
    const built = await page.evaluate(
      ({ appUrl, returnUrl }) => {
        const { GatehouseSDK } = (window as unknown as SdkWindow).Gatehouse;
        return new GatehouseSDK({ appUrl }).authentication.getSocialLoginUrl('google', {
          state: 's 1',
          returnUrl,
        });
      },
      { appUrl: gatehouse.url, returnUrl },
    );
    const expected = new URL(`${gatehouse.url}/api/auth/google`);
    expected.search = new URLSearchParams({ state: 's 1', returnUrl }).toString();
    expect(built).toBe(expected.href);

    const navigation = page.waitForRequest((request) =>
      request.url().startsWith(`${gatehouse.url}/api/auth/github`),
    );
    await page.evaluate(
      ({ appUrl, returnUrl }) => {
        const { GatehouseSDK } = (window as unknown as SdkWindow).Gatehouse;
        new GatehouseSDK({ appUrl }).authentication.startSocialLogin('github', { state: 'xyz', returnUrl });
      },
      { appUrl: gatehouse.url, returnUrl },
    );
    const request = await navigation;
    expect(request.isNavigationRequest()).toBe(true);
    expect(Object.fromEntries(new URL(request.url()).searchParams)).toEqual({ state: 'xyz', returnUrl });
    await context.close();
  });

  it("warns once per page when a browser build is given a clientSecret (seed 003's warning)", async () => {
    const context = await isolatedContext();
    const page = await pages.open(context);
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await page.evaluate((appUrl) => {
      const { GatehouseSDK } = (window as unknown as SdkWindow).Gatehouse;
      const oauth = { clientId: 'confidential-app', clientSecret: 'shipped-by-mistake' };
      new GatehouseSDK({ appUrl, auth: { oauth } });
      new GatehouseSDK({ appUrl, auth: { oauth } });
      new GatehouseSDK({ appUrl, auth: { oauth: { clientId: 'public-app' } } });
    }, pages.origin);
    // Console events reach the test asynchronously: poll, for at most 5 s.
    await expect.poll(() => warnings.length, { timeout: 5000 }).toBe(1);
    await page.evaluate(() => 0); // events come in protocol order: a second warning would be here by now
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Do not embed clientSecret in shipped browser-only code/);
    expect(warnings[0]).not.toContain('shipped-by-mistake');
    await context.close();
  });
});

describe.each(authorizationServers)('an OAuth client on a page, against $name', ({ start }) => {
  let server: AuthorizationServer;
  beforeAll(async () => {
    server = await start({ redirectUris: [`${pages.origin}/callback`], allowedOrigins: [pages.origin] });
  });
  afterAll(() => server?.close());

  it('completes an authorization-code round trip from the page as a public client, refreshes after a 401, and revokes', async () => {
    const context = await isolatedContext();
    const page = await pages.open(context);
    const config = {
      appUrl: server.appUrl,
      clientId: server.clients.public.clientId,
      redirectUri: `${pages.origin}/callback`,
      scope: server.scope ?? 'openid email',
    };
    const authorizationUrl = await page.evaluate(async ({ appUrl, clientId, redirectUri, scope }) => {
      const { GatehouseSDK, SessionStorageTokenStore } = (window as unknown as SdkWindow).Gatehouse;
      const sdk = new GatehouseSDK({
        appUrl,
        auth: { oauth: { clientId, tokenStore: new SessionStorageTokenStore() } },
      });
      const request = await sdk.oauth2.buildAuthorizationUrl({ redirectUri, scope, maxAge: 600 });
      const { state, codeVerifier, nonce, maxAge } = request;
      sessionStorage.setItem('oauth', JSON.stringify({ state, codeVerifier, nonce, maxAge }));
      return request.url;
    }, config);

    await page.goto(authorizationUrl);
    await server.loginInPage(page);
    await page.waitForURL(`${config.redirectUri}?**`);
    await waitForSdk(page);

    /*
     * Every step below builds its client as a page would after a reload. The SDK's tolerance absorbs the
     * server's clock running ahead once expireAccessTokens has moved it (refreshed ID tokens carry its `iat`).
     */
    const signedIn = await page.evaluate(async ({ appUrl, clientId, redirectUri }) => {
      const { GatehouseSDK, SessionStorageTokenStore } = (window as unknown as SdkWindow).Gatehouse;
      const sdk = new GatehouseSDK({
        appUrl,
        auth: { oauth: { clientId, tokenStore: new SessionStorageTokenStore() } },
      });
      const saved = JSON.parse(sessionStorage.getItem('oauth') ?? '{}');
      const callback = sdk.oauth2.parseAuthorizationCallback(location.href, { expectedState: saved.state });
      if (callback.isError || !callback.code) return { error: callback.error };
      const { codeVerifier, nonce, maxAge } = saved;
      // The ID token's at_hash (when present) and, with maxAge, its auth_time are checked in the page too.
      const tokens = await sdk.oauth2.exchangeAuthorizationCode({
        code: callback.code,
        redirectUri,
        codeVerifier,
        nonce,
        maxAge,
      });
      history.replaceState({}, '', location.pathname);
      const me = await sdk.oauth2.userinfo();
      const stored = JSON.parse(sessionStorage.getItem('gatehouse.tokens') ?? '{}');
      return {
        sub: tokens.idTokenClaims?.sub,
        authTime: typeof tokens.idTokenClaims?.auth_time,
        userinfoSub: me.sub,
        email: typeof me.email,
        stored: stored.accessToken === tokens.accessToken,
      };
    }, config);
    // sdk.oauth2's implementation came as the chunk its first use loads, not with the entry.
    expect(pages.chunksServed.some((path) => path.startsWith('/engine-'))).toBe(true);
    expect(signedIn).toEqual({
      sub: server.subject,
      authTime: 'number',
      userinfoSub: server.subject,
      email: 'string',
      stored: true,
    });

    server.expireAccessTokens();
    const afterExpiry = await page.evaluate(async ({ appUrl, clientId }) => {
      const { GatehouseSDK, SessionStorageTokenStore } = (window as unknown as SdkWindow).Gatehouse;
      const sdk = new GatehouseSDK({
        appUrl,
        auth: { oauth: { clientId, tokenStore: new SessionStorageTokenStore(), clockToleranceSeconds: 120 } },
      });
      const before = await sdk.auth.getTokenSet();
      const me = await sdk.oauth2.userinfo();
      const after = await sdk.auth.getTokenSet();
      return {
        sub: me.sub,
        stillValidLocally: (before?.expiresAt ?? 0) > Date.now(),
        renewed: after?.accessToken !== before?.accessToken,
        rotated: after?.refreshToken !== before?.refreshToken,
      };
    }, config);
    expect(afterExpiry).toEqual({
      sub: server.subject,
      stillValidLocally: true,
      renewed: true,
      rotated: true,
    });

    const afterRevoke = await page.evaluate(async ({ appUrl, clientId }) => {
      const { GatehouseSDK, SessionStorageTokenStore } = (window as unknown as SdkWindow).Gatehouse;
      // session.enabled false: an app whose only credential is the token never falls back to cookies.
      const sdk = new GatehouseSDK({
        appUrl,
        auth: {
          oauth: { clientId, tokenStore: new SessionStorageTokenStore() },
          session: { enabled: false },
        },
      });
      await sdk.oauth2.revokeToken();
      const stored = sessionStorage.getItem('gatehouse.tokens');
      const refused = await sdk.oauth2.userinfo().then(
        () => null,
        (error) => error.status,
      );
      return { stored, refused };
    }, config);
    expect(afterRevoke).toEqual({ stored: null, refused: 401 });
    await context.close();
  });
});
