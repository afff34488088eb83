import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureAuth,
  createApiToken,
  postApiToken,
  signedInUser,
  withApiKey,
} from './support/api-tokens.js';
import { request } from './support/http.js';
import { MANY_SIGN_INS, startTestServer, type TestServer, testDatabases } from './support/server.js';

const PATH = '/api/admin/auth-configuration';

const DEFAULTS = {
  allowUserTokenAuthentication: true,
  tokenAuthenticationPermissions: { roles: ['*'], wsRoles: ['*'] },
  maxTokensPerUser: 50,
  allowNeverExpiring: false,
  allowQueryParameter: false,
  emailVerification: 'optional',
  requireSecondFactor: 'off',
};

describe.each(testDatabases)('API token admin configuration on %s', (database) => {
  let server: TestServer;
  let adminCookie: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
    adminCookie = (await signedInUser(server, { admin: true })).cookie;
  });
  afterAll(() => server.close());

  it('shows the documented defaults to an admin', async () => {
    const res = await request(server.url, PATH, { cookie: adminCookie });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(DEFAULTS);
  });

  it('refuses anonymous callers (401), non-admins (403) and admins using an API token (403)', async () => {
    expect((await request(server.url, PATH)).status).toBe(401);
    const { cookie } = await signedInUser(server);
    expect((await request(server.url, PATH, { cookie })).status).toBe(403);
    const patch = await request(server.url, PATH, {
      method: 'PATCH',
      cookie,
      body: { allowNeverExpiring: true },
    });
    expect(patch.status).toBe(403);
    const { token } = await createApiToken(server, adminCookie);
    for (const method of ['GET', 'PATCH']) {
      const res = await request(server.url, PATH, {
        method,
        ...withApiKey(token),
        ...(method === 'PATCH' && { body: { allowQueryParameter: true } }),
      });
      expect(res.status, method).toBe(403);
      expect(res.body['code']).toBe('CREDENTIAL_NOT_ALLOWED');
    }
    expect((await request(server.url, PATH, { cookie: adminCookie })).body).toEqual(DEFAULTS);
  });

  it('validates changes: unknown fields and wrong values are 400 and change nothing', async () => {
    for (const body of [
      { allowEverything: true },
      { maxTokensPerUser: 0 },
      { maxTokensPerUser: 'lots' },
      { tokenAuthenticationPermissions: { roles: [''] } },
      { allowNeverExpiring: 'sometimes' },
      { tokenAuthenticationPermissions: { groups: ['x'] } },
    ]) {
      const res = await request(server.url, PATH, { method: 'PATCH', cookie: adminCookie, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body['code']).toBe('VALIDATION_ERROR');
    }
    expect((await request(server.url, PATH, { cookie: adminCookie })).body).toEqual(DEFAULTS);
  });

  it('applies a partial change and keeps the rest, across a restart', async () => {
    const changed = await configureAuth(server, adminCookie, {
      maxTokensPerUser: 7,
      tokenAuthenticationPermissions: { wsRoles: ['owner'] },
    });
    expect(changed).toEqual({
      ...DEFAULTS,
      maxTokensPerUser: 7,
      tokenAuthenticationPermissions: { roles: ['*'], wsRoles: ['owner'] },
    });
    server = await server.restart();
    expect((await request(server.url, PATH, { cookie: adminCookie })).body).toEqual(changed);
    await configureAuth(server, adminCookie, DEFAULTS);
  });

  it('when token authentication is disabled: creation is 403 and existing tokens stop with 401 API_TOKENS_DISABLED', async () => {
    const { cookie } = await signedInUser(server);
    const { token, apiToken } = await createApiToken(server, cookie);
    expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
    await configureAuth(server, adminCookie, { allowUserTokenAuthentication: false });
    try {
      const create = await postApiToken(server, cookie, { nickname: 'x', expiresAt: '30d' });
      expect(create.status).toBe(403);
      expect(create.body['code']).toBe('API_TOKENS_DISABLED');
      const use = await request(server.url, '/api/me', withApiKey(token));
      expect(use.status).toBe(401);
      expect(use.body['code']).toBe('API_TOKENS_DISABLED');
      // The owner can still see and revoke what they have.
      expect((await request<unknown[]>(server.url, '/api/me/api-tokens', { cookie })).body).toHaveLength(1);
      const revoke = await request(server.url, `/api/me/api-tokens/${apiToken._id}`, {
        method: 'DELETE',
        cookie,
      });
      expect(revoke.status).toBe(200);
    } finally {
      await configureAuth(server, adminCookie, { allowUserTokenAuthentication: true });
    }
  });

  it('when permissions are narrowed to admins: a user cannot create tokens and their existing ones stop', async () => {
    const { cookie } = await signedInUser(server);
    const { token } = await createApiToken(server, cookie);
    const admin = await createApiToken(server, adminCookie);
    await configureAuth(server, adminCookie, {
      tokenAuthenticationPermissions: { roles: ['admin'], wsRoles: [] },
    });
    try {
      const create = await postApiToken(server, cookie, { nickname: 'x', expiresAt: '30d' });
      expect(create.status).toBe(403);
      expect(create.body['code']).toBe('API_TOKENS_NOT_ALLOWED');
      expect(create.body['message']).toMatch(/administrator/);
      const use = await request(server.url, '/api/me', withApiKey(token));
      expect(use.status).toBe(401);
      expect(use.body['code']).toBe('API_TOKENS_NOT_ALLOWED');
      expect((await request(server.url, '/api/me', withApiKey(admin.token))).status).toBe(200);
      expect((await postApiToken(server, adminCookie, { nickname: 'ok', expiresAt: '30d' })).status).toBe(
        201,
      );
    } finally {
      await configureAuth(server, adminCookie, {
        tokenAuthenticationPermissions: { roles: ['*'], wsRoles: ['*'] },
      });
    }
    expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
  });
});
