import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseSDK } from '../../sdk/src/index.js';
import {
  followAuthorization,
  redirectTarget,
} from '../../sdk/test/support/authorization-servers/form-browser.js';
import type { TestServer, TestUser } from '../../server/test/support/server.js';
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

const REDIRECT_URI = 'https://calendar.example/callback';

/**
 * Social sign-in and the OAuth server in the console, in headless Chromium against a real Gatehouse: an
 * admin configures a provider (its button appears on the sign-in page) and registers an OAuth client (the
 * secret shown once, rotated); a person connects that app through the real authorization flow and
 * disconnects it from the Security page. Admin pages are scanned with axe (CSP bypassed for axe's script);
 * the person's browser runs under the real policy.
 */
describe('social sign-in and OAuth clients in the web console', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: TestUser;
  let page: Page;
  let person: Page;
  let problems: string[];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
    admin = await server.createUser({ admin: true });
    ({ page } = await consoleContext(browser, { bypassCSP: true }));
    ({ page: person, problems } = await consoleContext(browser));
    page.setDefaultTimeout(10_000);
    person.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const dialog = () => page.locator('dialog[open]');

  it('configures a social provider; its button appears on the sign-in page', async () => {
    await signIn(page, server.url, admin.email, admin.password);
    await open(page, server.url, '/admin/providers', 'Social sign-in');
    await page.getByRole('button', { name: 'Add provider' }).click();
    await dialog().getByLabel('Name').fill('github');
    await dialog().getByLabel('Button label').fill('GitHub');
    await dialog().getByLabel('Client ID').fill('Iv1.console-test');
    await dialog().getByLabel('Client secret').fill('a-secret-that-never-comes-back');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsIn360px(page)).toBe(true);
    await dialog().getByRole('button', { name: 'Save provider' }).click();
    const row = page.locator('tbody tr', { hasText: 'GitHub' });
    await expect.poll(() => row.textContent()).toContain('Enabled');
    expect(await page.content()).not.toContain('a-secret-that-never-comes-back');
    await row.getByRole('button', { name: 'Edit GitHub' }).click();
    expect(await dialog().getByLabel('Callback URL to register with the provider').inputValue()).toBe(
      `${server.url}/api/auth/github/callback`,
    );
    expect(await dialog().textContent()).toContain('A secret is stored');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsIn360px(page)).toBe(true);
    await screenshots(page, 'admin-provider');
    await page.keyboard.press('Escape');
    // A second provider, deleted after a confirmation that names it; the first stays.
    await page.getByRole('button', { name: 'Add provider' }).click();
    await dialog().getByLabel('Name').fill('gitlab');
    await dialog().getByLabel('Button label').fill('GitLab');
    await dialog().getByLabel('Client ID').fill('gitlab-console-test');
    await dialog().getByLabel('Issuer (OpenID Connect providers)').fill('https://gitlab.example');
    await dialog().getByLabel('Enabled').uncheck();
    await dialog().getByRole('button', { name: 'Save provider' }).click();
    const gitlab = page.locator('tbody tr', { hasText: 'GitLab' });
    await expect.poll(() => gitlab.textContent()).toContain('Off');
    await gitlab.getByRole('button', { name: 'Delete GitLab' }).click();
    await dialog().getByRole('heading', { name: 'Delete GitLab?' }).waitFor();
    await dialog().getByRole('button', { name: 'Delete provider' }).click();
    await expect.poll(() => gitlab.count()).toBe(0);
    expect(await page.locator('tbody tr', { hasText: 'GitHub' }).count()).toBe(1);

    await person.goto(`${server.url}/console/signin`);
    const button = person.getByRole('link', { name: 'Continue with GitHub' });
    await button.waitFor();
    const target = new URL((await button.getAttribute('href')) ?? '');
    expect(target.pathname).toBe('/api/auth/github');
    expect(target.searchParams.get('returnUrl')).toBe(`${server.url}/console/social-callback`);

    // Coming back with a one-time code this tab did not ask for: refused, and the code leaves the URL.
    await person.goto(`${server.url}/console/social-callback?rt=not-a-real-code`);
    await person.getByRole('alert').waitFor();
    expect(new URL(person.url()).search).toBe('');
    expect(problems).toEqual([]);
  });

  let clientId = '';

  it('registers an OAuth client, shows its secret once, and rotates it', async () => {
    await open(page, server.url, '/admin/oauth-clients', 'OAuth clients');
    await page.getByRole('button', { name: 'Register client' }).click();
    await dialog().getByLabel('Name').fill('Billing');
    await dialog().getByLabel('Redirect URIs').fill('https://billing.example/callback');
    expect(await dialog().getByLabel('ID token signing algorithm').inputValue()).toBe('RS256');
    await dialog().getByRole('button', { name: 'Register client' }).click();
    await dialog().getByLabel('Client secret').waitFor();
    const first = await dialog().getByLabel('Client secret').inputValue();
    expect(first.length).toBeGreaterThan(20);
    await dialog().getByRole('button', { name: 'Done' }).click();
    const row = page.locator('tbody tr', { hasText: 'Billing' });
    await expect.poll(() => row.textContent()).toContain('Confidential');
    expect(await page.content()).not.toContain(first);

    await row.getByRole('button', { name: 'Rotate secret of Billing' }).click();
    await dialog().getByLabel('Client secret').waitFor();
    expect(await dialog().getByLabel('Client secret').inputValue()).not.toBe(first);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsIn360px(page)).toBe(true);
    await dialog().getByRole('button', { name: 'Done' }).click();

    // The ID-token algorithm is editable: the stored value shows when the form opens again.
    await row.getByRole('button', { name: 'Edit Billing' }).click();
    await dialog().getByLabel('ID token signing algorithm').selectOption('EdDSA');
    await dialog().getByRole('button', { name: 'Save client' }).click();
    await expect.poll(() => row.textContent()).toContain('EdDSA');
    await row.getByRole('button', { name: 'Edit Billing' }).click();
    expect(await dialog().getByLabel('ID token signing algorithm').inputValue()).toBe('EdDSA');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');

    // Edit: the form opens with the client's settings; saving shows the change in the table.
    await row.getByRole('button', { name: 'Edit Billing' }).click();
    await dialog().getByRole('heading', { name: 'Edit Billing' }).waitFor();
    expect(await dialog().getByLabel('Redirect URIs').inputValue()).toBe('https://billing.example/callback');
    await dialog().getByLabel('Name').fill('Billing portal');
    await dialog().getByRole('button', { name: 'Save client' }).click();
    const renamed = page.locator('tbody tr', { hasText: 'Billing portal' });
    await renamed.waitFor();
    // Delete asks first, naming the client; confirmed, the row goes.
    await renamed.getByRole('button', { name: 'Delete Billing portal' }).click();
    await dialog().getByRole('heading', { name: 'Delete Billing portal?' }).waitFor();
    await dialog().getByRole('button', { name: 'Delete client' }).click();
    await expect.poll(() => renamed.count()).toBe(0);

    // A public app for the person to connect.
    await page.getByRole('button', { name: 'Register client' }).click();
    await dialog().getByLabel('Name').fill('Calendar sync');
    await dialog().getByLabel('Redirect URIs').fill(REDIRECT_URI);
    await dialog().getByLabel('Allowed scopes').fill('openid email offline_access');
    await dialog().getByLabel('Public client').check();
    await dialog().getByLabel('ID token signing algorithm').selectOption('ES256');
    await dialog().getByRole('button', { name: 'Register client' }).click();
    clientId = await dialog().getByLabel('Client ID').inputValue();
    expect(await dialog().getByLabel('Client secret').count()).toBe(0);
    await dialog().getByRole('button', { name: 'Done' }).click();
    await screenshots(page, 'admin-oauth-clients');
  });

  it("lists the person's connected app on the Security page and disconnects it", async () => {
    const user = await server.createUser();
    // The app's side, through the real authorization flow (sign-in form and consent).
    // The token response is watched to read the ID token's header: signed as chosen in the console.
    const idTokens: string[] = [];
    const app = new GatehouseSDK({
      appUrl: server.url,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (new URL(String(input)).pathname === '/oauth2/token') {
          const body = (await response.clone().json()) as { id_token?: string };
          if (body.id_token) idTokens.push(body.id_token);
        }
        return response;
      },
      auth: { oauth: { clientId, scope: 'openid email offline_access' } },
    });
    const request = await app.oauth2.buildAuthorizationUrl({
      redirectUri: REDIRECT_URI,
      scope: 'openid email offline_access',
    });
    const callbackUrl = await followAuthorization(server.url, request.url, async (form, url, formBrowser) => {
      const hidden = (name: string) =>
        new RegExp(`name="${name}" value="([^"]*)"`).exec(form.html)?.[1] ?? '';
      const { pathname } = new URL(url);
      const base = { interaction: hidden('interaction'), csrf: hidden('csrf') };
      const fields =
        pathname === '/oauth2/login'
          ? { ...base, username: user.email, password: user.password }
          : { ...base, decision: 'allow' };
      return redirectTarget(
        await formBrowser.post(`${server.url}${pathname}`, fields, { origin: server.url }),
        pathname,
      );
    });
    const code =
      app.oauth2.parseAuthorizationCallback(callbackUrl, { expectedState: request.state }).code ?? '';
    await app.oauth2.exchangeAuthorizationCode({
      code,
      redirectUri: REDIRECT_URI,
      codeVerifier: request.codeVerifier,
    });
    expect(idTokens).toHaveLength(1);
    const header = JSON.parse(Buffer.from(idTokens[0]?.split('.')[0] ?? '', 'base64url').toString()) as {
      alg: string;
    };
    expect(header.alg).toBe('ES256');

    await signIn(person, server.url, user.email, user.password);
    await open(person, server.url, '/security', 'Security');
    const card = person.getByRole('region', { name: 'Connected apps' });
    await expect.poll(() => card.textContent()).toContain('Calendar sync');
    expect(await card.textContent()).toContain('offline_access');
    await card.getByRole('button', { name: 'Disconnect Calendar sync' }).click();
    await person.locator('dialog[open]').getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(() => card.textContent()).toContain('No connected apps');
    await expect(app.oauth2.refreshToken()).rejects.toMatchObject({ code: 'REFRESH_FAILED' });
    expect(problems).toEqual([]);
  });
});
