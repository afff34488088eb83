import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { type OAuthTestServer, REDIRECT_URI, startOAuthServer } from './support/oauth.js';
import { authorizationRequest, discoverClient } from './support/relying-party.js';

/*
 * The code flow once in a real browser (headless Chromium): the login and consent pages as a person sees
 * them (no script, CSP on), the redirect back to the client, and openid-client finishing the exchange.
 */
describe('the OAuth pages in Chromium', () => {
  let server: OAuthTestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startOAuthServer('sqlite');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in, consents, and lands on the callback with a code openid-client exchanges', async () => {
    const registered = await server.register();
    const config = await discoverClient(server, registered.clientId, registered.clientSecret);
    const { url, exchange } = await authorizationRequest(config, 'openid email');
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(message.text());
    });
    // The client's callback, served by the test instead of the network.
    await context.route(`${new URL(REDIRECT_URI).origin}/**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<p>client callback</p>' }),
    );
    await page.goto(url.href);
    expect(new URL(page.url()).pathname).toBe('/oauth2/login');
    await page.getByLabel('Email or username').fill(server.user.email);
    await page.getByLabel('Password').fill(server.user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/oauth2\/consent/);
    await expect.poll(() => page.getByText('See your email address').count()).toBe(1);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${REDIRECT_URI}?**`);
    expect(violations).toEqual([]);
    const tokens = await exchange(new URL(page.url()));
    expect(tokens.claims()).toMatchObject({ sub: server.user.id, email: server.user.email });
    await context.close();
  });
});
