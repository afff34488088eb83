import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { type OAuthTestServer, REDIRECT_URI, startOAuthServer } from './support/oauth.js';
import { type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

/** Where the login page's screenshot goes (not committed); print it with GATEHOUSE_SCREENSHOT_DIR set. */
const SCREENSHOT = join(
  process.env['GATEHOUSE_SCREENSHOT_DIR'] ?? tmpdir(),
  'oauth-login-social-buttons-1280.png',
);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's WCAG 2.x A/AA and best-practice rules: the serious and critical violations of the page. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const { axe } = window as unknown as {
      axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> };
    };
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations;
  })) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} at ${JSON.stringify(violation.nodes)}`);
}

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
    const config = await client.discovery(
      new URL(server.url),
      registered.clientId,
      registered.clientSecret,
      undefined,
      { execute: [client.allowInsecureRequests] },
    );
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });

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

    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.claims()).toMatchObject({ email: 'grace-in-chromium@example.test', amr: ['fed'] });
    // The browser is now signed in to Gatehouse itself, as after the password form.
    const cookies = await context.cookies(server.url);
    expect(cookies.find((cookie) => cookie.name === 'gatehouse_session')).toMatchObject({ httpOnly: true });
    await context.close();
  });
});
