import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import {
  addMember,
  apiKey,
  bearer,
  createApiToken,
  createWorkspace,
  MANY_SIGN_INS,
  type Person,
  person,
  signInWithTokens,
  type WorkspaceItem,
} from './support/workspaces.js';

interface Me {
  _id: string;
  workspace: { _id: string; name: string; roles: string[] } | null;
}

interface ActivationBody extends WorkspaceItem {
  payload: {
    token?: string;
    refreshToken?: string;
    expiresIn?: number;
    tokenType?: string;
    user: Me;
    workspace: { _id: string; name: string; roles: string[] } | null;
  };
}

describe.each(testDatabases)('the active workspace on %s', (database) => {
  let server: TestServer;
  let alice: Person;
  let first: WorkspaceItem;
  let second: WorkspaceItem;
  let foreign: WorkspaceItem;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
    alice = await person(server);
    first = await createWorkspace(server, alice, 'First');
    second = await createWorkspace(server, alice, 'Second');
    foreign = await createWorkspace(server, await person(server), 'Foreign');
  });
  afterAll(() => server.close());

  const me = (headers: { cookie?: string; headers?: Record<string, string> }) =>
    request<Me>(server.url, '/api/me', headers);

  describe('at sign-in', () => {
    it('starts in the workspace named in the body', async () => {
      const res = await request<{ payload: { workspace: { _id: string } } }>(server.url, '/api/signin', {
        body: { username: alice.email, password: alice.password, workspace: second._id },
      });
      expect(res.status).toBe(200);
      expect(res.body.payload.workspace).toEqual({ _id: second._id, name: 'Second', roles: ['owner'] });
      expect((await me({ cookie: res.cookies[0]! })).body.workspace?._id).toBe(second._id);
    });

    it('refuses a workspace the user is not a member of', async () => {
      const res = await request(server.url, '/api/signin', {
        body: { username: alice.email, password: alice.password, workspace: foreign._id },
      });
      expect(res.status).toBe(403);
      expect(res.body['code']).toBe('NOT_A_MEMBER');
    });

    it('otherwise starts in the workspace used last', async () => {
      const bob = await person(server);
      const a = await createWorkspace(server, bob, 'A');
      const b = await createWorkspace(server, bob, 'B');
      // Bob's session started before he had workspaces; he picks B, then signs in again.
      const activated = await request(server.url, `/api/workspaces/${b._id}/activate`, {
        method: 'POST',
        cookie: bob.cookie,
      });
      expect(activated.status).toBe(200);
      const again = await signInWithCookie(server.url, bob.email, bob.password);
      expect((await me({ cookie: again })).body.workspace?._id).toBe(b._id);
      await request(server.url, `/api/workspaces/${a._id}/activate`, { method: 'POST', cookie: again });
      const third = await signInWithCookie(server.url, bob.email, bob.password);
      expect((await me({ cookie: third })).body.workspace?._id).toBe(a._id);
    });
  });

  describe('in a cookie session', () => {
    it('switches the session’s workspace and answers with it', async () => {
      const cookie = await signInWithCookie(server.url, alice.email, alice.password);
      const other = await signInWithCookie(server.url, alice.email, alice.password);
      const before = (await me({ cookie })).body.workspace?._id;
      const target = before === first._id ? second : first;
      const res = await request<ActivationBody>(server.url, `/api/workspaces/${target._id}/activate`, {
        method: 'POST',
        cookie,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ _id: target._id, name: target.name, roles: ['owner'] });
      expect(res.body.payload.workspace).toEqual({ _id: target._id, name: target.name, roles: ['owner'] });
      expect(res.body.payload.user._id).toBe(alice.id);
      expect(res.body.payload.token).toBeUndefined();
      expect((await me({ cookie })).body.workspace?._id).toBe(target._id);
      // Another session of the same user keeps its own workspace.
      expect((await me({ cookie: other })).body.workspace?._id).toBe(before);
    });

    it('accepts the empty JSON body the published Qelos SDK sends', async () => {
      const res = await request(server.url, `/api/workspaces/${first._id}/activate`, {
        method: 'POST',
        raw: '',
        headers: { 'content-type': 'application/json' },
        cookie: alice.cookie,
      });
      expect(res.status).toBe(200);
    });

    it('answers 403 for a workspace the user is not in, and leaves the session where it was', async () => {
      await request(server.url, `/api/workspaces/${first._id}/activate`, {
        method: 'POST',
        cookie: alice.cookie,
      });
      for (const id of [foreign._id, '0123456789abcdef01234567']) {
        const res = await request(server.url, `/api/workspaces/${id}/activate`, {
          method: 'POST',
          cookie: alice.cookie,
        });
        expect(res.status).toBe(403);
        expect(res.body['code']).toBe('NOT_A_MEMBER');
      }
      expect((await me({ cookie: alice.cookie })).body.workspace?._id).toBe(first._id);
    });

    it('drops the workspace from the session on the next request once the member is removed', async () => {
      const carol = await person(server);
      await addMember(server, alice, first._id, carol);
      await request(server.url, `/api/workspaces/${first._id}/activate`, {
        method: 'POST',
        cookie: carol.cookie,
      });
      expect((await me({ cookie: carol.cookie })).body.workspace?._id).toBe(first._id);
      const removed = await request(server.url, `/api/workspaces/${first._id}/members/${carol.id}`, {
        method: 'DELETE',
        cookie: alice.cookie,
      });
      expect(removed.status).toBe(200);
      expect((await me({ cookie: carol.cookie })).body.workspace).toBeNull();
    });
  });

  describe('in a token session', () => {
    it('switches workspace and returns a fresh pair carrying it', async () => {
      const session = await signInWithTokens(server, alice, first._id);
      expect(session.workspace?._id).toBe(first._id);
      const res = await request<ActivationBody>(server.url, `/api/workspaces/${second._id}/activate`, {
        method: 'POST',
        headers: bearer(session.token),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body.payload).toMatchObject({
        token: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: expect.any(Number),
        tokenType: 'Bearer',
        workspace: { _id: second._id, name: 'Second', roles: ['owner'] },
      });
      expect(res.body.payload.token).not.toBe(session.token);
      const now = await me({ headers: bearer(res.body.payload.token!) });
      expect(now.body.workspace?._id).toBe(second._id);
      // The refreshed pair stays in the new workspace.
      const refreshed = await request<{ payload: { workspace: { _id: string } } }>(
        server.url,
        '/api/token/refresh',
        { body: { refreshToken: res.body.payload.refreshToken } },
      );
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.payload.workspace._id).toBe(second._id);
    });

    it('applies a workspace role change to an access token already issued, on the next request', async () => {
      const dan = await person(server);
      await addMember(server, alice, second._id, dan);
      const session = await signInWithTokens(server, dan, second._id);
      const renameAs = (token: string) =>
        request(server.url, `/api/workspaces/${second._id}`, {
          method: 'PATCH',
          body: { name: 'Second' },
          headers: bearer(token),
        });
      expect((await renameAs(session.token)).status).toBe(403);
      const promote = await request(server.url, `/api/workspaces/${second._id}/members/${dan.id}`, {
        method: 'PATCH',
        body: { role: 'admin' },
        cookie: alice.cookie,
      });
      expect(promote.status).toBe(200);
      expect((await renameAs(session.token)).status).toBe(200);
      expect((await me({ headers: bearer(session.token) })).body.workspace?.roles).toEqual(['admin']);
    });

    it('answers 403 for a workspace the user is not in', async () => {
      const session = await signInWithTokens(server, alice);
      const res = await request(server.url, `/api/workspaces/${foreign._id}/activate`, {
        method: 'POST',
        headers: bearer(session.token),
      });
      expect(res.status).toBe(403);
      expect(res.body['code']).toBe('NOT_A_MEMBER');
    });
  });

  describe('with an API token', () => {
    it('cannot switch: a bound token’s workspace is fixed at creation (403)', async () => {
      const token = await createApiToken(server, alice, { workspace: first._id });
      for (const id of [second._id, first._id]) {
        const res = await request(server.url, `/api/workspaces/${id}/activate`, {
          method: 'POST',
          headers: apiKey(token),
        });
        expect(res.status).toBe(403);
        expect(res.body['code']).toBe('WORKSPACE_LOCKED');
      }
      expect((await me({ headers: apiKey(token) })).body.workspace?._id).toBe(first._id);
    });

    it('an unbound token cannot switch either', async () => {
      const token = await createApiToken(server, alice);
      const res = await request(server.url, `/api/workspaces/${first._id}/activate`, {
        method: 'POST',
        headers: apiKey(token),
      });
      expect(res.status).toBe(403);
    });

    it('a bound token sees and acts on its own workspace only; other ids are 404', async () => {
      const token = await createApiToken(server, alice, { workspace: first._id });
      const list = await request<WorkspaceItem[]>(server.url, '/api/workspaces', { headers: apiKey(token) });
      expect(list.status).toBe(200);
      expect(list.body.map((w) => w._id)).toEqual([first._id]);
      expect(
        (await request(server.url, `/api/workspaces/${first._id}`, { headers: apiKey(token) })).status,
      ).toBe(200);
      // Alice owns Second, but this token is bound to First.
      const attempts: Array<[string, string, unknown?]> = [
        ['GET', ''],
        ['GET', '/members'],
        ['PATCH', '', { name: 'via token' }],
        ['DELETE', ''],
      ];
      for (const [method, suffix, body] of attempts) {
        const res = await request(server.url, `/api/workspaces/${second._id}${suffix}`, {
          method,
          headers: apiKey(token),
          ...(body !== undefined && { body }),
        });
        expect(res.status, `${method} ${suffix}`).toBe(404);
      }
      const create = await request(server.url, '/api/workspaces', {
        body: { name: 'x' },
        headers: apiKey(token),
      });
      expect(create.status).toBe(403);
      expect(create.body['code']).toBe('WORKSPACE_LOCKED');
    });

    it('needs workspaces:write to change anything, and workspaces:read to list', async () => {
      const readOnly = await createApiToken(server, alice, { scopes: ['workspaces:read'] });
      expect((await request(server.url, '/api/workspaces', { headers: apiKey(readOnly) })).status).toBe(200);
      const rename = await request(server.url, `/api/workspaces/${first._id}`, {
        method: 'PATCH',
        body: { name: 'nope' },
        headers: apiKey(readOnly),
      });
      expect(rename.status).toBe(403);
      expect(rename.body['code']).toBe('insufficient_scope');
      const profileOnly = await createApiToken(server, alice, { scopes: ['profile:read'] });
      const list = await request(server.url, '/api/workspaces', { headers: apiKey(profileOnly) });
      expect(list.status).toBe(403);
      expect(list.body['code']).toBe('insufficient_scope');
    });

    it('cannot accept an invite on the person’s behalf', async () => {
      const token = await createApiToken(server, alice);
      const res = await request(server.url, '/api/invites/some-token/accept', {
        method: 'POST',
        headers: apiKey(token),
      });
      expect(res.status).toBe(403);
    });
  });
});
