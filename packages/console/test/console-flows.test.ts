import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestUser } from '../../server/test/support/server.js';
import { consoleContext, launchChromium, open, signIn, startConsoleServer } from './support.js';

/**
 * The console in headless Chromium against a real Gatehouse: what a person does with it, end to end, under
 * the console's strict Content-Security-Policy (any CSP or Trusted Types violation fails the test).
 * One server and one browser for the file; contexts are separate browsers (separate cookie jars).
 */
describe('the web console in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const person = { email: `ada-${Date.now()}@example.test`, password: 'correct horse battery staple' };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
    ({ page, problems } = await consoleContext(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);

  it('signs up a new account and lands on its profile', async () => {
    await page.goto(`${server.url}/console/signup`);
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Lovelace');
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Profile');
    await expect.poll(() => page.locator('.whoami').textContent()).toContain(person.email);
    expect(await page.getByLabel('First name').inputValue()).toBe('Ada');
  });

  it("signs out, shows the server's message for a wrong password, and signs in", async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    await page.getByLabel('Email or username').fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Incorrect username or password');
    await page.getByLabel('Password', { exact: true }).fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Profile');
  });

  let token = '';

  it('signs in and creates an API token with the keyboard only, and copies it', async () => {
    const keyboard = await consoleContext(browser);
    const kb = keyboard.page;
    await kb.goto(`${server.url}/console/signin`);
    await kb.locator('h1').waitFor();
    const focused = () =>
      kb.evaluate(
        () =>
          document.activeElement?.getAttribute('aria-label') ??
          document.activeElement?.textContent?.trim() ??
          '',
      );
    const tabTo = async (check: () => Promise<boolean>) => {
      // Bounded: a control more than 40 tab stops away is a navigation bug in itself.
      for (let i = 0; i < 40; i += 1) {
        if (await check()) return;
        await kb.keyboard.press('Tab');
      }
      throw new Error('control not reachable with Tab');
    };
    await tabTo(() =>
      kb.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name === 'username'),
    );
    await kb.keyboard.type(person.email);
    await kb.keyboard.press('Tab');
    await kb.keyboard.type(person.password);
    await kb.keyboard.press('Enter');
    await expect.poll(() => kb.locator('h1').textContent()).toBe('Profile');

    await tabTo(async () => (await focused()) === 'API tokens');
    // Focus is visible: the focused link has an outline the user can see.
    const outline = await kb.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    expect(outline).not.toBe('none');
    await kb.keyboard.press('Enter');
    await expect.poll(() => kb.locator('h1').textContent()).toBe('API tokens');
    await tabTo(async () => (await focused()) === 'Create token');
    const ring = await kb.evaluate(() => getComputedStyle(document.activeElement as Element).boxShadow);
    expect(ring).not.toBe('none');
    await kb.keyboard.press('Enter');
    // The native dialog puts focus on its first control: the name.
    await expect
      .poll(() =>
        kb.evaluate(
          () =>
            document.activeElement?.id &&
            document.querySelector(`label[for="${document.activeElement.id}"]`)?.textContent,
        ),
      )
      .toBe('Name');
    await kb.keyboard.type('CI pipeline');
    await kb.keyboard.press('Enter');
    await expect.poll(() => kb.getByRole('heading', { name: 'Copy your new token' }).count()).toBe(1);
    expect(await kb.getByText('This is the only time the token is shown').count()).toBe(1);
    const shown = await kb.getByLabel('Token for “CI pipeline”').inputValue();
    expect(shown.length).toBeGreaterThan(20);
    await tabTo(async () => (await focused()) === 'Copy');
    await kb.keyboard.press('Enter');
    await expect.poll(() => kb.getByRole('button', { name: 'Copied' }).count()).toBe(1);
    token = await kb.evaluate(() => navigator.clipboard.readText());
    expect(token).toBe(shown);
    await kb.keyboard.press('Escape');
    await expect.poll(() => kb.locator('dialog[open]').count()).toBe(0);
    expect(await kb.locator('tr', { hasText: 'CI pipeline' }).count()).toBe(1);
    expect(keyboard.problems).toEqual([]);
    await keyboard.context.close();
  });

  it('shows Last used change after the token is used from Node, and refuses it once revoked', async () => {
    await open(page, server.url, '/tokens', 'API tokens');
    const row = page.locator('tr', { hasText: 'CI pipeline' });
    expect(await row.locator('[data-column="last-used"]').textContent()).toBe('Never used');

    const used = await api('/api/me', { headers: { 'x-api-key': token } });
    expect(used.status).toBe(200);
    expect(((await used.json()) as { email: string }).email).toBe(person.email);

    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => row.locator('[data-column="last-used"]').textContent()).toBe('just now');
    expect(await row.locator('[data-column="usage"]').textContent()).toBe('1');

    await row.getByRole('button', { name: /Revoke/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await expect.poll(() => page.locator('tr', { hasText: 'CI pipeline' }).count()).toBe(0);
    await expect.poll(() => page.locator('.toast').first().textContent()).toBe('Token revoked');
    expect((await api('/api/me', { headers: { 'x-api-key': token } })).status).toBe(401);
  });

  it('revokes another browser from Security; that browser is signed out on its next action', async () => {
    await open(page, server.url, '/security', 'Security');
    const sessions = page.locator('section', {
      has: page.getByRole('heading', { name: 'Browser sessions' }),
    });
    // The keyboard test's browser is still signed in: "sign out everywhere else" ends it, keeps this one.
    await expect.poll(() => sessions.locator('tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sign out other sessions' }).click();
    await expect.poll(() => sessions.locator('tbody tr').count()).toBe(1);

    const other = await consoleContext(browser);
    await signIn(other.page, server.url, person.email, person.password);
    await open(page, server.url, '/security', 'Security');
    await expect.poll(() => sessions.locator('tbody tr').count()).toBe(2);
    expect(await sessions.getByText('This device').count()).toBe(1);
    const foreign = sessions.locator('tbody tr', { hasNotText: 'This device' });
    await foreign.getByRole('button', { name: /Revoke/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke session' }).click();
    await expect.poll(() => sessions.locator('tbody tr').count()).toBe(1);

    // Its next action (opening another page) is answered 401: back to sign-in, told why.
    await other.page.getByRole('link', { name: 'Security' }).click();
    await expect.poll(() => other.page.locator('h1').textContent()).toBe('Sign in');
    expect(await other.page.getByText('Your session has ended').count()).toBe(1);
    expect(other.problems).toEqual([]);
    await other.context.close();
  });

  it('creates two workspaces and switches between them; the server agrees', async () => {
    for (const name of ['Analytical Engine', 'Difference Engine']) {
      await open(page, server.url, '/workspaces', 'Your workspaces');
      await page.getByRole('button', { name: 'Create workspace' }).click();
      await page.getByRole('dialog').getByLabel('Name', { exact: true }).fill(name);
      await page.getByRole('dialog').getByRole('button', { name: 'Create workspace' }).click();
      await expect.poll(() => page.locator('h1').textContent()).toBe(name);
    }
    await open(page, server.url, '/workspaces', 'Your workspaces');
    const before = (await page.locator('.whoami').textContent()) ?? '';
    const target = before.includes('Analytical Engine') ? 'Difference Engine' : 'Analytical Engine';
    await page.getByRole('button', { name: `Switch to ${target}` }).click();
    await expect.poll(() => page.locator('.whoami').textContent()).toContain(`Workspace: ${target}`);
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const me = (await (await api('/api/me', { headers: { cookie } })).json()) as {
      workspace: { name: string };
    };
    expect(me.workspace.name).toBe(target);
  });

  let admin: TestUser;

  it('an admin turns API tokens off and the user is refused with the reason', async () => {
    admin = await server.createUser({ admin: true });
    const console = await consoleContext(browser);
    await signIn(console.page, server.url, admin.email, admin.password);
    await open(console.page, server.url, '/admin/settings', 'Authentication');
    await console.page.getByLabel('Allow API tokens').uncheck();
    await console.page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => console.page.locator('.toast').first().textContent()).toContain('Settings saved');

    await open(page, server.url, '/tokens', 'API tokens');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('dialog').getByLabel('Name', { exact: true }).fill('After the switch');
    await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
    await expect
      .poll(() => page.getByRole('dialog').getByRole('alert').textContent())
      .toBe('API tokens are disabled on this server');
    await page.keyboard.press('Escape');

    await console.page.getByLabel('Allow API tokens').check();
    await console.page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => console.page.locator('.toast').count()).toBeGreaterThan(0);
    expect(console.problems).toEqual([]);
    await console.context.close();
  });

  it('shows a non-admin no admin navigation or page, and the admin API refuses them', async () => {
    await open(page, server.url, '/profile', 'Profile');
    expect(await page.getByRole('navigation', { name: 'Console' }).getByText('Administration').count()).toBe(
      0,
    );
    for (const path of [
      '/admin/users',
      '/admin/workspaces',
      '/admin/roles',
      '/admin/settings',
      '/admin/audit',
      '/admin/providers',
      '/admin/oauth-clients',
    ]) {
      await open(page, server.url, path, 'Page not found');
    }
    const statuses = await page.evaluate(async () => {
      const paths = [
        '/api/admin/users',
        '/api/admin/roles',
        '/api/admin/workspace-roles',
        '/api/admin/auth-configuration',
        '/api/admin/deployment-settings',
        '/api/admin/audit',
        '/api/admin/social-providers',
        '/api/admin/oauth/clients',
      ];
      return Promise.all(paths.map(async (path) => (await fetch(path)).status));
    });
    expect(statuses).toEqual([403, 403, 403, 403, 403, 403, 403, 403]);
    // The admin screens' code is a chunk of its own: a non-admin's browser fetches only the preloaded ones.
    const chunks = await page.evaluate(() => ({
      fetched: performance
        .getEntriesByType('resource')
        .map((entry) => new URL(entry.name).pathname)
        .filter((path) => path.includes('/chunk-')),
      preloaded: Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"]')).map(
        (link) => new URL(link.href).pathname,
      ),
    }));
    expect(chunks.fetched.filter((path) => !chunks.preloaded.includes(path))).toEqual([]);
    const patch = await page.evaluate(async () => {
      const response = await fetch('/api/admin/auth-configuration', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ allowNeverExpiring: true }),
      });
      return response.status;
    });
    expect(patch).toBe(403);
    expect(problems).toEqual([]);
  });
});
