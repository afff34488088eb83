import { readFileSync } from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountLink, type Mailbox, startMailbox } from '../../server/test/support/mailbox.js';
import type { TestServer } from '../../server/test/support/server.js';
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
 * The account lifecycle in the console, in headless Chromium against a real Gatehouse that sends real
 * mail to an in-process SMTP server: forgot password → the e-mailed link → a new password; e-mail
 * confirmation; two-step verification set up with codes computed by `otpauth` the way a phone app does,
 * then asked for at sign-in; invitations. The flows run under the console's strict CSP; each new page is
 * also scanned with axe (in a second context that lets axe's script in) and checked at 360 px.
 */
describe('account lifecycle in the web console', () => {
  let server: TestServer;
  let mailbox: Mailbox;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let scan: Page;
  const person = { email: `lin-${Date.now()}@example.test`, password: 'first long password' };
  const newPassword = 'second long password';

  beforeAll(async () => {
    mailbox = await startMailbox();
    [server, browser] = await Promise.all([
      startConsoleServer({ GATEHOUSE_SMTP_URL: mailbox.url, GATEHOUSE_MAIL_RATE_PER_HOUR: '1000' }),
      launchChromium(),
    ]);
    ({ page, problems } = await consoleContext(browser));
    ({ page: scan } = await consoleContext(browser, { bypassCSP: true }));
    // A step that cannot happen fails with its call log well before the test's own timeout.
    page.setDefaultTimeout(10_000);
    scan.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await mailbox?.close();
  });

  /** No serious axe finding, and nothing wider than a 360 px phone. */
  async function accessibleAndNarrow(target: Page, what: string): Promise<void> {
    expect(await seriousViolations(target), what).toEqual([]);
    expect(await fitsIn360px(target), `${what} is wider than 360 px`).toBe(true);
  }

  it('signs up, and confirms the address from the e-mailed link', async () => {
    await page.goto(`${server.url}/console/signup`);
    await page.getByLabel('First name').fill('Lin');
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Profile');

    const mail = await mailbox.waitFor(person.email, /confirm/i);
    const link = accountLink(mail);
    await page.goto(server.url + link.path);
    // The browser is sent on to the console's page, and the secret leaves the address bar.
    await expect.poll(() => page.locator('h1').textContent()).toBe('Confirm your address');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/console/verify-email');
    await expect.poll(() => page.url()).not.toContain(link.token);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain(person.email);
    const me = await page.evaluate(() =>
      fetch('/api/me').then((r) => r.json() as Promise<{ emailVerified: boolean }>),
    );
    expect(me.emailVerified).toBe(true);
  });

  it('resets a forgotten password through the link in the e-mail', async () => {
    await page.getByRole('link', { name: 'Go to your profile' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Reset your password');
    await page.getByLabel('Email').fill(person.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('If an account');

    const link = accountLink(await mailbox.waitFor(person.email, /password/i));
    await page.goto(server.url + link.path);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Choose a new password');
    expect(new URL(page.url()).pathname).toBe('/console/reset-password');
    await expect.poll(() => page.url()).not.toContain(link.token);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Repeat the new password').fill(newPassword);
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Your password is set');

    // The link works once: opened again, it says so (the plain page answers, no console detour).
    await page.goto(server.url + link.path);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid');

    await signIn(page, server.url, person.email, newPassword);
  });

  let secret = '';
  let recoveryCodes: string[] = [];
  const code = (offsetSeconds = 0) =>
    new TOTP({ secret: Secret.fromBase32(secret) }).generate({
      timestamp: Date.now() + offsetSeconds * 1000,
    });

  it('sets up two-step verification and shows the recovery codes once', async () => {
    await open(page, server.url, '/security', 'Security');
    await page.getByRole('button', { name: 'Set up' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    secret = await dialog.getByLabel('Or type this key into the app').inputValue();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // The QR code carries the same otpauth URI the server gave.
    expect(await dialog.locator('details p').textContent()).toContain(`secret=${secret}`);

    await dialog.getByLabel('Code from the app').fill('000000' === code() ? '111111' : '000000');
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => dialog.getByRole('alert').count()).toBe(1);
    await dialog.getByLabel('Code from the app').fill(code());
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Save your recovery codes' }).count()).toBe(1);
    recoveryCodes = await page.getByRole('list', { name: 'Recovery codes' }).locator('li').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await page.getByRole('button', { name: 'I saved them' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Two-step verification' }).textContent())
      .toContain('10 recovery codes left');
  });

  it('asks for the code at sign-in, and takes a recovery code instead', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByLabel('Email or username').fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Two-step verification');
    await page.getByLabel('Authentication code').fill('12345');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    // The enrolment used this 30-second step's code; a code is never accepted twice, so use the next one.
    await page.getByLabel('Authentication code').fill(code(30));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Profile');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByLabel('Email or username').fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0] ?? '');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Profile');
  });

  it('makes new recovery codes with the password, and turns the factor off', async () => {
    await open(page, server.url, '/security', 'Security');
    const card = page.getByRole('region', { name: 'Two-step verification' });
    await expect.poll(() => card.textContent()).toContain('9 recovery codes left');
    await card.getByRole('button', { name: 'New recovery codes' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByRole('button', { name: 'Use my password instead' }).click();
    await dialog.getByLabel('Your password').fill(newPassword);
    await dialog.getByRole('button', { name: 'Make new codes' }).click();
    await page.getByRole('list', { name: 'Recovery codes' }).waitFor();
    const fresh = await page.getByRole('list', { name: 'Recovery codes' }).locator('li').allTextContents();
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[1]);
    await page.getByRole('button', { name: 'I saved them' }).click();

    await card.getByRole('button', { name: 'Turn off' }).click();
    await dialog.getByLabel('Code from the app or a recovery code').fill(fresh[0] ?? '');
    await dialog.getByRole('button', { name: 'Turn off' }).click();
    await expect.poll(() => card.textContent()).toContain('Off');
    expect(problems).toEqual([]);
  });

  it('accepts and declines workspace invitations sent to the address', async () => {
    const owner = await server.createUser();
    const ownerPage = (await consoleContext(browser)).page;
    await signIn(ownerPage, server.url, owner.email, owner.password);
    const invite = (name: string) =>
      ownerPage.evaluate(
        async ({ name, email }) => {
          const json = { 'content-type': 'application/json' };
          const workspace = await fetch('/api/workspaces', {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ name }),
          }).then((r) => r.json() as Promise<{ _id: string }>);
          const added = await fetch(`/api/workspaces/${workspace._id}/members`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ email, role: 'member' }),
          });
          return added.status;
        },
        { name, email: person.email },
      );
    expect(await invite('Observatory')).toBeLessThan(300);
    expect(await invite('Archive')).toBeLessThan(300);
    await ownerPage.context().close();

    await open(page, server.url, '/workspaces', 'Your workspaces');
    const card = page.getByRole('region', { name: 'Invitations for you' });
    await expect.poll(() => card.locator('tbody tr').count()).toBe(2);
    await card.getByRole('button', { name: 'Accept invitation to Observatory' }).click();
    await expect.poll(() => card.locator('tbody tr').count()).toBe(1);
    await expect
      .poll(() => page.getByRole('table', { name: 'Your workspaces' }).textContent())
      .toContain('Observatory');
    await card.getByRole('button', { name: 'Decline invitation to Archive' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Invitations for you' }).count()).toBe(0);
    expect(await page.getByRole('table', { name: 'Your workspaces' }).textContent()).not.toContain('Archive');
    expect(problems).toEqual([]);
  });

  it('rotates an API token: the new secret once, the old one marked and working until the overlap ends', async () => {
    const created = await page.evaluate(() =>
      fetch('/api/me/api-tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ nickname: 'Deploy key', expiresAt: '90d' }),
      }).then((r) => r.json() as Promise<{ token: string }>),
    );
    await open(page, server.url, '/tokens', 'API tokens');
    await page.getByRole('button', { name: 'Rotate Deploy key' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByLabel('Keep the old token working for').selectOption('1h');
    await dialog.getByRole('button', { name: 'Rotate token' }).click();
    await expect.poll(() => dialog.getByRole('heading', { name: 'Copy the new token' }).count()).toBe(1);
    expect(await dialog.textContent()).toContain('The old token keeps working until');
    const fresh = await dialog.getByLabel('Token for “Deploy key”').inputValue();
    expect(fresh).not.toBe(created.token);
    await dialog.getByRole('button', { name: 'Done' }).click();

    const rows = page.locator('tr', { hasText: 'Deploy key' });
    await expect.poll(() => rows.count()).toBe(2);
    await expect
      .poll(() => page.locator('tr', { hasText: 'Rotating' }).textContent())
      .toContain('stops in 1 hour');
    expect(
      await page
        .locator('tr', { hasText: 'Rotating' })
        .getByRole('button', { name: /^Rotate/ })
        .count(),
    ).toBe(0);
    expect(await page.locator('tr', { hasText: 'New' }).count()).toBeGreaterThan(0);
    // Both secrets work during the overlap.
    for (const secret of [created.token, fresh]) {
      const me = await fetch(`${server.url}/api/me`, { headers: { 'x-api-key': secret } });
      expect(me.status).toBe(200);
    }
    expect(problems).toEqual([]);
  });

  it('changes the e-mail address through the link sent to the new one', async () => {
    const newEmail = `lin-new-${Date.now()}@example.test`;
    await open(page, server.url, '/profile', 'Profile');
    await page.getByRole('button', { name: 'Change address' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByLabel('New email').fill(newEmail);
    await dialog.getByLabel('Current password').fill(newPassword);
    await dialog.getByRole('button', { name: 'Send the link' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toContain('new address');
    await dialog.getByRole('button', { name: 'Done' }).click();

    const link = accountLink(await mailbox.waitFor(newEmail, /confirm/i));
    await page.goto(server.url + link.path);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain(newEmail);
    await page.getByRole('link', { name: 'Go to your profile' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Email address' }).textContent())
      .toContain(newEmail);
    person.email = newEmail;
  });

  it('downloads the account data, then deletes the account', async () => {
    await open(page, server.url, '/profile', 'Profile');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('gatehouse-account.json');
    const exported = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8')) as {
      profile: { email: string };
      memberships: unknown[];
    };
    expect(exported.profile.email).toBe(person.email);
    expect(exported.memberships).toHaveLength(1);

    await page.getByRole('button', { name: 'Delete my account' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByLabel('Current password').fill(newPassword);
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    expect(await page.getByRole('status').first().textContent()).toContain('Your account was deleted');
    await page.getByLabel('Email or username').fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Incorrect');
    expect(problems).toEqual([]);
  });

  it('keeps each new page accessible and within a 360 px screen', async () => {
    for (const [path, heading] of [
      ['/forgot-password', 'Reset your password'],
      ['/reset-password?token=x', 'Choose a new password'],
      ['/verify-email', 'Confirm your address'],
    ] as const) {
      await open(scan, server.url, path, heading);
      await accessibleAndNarrow(scan, path);
      await screenshots(scan, path.slice(1).replace(/\?.*/, ''));
    }

    // The sign-in's second step, for an account with a factor.
    const other = await server.createUser();
    await signIn(scan, server.url, other.email, other.password);
    await open(scan, server.url, '/security', 'Security');
    await scan.getByRole('button', { name: 'Set up' }).click();
    const dialog = scan.locator('dialog[open]');
    await dialog.getByRole('img').waitFor();
    await accessibleAndNarrow(scan, 'the set-up dialog');
    await screenshots(scan, 'two-step-setup');
    secret = await dialog.getByLabel('Or type this key into the app').inputValue();
    await dialog.getByLabel('Code from the app').fill(code());
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    await scan.getByRole('list', { name: 'Recovery codes' }).waitFor();
    await accessibleAndNarrow(scan, 'the recovery codes');
    await screenshots(scan, 'recovery-codes');
    await scan.getByRole('button', { name: 'I saved them' }).click();
    await accessibleAndNarrow(scan, 'the security page');
    await scan.getByRole('button', { name: 'Sign out', exact: true }).click();
    await scan.getByLabel('Email or username').fill(other.email);
    await scan.getByLabel('Password', { exact: true }).fill(other.password);
    await scan.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => scan.locator('h1').textContent()).toBe('Two-step verification');
    await accessibleAndNarrow(scan, 'the second step of sign-in');
    await screenshots(scan, 'two-step-sign-in');
  });
});
