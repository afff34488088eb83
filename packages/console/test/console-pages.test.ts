import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithCookie } from '../../server/test/support/http.js';
import type { TestServer, TestUser } from '../../server/test/support/server.js';
import { signInWithTokens } from '../../server/test/support/token-session.js';
import {
  consoleContext,
  launchChromium,
  open,
  screenshots,
  seriousViolations,
  signIn,
  startConsoleServer,
} from './support.js';

/**
 * Every console page, with data in it, through axe-core (no serious or critical violation) and into a
 * screenshot at 1280 and 390 px (packages/console/screenshots/, git-ignored). axe is injected as source,
 * which the console's CSP would rightly refuse, so this context bypasses CSP; console-flows.test.ts runs
 * the same pages under the real policy.
 */
describe('every console page is accessible and fits from 390 px', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: TestUser;
  let workspaceId = '';
  let inviteToken = '';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startConsoleServer(), launchChromium()]);
    admin = await server.createUser({ admin: true });
    // Something on every page: a token sign-in, an API token, a workspace with a member and an invite.
    const cookie = await signInWithCookie(server.url, admin.email, admin.password);
    const call = async (path: string, body?: unknown) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', origin: server.url },
        body: JSON.stringify(body ?? {}),
      });
      expect(response.status, path).toBeLessThan(300);
      return response.json() as Promise<Record<string, unknown>>;
    };
    await call('/api/me', { firstName: 'Grace', lastName: 'Hopper' });
    await call('/api/me/api-tokens', { nickname: 'Nightly backup', expiresAt: '90d' });
    await call('/api/me/api-tokens', { nickname: 'Deploy bot', expiresAt: '30d', scopes: ['profile:read'] });
    await signInWithTokens(server.url, admin.email, admin.password);
    const workspace = await call('/api/workspaces', { name: 'Compiler team' });
    workspaceId = String(workspace['_id']);
    const colleague = await server.createUser();
    await call(`/api/workspaces/${workspaceId}/members`, { email: colleague.email, role: 'admin' });
    await call(`/api/workspaces/${workspaceId}/invites`, { role: 'member', email: 'new.hire@example.test' });
    inviteToken = String((await call(`/api/workspaces/${workspaceId}/invites`, {}))['token']);
    await call('/api/admin/roles', { name: 'auditor', description: 'Reads audit trails' });
    ({ page } = await consoleContext(browser, { bypassCSP: true }));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function audit(name: string): Promise<void> {
    expect(await seriousViolations(page), name).toEqual([]);
    await screenshots(page, name);
  }

  it('sign-in and sign-up', async () => {
    await open(page, server.url, '/signin', 'Sign in');
    // The scan itself works: an unlabelled input planted in the page is reported, then removed.
    await page.evaluate(() =>
      document.body.insertAdjacentHTML('beforeend', '<input id="planted" type="text">'),
    );
    expect((await seriousViolations(page)).join('\n')).toContain('label');
    await page.evaluate(() => document.getElementById('planted')?.remove());
    await audit('sign-in');
    // A failed attempt: the error is part of the page people see.
    await page.getByLabel('Email or username').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await audit('sign-in-error');
    await open(page, server.url, '/signup', 'Create an account');
    await audit('sign-up');
  });

  it('account pages', async () => {
    await signIn(page, server.url, admin.email, admin.password);
    for (const [path, heading, name] of [
      ['/profile', 'Profile', 'profile'],
      ['/security', 'Security', 'security'],
      ['/tokens', 'API tokens', 'api-tokens'],
    ] as const) {
      await open(page, server.url, path, heading);
      await audit(name);
    }
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('dialog').waitFor();
    await audit('api-token-create');
    await page.getByRole('dialog').getByLabel('Name', { exact: true }).fill('Screenshot token');
    await page.getByRole('dialog').getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('heading', { name: 'Copy your new token' }).waitFor();
    await audit('api-token-created');
    await page.keyboard.press('Escape');
  });

  it('workspace pages', async () => {
    await open(page, server.url, '/workspaces', 'Your workspaces');
    await audit('workspaces');
    await open(page, server.url, `/workspaces/${workspaceId}`, 'Compiler team');
    await audit('workspace');
    await page.getByRole('button', { name: 'Invite by link' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create link' }).click();
    await page.getByRole('heading', { name: 'Share the invitation link' }).waitFor();
    await audit('workspace-invite-link');
    await page.keyboard.press('Escape');
    await open(page, server.url, `/invites/${inviteToken}`, 'Workspace invitation');
    await audit('invite');
  });

  it('admin pages', async () => {
    for (const [path, heading, name] of [
      ['/admin/users', 'Users', 'admin-users'],
      ['/admin/workspaces', 'All workspaces', 'admin-workspaces'],
      ['/admin/roles', 'Roles', 'admin-roles'],
      ['/admin/settings', 'Authentication', 'admin-settings'],
      ['/admin/audit', 'Audit log', 'admin-audit'],
      ['/no/such/page', 'Page not found', 'not-found'],
    ] as const) {
      await open(page, server.url, path, heading);
      await audit(name);
    }
    await open(page, server.url, '/admin/users', 'Users');
    await page.getByRole('button', { name: 'Manage Grace Hopper' }).click();
    await page.getByRole('dialog').getByText('Nothing recorded yet').waitFor();
    await audit('admin-user');
    await page.getByRole('dialog').getByRole('button', { name: 'Edit roles' }).click();
    await page.getByRole('dialog').getByRole('group', { name: 'Roles' }).waitFor();
    await audit('admin-user-roles');
  });
});
