import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountLink, type Mailbox, startMailbox } from '../../server/test/support/mailbox.js';
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

/**
 * User administration in the console, in headless Chromium against a real Gatehouse sending real mail:
 * an admin creates an account by invitation (the person sets a password from the e-mailed link), disables
 * and enables it (the person's browser is signed out), sets a password, sends a reset link, reads the
 * audit trail and deletes the account; then requires a second factor and a user is led to set one up.
 */
describe('user administration in the web console', () => {
  let server: TestServer;
  let mailbox: Mailbox;
  let browser: Browser;
  let admin: TestUser;
  let page: Page;
  let problems: string[];
  let person: Page;
  const newcomer = { email: `grace-${Date.now()}@example.test`, password: 'chosen by grace herself' };

  beforeAll(async () => {
    mailbox = await startMailbox();
    [server, browser] = await Promise.all([
      startConsoleServer({ GATEHOUSE_SMTP_URL: mailbox.url, GATEHOUSE_MAIL_RATE_PER_HOUR: '1000' }),
      launchChromium(),
    ]);
    admin = await server.createUser({ admin: true });
    // axe is injected as script, which the strict CSP refuses: the admin's pages are scanned in this
    // context; the person's browser runs under the real policy.
    ({ page } = await consoleContext(browser, { bypassCSP: true }));
    ({ page: person, problems } = await consoleContext(browser));
    page.setDefaultTimeout(10_000);
    person.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await mailbox?.close();
  });

  const row = () => page.locator('tbody tr', { hasText: newcomer.email });
  const dialog = () => page.locator('dialog[open]');

  async function manage(): Promise<void> {
    await open(page, server.url, '/admin/users', 'Users');
    await row()
      .getByRole('button', { name: /^Manage/ })
      .click();
    await dialog().getByRole('table', { name: 'History' }).waitFor();
  }

  it('creates an account by invitation; the person chooses a password from the e-mail', async () => {
    await signIn(page, server.url, admin.email, admin.password);
    await open(page, server.url, '/admin/users', 'Users');
    await page.getByRole('button', { name: 'Create user' }).click();
    await dialog().getByLabel('Email').fill(newcomer.email);
    await dialog().getByLabel('First name').fill('Grace');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsIn360px(page)).toBe(true);
    await dialog().getByRole('button', { name: 'Create user' }).click();
    await expect.poll(() => row().count()).toBe(1);
    expect(await row().textContent()).toContain('Active');

    const link = accountLink(await mailbox.waitFor(newcomer.email, /new account/i));
    await person.goto(server.url + link.path);
    await expect.poll(() => person.locator('h1').textContent()).toBe('Welcome: choose your password');
    await person.getByLabel('New password', { exact: true }).fill(newcomer.password);
    await person.getByLabel('Repeat the new password').fill(newcomer.password);
    await person.getByRole('button', { name: 'Set password' }).click();
    await expect
      .poll(() => person.getByRole('status').first().textContent())
      .toContain('Your password is set');
    await signIn(person, server.url, newcomer.email, newcomer.password);
  });

  it('disables the account (the person is signed out on their next action) and enables it again', async () => {
    await manage();
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsIn360px(page)).toBe(true);
    await screenshots(page, 'admin-user');
    await dialog().getByRole('button', { name: 'Disable account' }).click();
    await expect.poll(() => dialog().textContent()).toContain('Disabled');
    await expect
      .poll(() => dialog().getByRole('table', { name: 'History' }).textContent())
      .toContain('Account disabled');

    await person.getByRole('link', { name: 'Security' }).click();
    await expect.poll(() => person.locator('h1').textContent()).toBe('Sign in');
    await person.getByLabel('Email or username').fill(newcomer.email);
    await person.getByLabel('Password', { exact: true }).fill(newcomer.password);
    await person.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => person.getByRole('alert').textContent()).toContain('disabled');

    await dialog().getByRole('button', { name: 'Enable account' }).click();
    await expect.poll(() => dialog().textContent()).toContain('Active');
    await page.keyboard.press('Escape');
    await expect.poll(() => row().textContent()).toContain('Active');
    await person.getByRole('button', { name: 'Sign in' }).click();
    // Back where the person was when the session ended.
    await expect.poll(() => person.locator('h1').textContent()).toBe('Security');
  });

  it('sets a password, sends a reset link, and ends every session of the person', async () => {
    await manage();
    await dialog().getByRole('button', { name: 'Set password' }).click();
    await dialog().getByLabel('New password for the user').fill('set by the admin');
    await dialog().getByRole('button', { name: 'Set password' }).click();
    await expect
      .poll(() => page.getByRole('status').allTextContents())
      .toContainEqual(expect.stringContaining('Password set'));
    await dialog().getByRole('button', { name: 'Send reset link' }).click();
    await mailbox.waitFor(newcomer.email, /reset your password/i);
    await dialog().getByRole('button', { name: 'End all sessions' }).click();
    await expect
      .poll(() => dialog().getByRole('table', { name: 'History' }).textContent())
      .toContain('Sessions ended');

    // The password change already ended the person's session; the new password signs in.
    await person.getByRole('link', { name: 'API tokens', exact: true }).click();
    await expect.poll(() => person.locator('h1').textContent()).toBe('Sign in');
    await signIn(person, server.url, newcomer.email, 'set by the admin');
    newcomer.password = 'set by the admin';
  });

  it('shows the audit log', async () => {
    await page.keyboard.press('Escape');
    await open(page, server.url, '/admin/audit', 'Audit log');
    const log = page.getByRole('table', { name: 'Audit log' });
    for (const action of [
      'Account created, invitation sent',
      'Account disabled',
      'Account enabled',
      'Password set',
    ])
      expect(await log.textContent()).toContain(action);
    expect(await log.textContent()).toContain(admin.email);
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsIn360px(page)).toBe(true);
    await screenshots(page, 'admin-audit');
  });

  it('requires a second factor: the person is led to set one up, then goes on', async () => {
    await open(page, server.url, '/admin/settings', 'Authentication');
    await page.getByLabel('Two-step verification').selectOption('everyone');
    await page.getByRole('button', { name: 'Save requirements' }).click();
    await expect
      .poll(() => page.getByRole('status').allTextContents())
      .toContainEqual(expect.stringContaining('Sign-in requirements saved'));

    await open(person, server.url, '/tokens');
    await expect.poll(() => person.locator('h1').textContent()).toBe('Security');
    await expect
      .poll(() => person.getByRole('alert').first().textContent())
      .toContain('requires two-step verification');
    await person.getByRole('button', { name: 'Set up' }).click();
    const setup = person.locator('dialog[open]');
    const secret = await setup.getByLabel('Or type this key into the app').inputValue();
    await setup
      .getByLabel('Code from the app')
      .fill(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
    await setup.getByRole('button', { name: 'Turn on' }).click();
    await person.getByRole('button', { name: 'I saved them' }).click();
    await open(person, server.url, '/tokens', 'API tokens');
    expect(problems).toEqual([]);
  });

  it('deletes the account', async () => {
    // The admin is held to the policy too: set up a factor through the API before going on.
    const api = (path: string, body: unknown) =>
      page.evaluate(
        ({ path, body }) =>
          fetch(path, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }).then((r) => r.json() as Promise<Record<string, string>>),
        { path, body },
      );
    const { secret } = await api('/api/me/second-factor/totp', {});
    await api('/api/me/second-factor/totp/confirm', {
      code: new TOTP({ secret: Secret.fromBase32(secret ?? '') }).generate(),
    });

    await manage();
    await dialog().getByRole('button', { name: 'Delete account' }).click();
    await dialog().getByLabel('Workspaces only this user owns').selectOption('delete');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsIn360px(page)).toBe(true);
    await dialog().getByRole('button', { name: 'Delete account' }).click();
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0);
    await expect.poll(() => row().count()).toBe(0);
    await person.getByRole('link', { name: 'Security', exact: true }).click();
    await expect.poll(() => person.locator('h1').textContent()).toBe('Sign in');
  });
});
