import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiTokenJson,
  addWorkspace,
  configureAuth,
  createApiToken,
  postApiToken,
  removeMember,
  signedInUser,
  withApiKey,
} from './support/api-tokens.js';
import { request } from './support/http.js';
import { MANY_SIGN_INS, startTestServer, type TestServer, testDatabases } from './support/server.js';

describe.each(testDatabases)('workspace-bound API tokens on %s', (database) => {
  let server: TestServer;
  let adminCookie: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
    adminCookie = (await signedInUser(server, { admin: true })).cookie;
  });
  afterAll(() => server.close());

  it('binds a token to a workspace of the creator: listed with it, and /api/me reports it', async () => {
    const { user, cookie } = await signedInUser(server);
    const workspace = await addWorkspace(server, user.id, 'editor');
    const { token, apiToken } = await createApiToken(server, cookie, { workspace: workspace.id });
    expect(apiToken.workspace).toEqual({ _id: workspace.id, name: workspace.name });
    const list = await request<ApiTokenJson[]>(server.url, '/api/me/api-tokens', { cookie });
    expect(list.body[0]!.workspace).toEqual({ _id: workspace.id, name: workspace.name });
    const me = await request(server.url, '/api/me', withApiKey(token));
    expect(me.status).toBe(200);
    expect(me.body['workspace']).toEqual({ _id: workspace.id, name: workspace.name, roles: ['editor'] });
  });

  it('keeps a bound token in its workspace whatever workspace the owner switches to in the browser', async () => {
    const { user, cookie } = await signedInUser(server);
    const bound = await addWorkspace(server, user.id);
    const other = await addWorkspace(server, user.id);
    const { token } = await createApiToken(server, cookie, { workspace: bound.id });
    await server.app.gatehouse.accounts.rememberWorkspace(user.id, other.id);
    const me = await request(server.url, '/api/me', withApiKey(token));
    expect((me.body['workspace'] as { _id: string })._id).toBe(bound.id);
  });

  it('refuses to switch a bound token to another workspace, even one its owner belongs to (403)', async () => {
    const { user, cookie } = await signedInUser(server);
    const bound = await addWorkspace(server, user.id);
    const other = await addWorkspace(server, user.id);
    const { token } = await createApiToken(server, cookie, { workspace: bound.id });
    const res = await request(server.url, `/api/workspaces/${other.id}/activate`, {
      method: 'POST',
      ...withApiKey(token),
    });
    expect(res.status).toBe(403);
    const me = await request(server.url, '/api/me', withApiKey(token));
    expect((me.body['workspace'] as { _id: string })._id).toBe(bound.id);
  });

  it('enforces the workspaces scopes on the workspace routes', async () => {
    const { user, cookie } = await signedInUser(server);
    await addWorkspace(server, user.id);
    const profileOnly = await createApiToken(server, cookie, { scopes: ['profile:read'] });
    const denied = await request(server.url, '/api/workspaces', withApiKey(profileOnly.token));
    expect(denied.status).toBe(403);
    expect(denied.body['code']).toBe('insufficient_scope');
    const reader = await createApiToken(server, cookie, { scopes: ['workspaces:read'] });
    expect((await request(server.url, '/api/workspaces', withApiKey(reader.token))).status).toBe(200);
    const create = await request(server.url, '/api/workspaces', {
      ...withApiKey(reader.token),
      body: { name: 'Nope' },
    });
    expect(create.status).toBe(403);
    expect(create.body['code']).toBe('insufficient_scope');
  });

  it('gives an unbound token no workspace', async () => {
    const { user, cookie } = await signedInUser(server);
    await addWorkspace(server, user.id);
    const { token, apiToken } = await createApiToken(server, cookie);
    expect(apiToken.workspace).toBeNull();
    expect((await request(server.url, '/api/me', withApiKey(token))).body['workspace']).toBeNull();
  });

  it('refuses to bind a token to a workspace the creator is not a member of (403), existing or not', async () => {
    const owner = await signedInUser(server);
    const workspace = await addWorkspace(server, owner.user.id);
    const { cookie } = await signedInUser(server);
    for (const id of [workspace.id, 'no-such-workspace']) {
      const res = await postApiToken(server, cookie, {
        nickname: 'foreign',
        expiresAt: '30d',
        workspace: id,
      });
      expect(res.status).toBe(403);
      expect(res.body['code']).toBe('NOT_A_MEMBER');
    }
    expect((await request<unknown[]>(server.url, '/api/me/api-tokens', { cookie })).body).toEqual([]);
  });

  it('stops a bound token (401) as soon as its owner leaves the workspace', async () => {
    const { user, cookie } = await signedInUser(server);
    const workspace = await addWorkspace(server, user.id);
    const { token } = await createApiToken(server, cookie, { workspace: workspace.id });
    expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
    await removeMember(server, workspace.id, user.id);
    const res = await request(server.url, '/api/me', withApiKey(token));
    expect(res.status).toBe(401);
    expect(res.body['code']).toBe('WORKSPACE_ACCESS_REVOKED');
  });

  it('lets a workspace role grant tokens for that workspace only, when global roles do not', async () => {
    await configureAuth(server, adminCookie, {
      tokenAuthenticationPermissions: { roles: ['admin'], wsRoles: ['owner'] },
    });
    try {
      const { user, cookie } = await signedInUser(server);
      const owned = await addWorkspace(server, user.id, 'owner');
      const joined = await addWorkspace(server, user.id, 'member');
      const { token } = await createApiToken(server, cookie, { workspace: owned.id });
      expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
      for (const workspace of [joined.id, undefined]) {
        const res = await postApiToken(server, cookie, { nickname: 'x', expiresAt: '30d', workspace });
        expect(res.status).toBe(403);
        expect(res.body['code']).toBe('API_TOKENS_NOT_ALLOWED');
      }
    } finally {
      await configureAuth(server, adminCookie, {
        tokenAuthenticationPermissions: { roles: ['*'], wsRoles: ['*'] },
      });
    }
  });
});
