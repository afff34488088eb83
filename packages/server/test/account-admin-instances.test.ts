import { describe, expect, it } from 'vitest';
import { createApiToken, withApiKey } from './support/api-tokens.js';
import { testDatabases } from './support/databases.js';
import { request, signInWithCookie } from './support/http.js';
import { twoInstances } from './support/instances.js';
import type { TestServer } from './support/server.js';
import { signInWithTokens } from './support/token-session.js';

/** docs/deployment.md's revocation bound: a change on one instance reaches the others within it. */
const REVOCATION_BOUND_MS = 1_000;

/** Polls until `done` holds; fails past the bound. */
async function withinBound(done: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (!(await done())) {
    expect(Date.now() - started).toBeLessThan(REVOCATION_BOUND_MS);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const status = async (url: string, credential: { cookie?: string; headers?: Record<string, string> }) =>
  (await request(url, '/api/me', credential)).status;

/**
 * Issue 13: disabling a user stops their cookie, bearer and API token on the next request "on every
 * instance". Two servers share one PostgreSQL; B has every credential cached when A's admin disables.
 */
describe.runIf(testDatabases.includes('postgres'))('disabling a user across two instances', () => {
  let a: TestServer;
  let b: TestServer;
  twoInstances({ env: { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' } }, (started) => ({ a, b } = started));

  it('refuses the cookie, the bearer token and the API token on B once an admin on A disables the user', async () => {
    const admin = await a.createUser({ admin: true });
    const adminCookie = await signInWithCookie(a.url, admin.email, admin.password);
    const user = await a.createUser();
    const cookie = await signInWithCookie(b.url, user.email, user.password);
    const pair = await signInWithTokens(b.url, user.email, user.password);
    const { token } = await createApiToken(b, cookie);
    const credentials = [
      { cookie },
      { headers: { authorization: `Bearer ${pair.token}` } },
      withApiKey(token),
    ];
    // Warm B's caches, so the refusals below prove the change crossed instances.
    for (const credential of credentials)
      for (let i = 0; i < 2; i++) expect((await request(b.url, '/api/me', credential)).status).toBe(200);

    const disabled = await request(a.url, `/api/admin/users/${user.id}/disable`, {
      cookie: adminCookie,
      method: 'POST',
    });
    expect(disabled.status).toBe(200);
    // Every credential is refused on B; the API token (which outlives the disabling) says why.
    for (const credential of credentials)
      await withinBound(async () => (await status(b.url, credential)) === 401);
    const byKey = await request(b.url, '/api/me', withApiKey(token));
    expect(byKey.body['code']).toBe('ACCOUNT_DISABLED');
    const refresh = await request(b.url, '/api/token/refresh', { body: { refreshToken: pair.refreshToken } });
    expect(refresh.status).toBe(401);

    // Enabling on A gives the API token back on B, within the same bound.
    const enabled = await request(a.url, `/api/admin/users/${user.id}/enable`, {
      cookie: adminCookie,
      method: 'POST',
    });
    expect(enabled.status).toBe(200);
    await withinBound(async () => (await status(b.url, withApiKey(token))) === 200);
  });
});
