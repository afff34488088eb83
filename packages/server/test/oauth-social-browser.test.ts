import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, seriousViolations } from './support/chromium.js';
import { type OAuthTestServer, REDIRECT_URI, startOAuthServer } from './support/oauth.js';
import { authorizationRequest, discoverClient } from './support/relying-party.js';
import { type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

/** Where the login page's screenshot goes (not committed); print it with GATEHOUSE_SCREENSHOT_DIR set. */
const SCREENSHOT = join(
  process.env['GATEHOUSE_SCREENSHOT_DIR'] ?? tmpdir(),
  'oauth-login-social-buttons-1280.png',
);

/*
 * The login page's social buttons in a real browser (issue 11 item 3, "social buttons once social login
 * exists"): an OAuth client (openid-client) starts an authorization; the login page shows one "Continue
 * with …" per enabled provider and none for a disabled one; clicking one goes through the upstream
 * provider's own login and consent pages (oidc-provider), back through Gatehouse's consent page, to the
 * client's redirect_uri with a code that openid-client exchanges. The page passes an axe-core scan.
 */
describe('social buttons on the OAuth login page in Chromium', () => {
  let server: OAuthTestServer;
  let idp: OidcIdp;
  let browser: Browser;

  beforeAll(async () => {
    server = await startOAuthServer('sqlite');
    [idp, browser] = await Promise.all([startOidcIdp(server.url), launchChromium()]);
    const { providers } = server.app.gatehouse.social;
    const upstream = (name: 'google' | 'corp' | 'linkedin', enabled: boolean) => ({
      clientId: idp.clients[name].clientId,
      clientSecret: idp.clients[name].clientSecret,
      issuer: idp.issuer,
      returnOrigins: [],
      enabled,
    });
    await providers.set('google', upstream('google', true));
    await providers.set('corp', { ...upstream('corp', true), displayName: 'Corp SSO' });
    // Configured but off: no button.
    await providers.set('linkedin', upstream('linkedin', false));
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await server?.close();
  });

  it('shows a button per enabled provider; one goes through the provider and back to the client with a code', async () => {
    const registered = await server.register({ name: 'Photo Album' });
    const config = await discoverClient(server, registered.clientId, registered.clientSecret);
    const { url, exchange } = await authorizationRequest(config, 'openid email');

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Only the servers of this test: oidc-provider's pages link a web font from the network.
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) =>
      new URL(route.request().url()).origin === new URL(REDIRECT_URI).origin
        ? route.fulfill({ status: 200, contentType: 'text/html', body: '<p>client callback</p>' })
        : route.abort(),
    );
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });

    await page.goto(url.href);
    expect(new URL(page.url()).pathname).toBe('/oauth2/login');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    const buttons = page.getByRole('link', { name: /^Continue with / });
    expect((await buttons.allTextContents()).sort()).toEqual([
      'Continue with Corp SSO',
      'Continue with Google',
    ]);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing the page did broke its CSP (no script, no inline handler): the console has no error.
    expect(errors).toEqual([]);

    await page.getByRole('link', { name: 'Continue with Google' }).click();
    // oidc-provider's development login page, then its consent page.
    await page.waitForURL(`${idp.issuer}/**`);
    await page.locator('input[name="login"]').fill('grace-in-chromium');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached' });
    await page.locator('button[type="submit"]').click();

    // Back at Gatehouse, signed in by the provider: its consent page for the client.
    await page.waitForURL(/\/oauth2\/consent\?/);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Allow Photo Album?');
    expect(await page.locator('main').textContent()).toContain('grace-in-chromium@example.test');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${REDIRECT_URI}?**`);

    const tokens = await exchange(new URL(page.url()));
    expect(tokens.claims()).toMatchObject({ email: 'grace-in-chromium@example.test', amr: ['fed'] });
    // The browser is now signed in to Gatehouse itself, as after the password form.
    const cookies = await context.cookies(server.url);
    expect(cookies.find((cookie) => cookie.name === 'gatehouse_session')).toMatchObject({ httpOnly: true });
    await context.close();
  });
});
