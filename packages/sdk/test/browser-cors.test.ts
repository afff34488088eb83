import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { startTestServer, type TestServer } from './support/gatehouse-server.js';
import { type PageServer, type SdkWindow, startPageServer } from './support/page-server.js';

/*
 * Issue 14: a browser app on another origin must be able to call every SDK method, including the ones
 * sent as PATCH, PUT and DELETE (each needs a CORS preflight). Runs in headless Chromium against a real
 * Gatehouse whose GATEHOUSE_ALLOWED_ORIGINS names the page's origin; a second page origin that is not
 * allowed gets nothing.
 */

let browser: Browser;
let pages: PageServer;
let stranger: PageServer;
let gatehouse: TestServer;
beforeAll(async () => {
  [pages, stranger] = await Promise.all([startPageServer(), startPageServer()]);
  [browser, gatehouse] = await Promise.all([
    launchChromium(),
    startTestServer({ env: { GATEHOUSE_ALLOWED_ORIGINS: pages.origin } }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([pages?.close(), stranger?.close(), gatehouse?.close()]);
});

/**
 * A fresh browser profile with no request interception: Playwright answers CORS preflights itself, allowing
 * everything, while a `context.route` is active, which would hide exactly what this file tests.
 */
function plainContext(): Promise<BrowserContext> {
  return browser.newContext();
}

/** Every write method of the SDK that the browser must preflight, run from the page; returns what it saw. */
async function exerciseFromPage(
  pageServer: PageServer,
  mode: 'session' | 'token',
  input: { appUrl: string; admin: { email: string; password: string }; member: { email: string } },
) {
  const context = await plainContext();
  const page = await pageServer.open(context);
  try {
    return await page.evaluate(
      async ({ appUrl, admin, member, mode }) => {
        const { createGatehouseClient } = (window as unknown as SdkWindow).Gatehouse;
        const sdk = createGatehouseClient({
          appUrl,
          auth:
            mode === 'session'
              ? { mode: 'session', session: { enabled: true, credentials: 'include' } }
              : { mode: 'oauth' },
        });
        const seen: string[] = [];
        const step = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
          const result = await call();
          seen.push(name);
          return result;
        };
        const credentials = { username: admin.email, password: admin.password };
        if (mode === 'session') await step('signin', () => sdk.authentication.signin(credentials));
        else await step('oAuthSignin', () => sdk.authentication.oAuthSignin(credentials));
        await step('getLoggedInUser', () => sdk.authentication.getLoggedInUser());
        await step('updateLoggedInUser', () => sdk.authentication.updateLoggedInUser({ firstName: 'Ada' }));
        const workspace = await step('workspaces.create', () => sdk.workspaces.create({ name: 'Browser' }));
        await step('workspaces.update (PATCH)', () =>
          sdk.workspaces.update(workspace._id, { name: 'Browser renamed' }),
        );
        await step('workspaces.getList', () => sdk.workspaces.getList());
        // A global admin adds at once; the member's role then changes and the member is removed.
        const added = await step('members.add', () =>
          sdk.workspaces.members.add(workspace._id, { email: member.email, role: 'member' }),
        );
        if (added.status !== 'added') throw new Error('a global admin should add directly');
        await step('members.updateRole (PATCH)', () =>
          sdk.workspaces.members.updateRole(workspace._id, added.member.user, 'admin'),
        );
        await step('members.remove (DELETE)', () =>
          sdk.workspaces.members.remove(workspace._id, added.member.user),
        );
        const invite = await step('invites.create', () => sdk.workspaces.invites.create(workspace._id, {}));
        await step('invites.revoke (DELETE)', () =>
          sdk.workspaces.invites.revoke(workspace._id, invite.invite._id),
        );
        const created = await step('createApiToken', () =>
          sdk.authentication.createApiToken({
            nickname: 'from the browser',
            expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
            workspace: workspace._id,
          }),
        );
        await step('deleteApiToken (DELETE)', () => sdk.authentication.deleteApiToken(created.apiToken._id));
        await step('admin.setUserRoles (PUT)', () => sdk.admin.setUserRoles(added.member.user, ['user']));
        await step('admin.createRole', () => sdk.admin.createRole('global', { name: 'auditor2' }));
        await step('admin.deleteRole (DELETE)', () => sdk.admin.deleteRole('global', 'auditor2'));
        const config = await step('admin.getAuthConfiguration', () => sdk.admin.getAuthConfiguration());
        await step('admin.updateAuthConfiguration (PATCH)', () =>
          sdk.admin.updateAuthConfiguration({
            allowUserTokenAuthentication: config.allowUserTokenAuthentication,
          }),
        );
        await step('workspaces.remove (DELETE)', () => sdk.workspaces.remove(workspace._id));
        await step('logout', () => sdk.authentication.logout());
        return { seen, error: null as string | null };
      },
      { ...input, mode },
    );
  } catch (error) {
    return { seen: [], error: String(error) };
  } finally {
    await context.close();
  }
}

describe('CORS from an allowed browser origin', () => {
  const expected = [
    'getLoggedInUser',
    'updateLoggedInUser',
    'workspaces.create',
    'workspaces.update (PATCH)',
    'workspaces.getList',
    'members.add',
    'members.updateRole (PATCH)',
    'members.remove (DELETE)',
    'invites.create',
    'invites.revoke (DELETE)',
    'createApiToken',
    'deleteApiToken (DELETE)',
    'admin.setUserRoles (PUT)',
    'admin.createRole',
    'admin.deleteRole (DELETE)',
    'admin.getAuthConfiguration',
    'admin.updateAuthConfiguration (PATCH)',
    'workspaces.remove (DELETE)',
    'logout',
  ];

  it.each([
    'session',
    'token',
  ] as const)('runs every PATCH, PUT and DELETE of the SDK with a %s', async (mode) => {
    const admin = await gatehouse.createUser({ admin: true });
    const member = await gatehouse.createUser();
    const result = await exerciseFromPage(pages, mode, { appUrl: gatehouse.url, admin, member });
    expect(result.error).toBeNull();
    expect(result.seen).toEqual([mode === 'session' ? 'signin' : 'oAuthSignin', ...expected]);
  });

  it('answers a preflight for each method only for allowed origins', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const preflight = (origin: string) =>
        fetch(`${gatehouse.url}/api/workspaces/x`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': method,
            'access-control-request-headers': 'authorization, content-type',
          },
        });
      const allowed = await preflight(pages.origin);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(pages.origin);
      expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
      expect(allowed.headers.get('access-control-allow-methods')?.split(/, */)).toContain(method);
      const refused = await preflight(stranger.origin);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('gives a page on an origin that is not allowed no way in', async () => {
    const admin = await gatehouse.createUser({ admin: true });
    const member = await gatehouse.createUser();
    const result = await exerciseFromPage(stranger, 'session', { appUrl: gatehouse.url, admin, member });
    expect(result.error).toMatch(/fetch|network|NETWORK/i);
    expect(result.seen).toEqual([]);
  });
});
