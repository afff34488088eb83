import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
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

interface AdminUser {
  _id: string;
  email: string;
  roles: string[];
}

interface Role {
  name: string;
  builtIn: boolean;
  description: string;
}

const setRoles = (server: TestServer, by: Person, userId: string, roles: string[]) =>
  request<AdminUser>(server.url, `/api/admin/users/${userId}/roles`, {
    method: 'PUT',
    body: { roles },
    cookie: by.cookie,
  });

describe.each(testDatabases)('administration on %s', (database) => {
  let server: TestServer;
  let admin: Person;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
    admin = await person(server, { admin: true });
  });
  afterAll(() => server.close());

  describe('the admin view of workspaces', () => {
    it('shows an admin every workspace unless bypassAdmin=true', async () => {
      const owner = await person(server);
      const theirs = await createWorkspace(server, owner, 'Theirs');
      const mine = await createWorkspace(server, admin, 'Mine');
      const all = await request<WorkspaceItem[]>(server.url, '/api/workspaces', { cookie: admin.cookie });
      expect(all.status).toBe(200);
      expect(all.body.find((w) => w._id === theirs._id)).toEqual({
        _id: theirs._id,
        name: 'Theirs',
        roles: [],
        isPrivilegedUser: false,
        membersCount: 1,
        created: theirs.created,
      });
      expect(all.body.find((w) => w._id === mine._id)?.roles).toEqual(['owner']);
      const explicit = await request<WorkspaceItem[]>(server.url, '/api/workspaces?bypassAdmin=false', {
        cookie: admin.cookie,
      });
      expect(explicit.body).toEqual(all.body);
      const own = await request<WorkspaceItem[]>(server.url, '/api/workspaces?bypassAdmin=true', {
        cookie: admin.cookie,
      });
      expect(own.body.map((w) => w._id)).toContain(mine._id);
      expect(own.body.map((w) => w._id)).not.toContain(theirs._id);
      expect(own.body.every((w) => w.roles.length === 1)).toBe(true);
      // The owner sees only their own, with or without the flag.
      const ownerView = await request<WorkspaceItem[]>(server.url, '/api/workspaces', {
        cookie: owner.cookie,
      });
      expect(ownerView.body.map((w) => w._id)).toEqual([theirs._id]);
    });

    it('lets an admin read a workspace and its members without joining, but not change it', async () => {
      const owner = await person(server);
      const ws = await createWorkspace(server, owner, 'Audited');
      const read = await request<WorkspaceItem>(server.url, `/api/workspaces/${ws._id}`, {
        cookie: admin.cookie,
      });
      expect(read.status).toBe(200);
      expect(read.body.roles).toEqual([]);
      const members = await request(server.url, `/api/workspaces/${ws._id}/members`, {
        cookie: admin.cookie,
      });
      expect(members.status).toBe(200);
      const rename = await request(server.url, `/api/workspaces/${ws._id}`, {
        method: 'PATCH',
        body: { name: 'Taken over' },
        cookie: admin.cookie,
      });
      expect(rename.status).toBe(404);
      const activate = await request(server.url, `/api/workspaces/${ws._id}/activate`, {
        method: 'POST',
        cookie: admin.cookie,
      });
      expect(activate.status).toBe(403);
    });

    it('applies the admin view to an admin’s token session and unbound API token too', async () => {
      const owner = await person(server);
      const ws = await createWorkspace(server, owner, 'Seen by tokens');
      const tokens = await signInWithTokens(server, admin);
      const viaBearer = await request<WorkspaceItem[]>(server.url, '/api/workspaces', {
        headers: bearer(tokens.token),
      });
      expect(viaBearer.body.map((w) => w._id)).toContain(ws._id);
      const key = await createApiToken(server, admin);
      const viaKey = await request<WorkspaceItem[]>(server.url, '/api/workspaces?bypassAdmin=true', {
        headers: apiKey(key),
      });
      expect(viaKey.status).toBe(200);
      expect(viaKey.body.map((w) => w._id)).not.toContain(ws._id);
    });
  });

  describe('users and global roles', () => {
    it('is for admins only, and never with an API token', async () => {
      const user = await person(server);
      const asUser = await request(server.url, '/api/admin/users', { cookie: user.cookie });
      expect(asUser.status).toBe(403);
      expect((await request(server.url, '/api/admin/users')).status).toBe(401);
      const key = await createApiToken(server, admin);
      const viaKey = await request(server.url, '/api/admin/users', { headers: apiKey(key) });
      expect(viaKey.status).toBe(403);
      expect(viaKey.body['code']).toBe('CREDENTIAL_NOT_ALLOWED');
      const roles = await request(server.url, '/api/admin/roles', { headers: apiKey(key) });
      expect(roles.status).toBe(403);
    });

    it('lists users with their roles, searchable, never with a password hash', async () => {
      const user = await person(server);
      const list = await request<AdminUser[]>(server.url, '/api/admin/users?limit=200', {
        cookie: admin.cookie,
      });
      expect(list.status).toBe(200);
      expect(list.body.find((u) => u._id === user.id)).toMatchObject({ email: user.email, roles: ['user'] });
      expect(JSON.stringify(list.body)).not.toMatch(/argon2|password/i);
      const found = await request<AdminUser[]>(server.url, `/api/admin/users?q=${user.email.slice(0, 12)}`, {
        cookie: admin.cookie,
      });
      expect(found.body.map((u) => u._id)).toEqual([user.id]);
      const wildcard = await request<AdminUser[]>(server.url, '/api/admin/users?q=%25', {
        cookie: admin.cookie,
      });
      expect(wildcard.body).toEqual([]);
      const tooMany = await request(server.url, '/api/admin/users?limit=100000', { cookie: admin.cookie });
      expect(tooMany.status).toBe(400);
    });

    it('applies a global role change on the very next request of the user’s existing session', async () => {
      const user = await person(server);
      expect((await request(server.url, '/api/admin/users', { cookie: user.cookie })).status).toBe(403);
      const promoted = await setRoles(server, admin, user.id, ['admin', 'user']);
      expect(promoted.status).toBe(200);
      expect(promoted.body.roles).toEqual(['admin', 'user']);
      expect((await request(server.url, '/api/admin/users', { cookie: user.cookie })).status).toBe(200);
      const me = await request<{ roles: string[] }>(server.url, '/api/me', { cookie: user.cookie });
      expect(me.body.roles).toEqual(['admin', 'user']);
      expect((await setRoles(server, admin, user.id, ['user'])).status).toBe(200);
      expect((await request(server.url, '/api/admin/users', { cookie: user.cookie })).status).toBe(403);
    });

    it('accepts only defined roles, and answers 404 for an unknown user', async () => {
      const user = await person(server);
      const unknown = await setRoles(server, admin, user.id, ['user', 'auditor-x']);
      expect(unknown.status).toBe(400);
      expect(unknown.body).toMatchObject({ code: 'UNKNOWN_ROLE', errors: { roles: expect.any(String) } });
      expect((await setRoles(server, admin, user.id, ['Bad Role'])).status).toBe(400);
      expect((await setRoles(server, admin, '0123456789abcdef01234567', ['user'])).status).toBe(404);
    });

    it('creates, assigns and deletes custom global roles; deleting takes the role away from its holders', async () => {
      const user = await person(server);
      const created = await request<Role>(server.url, '/api/admin/roles', {
        body: { name: 'auditor', description: 'Reads audit logs' },
        cookie: admin.cookie,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'auditor',
        builtIn: false,
        description: 'Reads audit logs',
      });
      const list = await request<Role[]>(server.url, '/api/admin/roles', { cookie: admin.cookie });
      expect(list.body.map((r) => [r.name, r.builtIn])).toEqual([
        ['admin', true],
        ['user', true],
        ['auditor', false],
      ]);
      expect((await setRoles(server, admin, user.id, ['user', 'auditor', 'auditor'])).body.roles).toEqual([
        'user',
        'auditor',
      ]);
      const deleted = await request(server.url, '/api/admin/roles/auditor', {
        method: 'DELETE',
        cookie: admin.cookie,
      });
      expect(deleted.status).toBe(200);
      const me = await request<{ roles: string[] }>(server.url, '/api/me', { cookie: user.cookie });
      expect(me.body.roles).toEqual(['user']);
      const gone = await request(server.url, '/api/admin/roles/auditor', {
        method: 'DELETE',
        cookie: admin.cookie,
      });
      expect(gone.status).toBe(404);
    });

    it('refuses duplicate and built-in role names', async () => {
      for (const name of ['admin', 'user']) {
        const res = await request(server.url, '/api/admin/roles', { body: { name }, cookie: admin.cookie });
        expect(res.status).toBe(409);
        expect(res.body['code']).toBe('ROLE_EXISTS');
        const del = await request(server.url, `/api/admin/roles/${name}`, {
          method: 'DELETE',
          cookie: admin.cookie,
        });
        expect(del.status).toBe(400);
        expect(del.body['code']).toBe('BUILT_IN_ROLE');
      }
      await request(server.url, '/api/admin/roles', { body: { name: 'twice' }, cookie: admin.cookie });
      const again = await request(server.url, '/api/admin/roles', {
        body: { name: 'twice' },
        cookie: admin.cookie,
      });
      expect(again.status).toBe(409);
      const bad = await request(server.url, '/api/admin/roles', {
        body: { name: 'Has Space' },
        cookie: admin.cookie,
      });
      expect(bad.status).toBe(400);
    });

    it('refuses to delete a custom workspace role a member still holds (409 ROLE_IN_USE)', async () => {
      const created = await request(server.url, '/api/admin/workspace-roles', {
        body: { name: 'editor' },
        cookie: admin.cookie,
      });
      expect(created.status).toBe(201);
      const roles = await request<Role[]>(server.url, '/api/admin/workspace-roles', { cookie: admin.cookie });
      expect(roles.body.map((r) => r.name)).toEqual(['owner', 'admin', 'member', 'editor']);
      const owner = await person(server);
      const editor = await person(server);
      const ws = await createWorkspace(server, owner, 'Editors');
      await addMember(server, owner, ws._id, editor, 'editor');
      const inUse = await request(server.url, '/api/admin/workspace-roles/editor', {
        method: 'DELETE',
        cookie: admin.cookie,
      });
      expect(inUse.status).toBe(409);
      expect(inUse.body['code']).toBe('ROLE_IN_USE');
      await request(server.url, `/api/workspaces/${ws._id}/members/${editor.id}`, {
        method: 'PATCH',
        body: { role: 'member' },
        cookie: owner.cookie,
      });
      const freed = await request(server.url, '/api/admin/workspace-roles/editor', {
        method: 'DELETE',
        cookie: admin.cookie,
      });
      expect(freed.status).toBe(200);
    });
  });

  describe('the last admin', () => {
    it('cannot lose the admin role, even when two admins demote each other at once', async () => {
      const fresh = await startTestServer({ database, env: MANY_SIGN_INS });
      try {
        const only = await person(fresh, { admin: true });
        const alone = await setRoles(fresh, only, only.id, ['user']);
        expect(alone.status).toBe(409);
        expect(alone.body).toEqual({ code: 'LAST_ADMIN', message: expect.any(String) });

        const other = await person(fresh);
        expect((await setRoles(fresh, only, other.id, ['admin'])).status).toBe(200);
        const [a, b] = await Promise.all([
          setRoles(fresh, only, other.id, ['user']),
          setRoles(fresh, other, only.id, ['user']),
        ]);
        // One wins; the other is refused as the last admin (409), or, if it arrives after the first
        // committed, because its sender is no longer an admin at all (403).
        expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
        expect([a.status, b.status].every((s) => [200, 403, 409].includes(s))).toBe(true);
        const survivor = a.status === 200 ? only : other;
        const admins = (
          await request<AdminUser[]>(fresh.url, '/api/admin/users', { cookie: survivor.cookie })
        ).body.filter((u) => u.roles.includes('admin'));
        expect(admins).toHaveLength(1);
      } finally {
        await fresh.close();
      }
    });
  });
});
