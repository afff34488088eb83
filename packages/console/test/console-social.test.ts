import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/test/support/server.js';
import { deliverCallback, startSocialLogin } from '../../server/test/support/social-flow.js';
import { loginAtIdp, type OidcIdp, startOidcIdp } from '../../server/test/support/upstream-idp.js';
import {
  consoleContext,
  fitsIn360px,
  launchChromium,
  open,
  screenshots,
  seriousViolations,
  signIn,
  startConsoleServer,
} from './support.js';

/**
 * Social sign-in from the console end to end, in headless Chromium under the console's strict policy, with
 * a real OpenID provider upstream (oidc-provider with its development login and consent pages, on
 * 127.0.0.1, configured as `google`): the sign-in page's button → the provider → back with a one-time code
 * → signed in; two tabs signing in at once; and linking an identity from the profile (with the password
 * asked again once the sign-in is old), listing it and unlinking it.
 */
describe('social sign-in and linked accounts in the web console', () => {
  let server: TestServer;
  let browser: Browser;
  let idp: OidcIdp;
  let offsetMs = 0;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startConsoleServer({}, { now: () => Date.now() + offsetMs }),
      launchChromium(),
    ]);
    idp = await startOidcIdp(server.url);
    await server.app.gatehouse.social.providers.set('google', {
      displayName: 'Google',
      clientId: idp.clients.google.clientId,
      clientSecret: idp.clients.google.clientSecret,
      issuer: idp.issuer,
      returnOrigins: [],
      enabled: true,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await server?.close();
  });

  /** A console browser that reaches only 127.0.0.1 (oidc-provider's pages import a web font). */
  async function isolated(width = 1280) {
    const opened = await consoleContext(browser, { width });
    await opened.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
    opened.page.setDefaultTimeout(15_000);
    contexts.push(opened.context);
    return opened;
  }

  /** At oidc-provider's development pages: signs in as `login` (any password), consenting if asked. */
  async function throughProvider(page: Page, login: string): Promise<void> {
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    const consent = page.locator('input[name="prompt"][value="consent"]');
    await Promise.race([
      consent.waitFor({ state: 'attached' }).then(() => page.locator('button[type="submit"]').click()),
      page.waitForURL(`${server.url}/console/**`),
    ]);
    await page.waitForURL(`${server.url}/console/**`);
  }

  const me = (page: Page) =>
    page.evaluate(async () => {
      const response = await fetch('/api/me', { credentials: 'same-origin' });
      return response.ok ? ((await response.json()) as { email: string }).email : `HTTP ${response.status}`;
    });

  it('signs in with the provider: sign-in page → provider → back with rt → signed in, rt gone', async () => {
    const { page, problems } = await isolated();
    const addresses: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) addresses.push(frame.url());
    });
    await page.goto(`${server.url}/console/signin`);
    await page.getByRole('link', { name: 'Continue with Google' }).click();
    await page.waitForURL(`${idp.issuer}/**`);
    await throughProvider(page, 'grace');
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Profile');
    expect(await me(page)).toBe('grace@example.test');
    // The console was reached with the one-time code, and took it out of the address bar.
    expect(addresses.some((a) => a.startsWith(`${server.url}/console/social-callback?rt=`))).toBe(true);
    expect(page.url()).not.toContain('rt=');
    // Only its identity signs this account in: unlinking it is refused with the server's reason.
    const card = page.getByRole('region', { name: 'Linked accounts' });
    await expect.poll(() => card.textContent()).toContain('grace@example.test');
    await card.getByRole('button', { name: 'Unlink Google' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Unlink' }).click();
    await expect
      .poll(() => page.locator('dialog[open] [role=alert]').textContent())
      .toMatch(/only way to sign in|last/i);
    expect(problems).toEqual([]);
  });

  it('does not sign in with a one-time code this tab did not ask for (a planted return link)', async () => {
    // Mallory finishes a login as herself and sends the console's return link, with her rt, to a victim.
    const started = await startSocialLogin(server, 'google', {
      returnUrl: `${server.url}/console/social-callback`,
    });
    const back = await loginAtIdp(idp, started.location, 'mallory');
    const planted = (await deliverCallback(server, back, started.stateCookie)).location;
    expect(new URL(planted).searchParams.get('rt')).toBeTruthy();
    const { page, problems } = await isolated();
    await page.goto(planted);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not started from this page');
    expect(new URL(page.url()).search).toBe('');
    expect(await me(page)).toBe('HTTP 401');
    expect(problems).toEqual([]);
  });

  it('lets two tabs of one browser sign in with the provider at the same time', async () => {
    const { context, page: first } = await isolated();
    const second = await context.newPage();
    second.setDefaultTimeout(15_000);
    for (const tab of [first, second]) {
      await tab.goto(`${server.url}/console/signin`);
      await tab.getByRole('link', { name: 'Continue with Google' }).click();
      await tab.locator('input[name="login"]').waitFor();
    }
    // Both logins are in flight (two state cookies); the second tab finishes first.
    const stateCookies = (await context.cookies(server.url)).filter((c) =>
      c.name.startsWith('gatehouse_social_state_'),
    );
    expect(stateCookies).toHaveLength(2);
    await throughProvider(second, 'tabs');
    await expect.poll(() => second.locator('h1').first().textContent()).toBe('Profile');
    await throughProvider(first, 'tabs');
    await expect.poll(() => first.locator('h1').first().textContent()).toBe('Profile');
    expect(await me(first)).toBe('tabs@example.test');
    expect(
      (await context.cookies(server.url)).filter((c) => c.name.startsWith('gatehouse_social_state_')),
    ).toEqual([]);
  });

  it('links an identity from the profile, asking for the password once the sign-in is old, and unlinks it', async () => {
    const user = await server.createUser();
    const { page, problems } = await isolated();
    await signIn(page, server.url, user.email, user.password);
    const card = page.getByRole('region', { name: 'Linked accounts' });
    await expect.poll(() => card.textContent()).toContain('No linked accounts');

    // A recent sign-in goes straight to the provider, and comes back to the profile.
    await card.getByRole('button', { name: 'Link Google', exact: true }).click();
    await page.waitForURL(`${idp.issuer}/**`);
    await throughProvider(page, 'ada-linked');
    await page.locator('h1', { hasText: 'Profile' }).waitFor();
    await expect.poll(() => card.textContent()).toContain('Your Google account is linked');
    await expect.poll(() => card.textContent()).toContain('ada-linked@example.test');
    expect(new URL(page.url()).search).toBe('');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsIn360px(page)).toBe(true);
    await screenshots(page, 'profile-linked-accounts');

    // The identity now signs in to this account.
    const { page: elsewhere } = await isolated();
    await elsewhere.goto(`${server.url}/console/signin`);
    await elsewhere.getByRole('link', { name: 'Continue with Google' }).click();
    await throughProvider(elsewhere, 'ada-linked');
    await expect.poll(() => elsewhere.locator('h1').first().textContent()).toBe('Profile');
    expect(await me(elsewhere)).toBe(user.email);

    // Ten minutes later linking asks for the password first (a wrong one is refused with the reason).
    offsetMs = 10 * 60_000;
    try {
      await page.reload();
      await card.getByRole('button', { name: 'Link Google', exact: true }).click();
      const dialog = page.locator('dialog[open]');
      await dialog.getByLabel('Current password').fill('not my password');
      await dialog.getByRole('button', { name: 'Continue to Google' }).click();
      await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('incorrect');
      expect(await seriousViolations(page)).toEqual([]);
      await dialog.getByLabel('Current password').fill(user.password);
      await dialog.getByRole('button', { name: 'Continue to Google' }).click();
      // The provider remembers the person and their consent, so it sends the browser straight back.
      await page.waitForURL(`${server.url}/console/profile?linked=google*`);
      await expect.poll(() => card.textContent()).toContain('Your Google account is linked');
    } finally {
      offsetMs = 0;
    }

    await card.getByRole('button', { name: 'Unlink Google' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Unlink' }).click();
    await expect.poll(() => card.textContent()).toContain('No linked accounts');
    expect(problems).toEqual([]);
  });

  it('keeps the admin search button on the line of its field on a 360 px screen', async () => {
    const admin = await server.createUser({ admin: true });
    const { page } = await isolated(360);
    await signIn(page, server.url, admin.email, admin.password);
    await open(page, server.url, '/admin/users', 'Users');
    const field = await page.locator('#user-search').boundingBox();
    const button = await page.getByRole('button', { name: 'Search', exact: true }).boundingBox();
    expect(field && button).toBeTruthy();
    // Same line: the button's vertical middle is within the field's height, and it is right of the field.
    const middle = (button?.y ?? 0) + (button?.height ?? 0) / 2;
    expect(middle).toBeGreaterThan(field?.y ?? 0);
    expect(middle).toBeLessThan((field?.y ?? 0) + (field?.height ?? 0));
    expect(button?.x).toBeGreaterThan(field?.x ?? 0);
    // One line of text: the label does not wrap inside the button.
    expect(
      await page.getByRole('button', { name: 'Search', exact: true }).evaluate((b) => b.scrollHeight <= 40),
    ).toBe(true);
    expect(await fitsIn360px(page)).toBe(true);
  });
});
