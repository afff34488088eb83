import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import {
  addMember,
  createWorkspace,
  MANY_SIGN_INS,
  type Member,
  type Person,
  person,
  rename,
  setMemberRole,
  type WorkspaceItem,
} from './support/workspaces.js';

describe.each(testDatabases)('workspaces on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
  });
  afterAll(() => server.close());

  describe('creating, reading, renaming, deleting', () => {
    it('makes the creator the owner and lists the workspace for them', async () => {
      const owner = await person(server);
      const created = await createWorkspace(server, owner, '  Acme  ');
      expect(created).toEqual({
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: 'Acme',
        roles: ['owner'],
        isPrivilegedUser: true,
        membersCount: 1,
        created: expect.any(String),
      });
      const list = await request<WorkspaceItem[]>(server.url, '/api/workspaces', { cookie: owner.cookie });
      expect(list.status).toBe(200);
      expect(list.body).toEqual([created]);
      const one = await request(server.url, `/api/workspaces/${created._id}`, { cookie: owner.cookie });
      expect(one.body).toEqual(created);
    });

    it('renames with PATCH, and with PUT as the published Qelos SDK sends it', async () => {
      const owner = await person(server);
      const ws = await createWorkspace(server, owner, 'Before');
      const patched = await rename(server, owner, ws._id, 'After');
      expect(patched.status).toBe(200);
      expect(patched.body.name).toBe('After');
      // Qelos clients send back the object they read, with fields Gatehouse does not store.
      const put = await request<WorkspaceItem>(server.url, `/api/workspaces/${ws._id}`, {
        method: 'PUT',
        body: { ...patched.body, name: 'Put', labels: ['x'], logo: 'l.png' },
        cookie: owner.cookie,
      });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ _id: ws._id, name: 'Put', roles: ['owner'] });
    });

    it('answers 400 for a blank name or an unknown field, never a 500', async () => {
      const owner = await person(server);
      for (const body of [
        { name: '   ' },
        { name: '' },
        { name: 'x', owner: 'me' },
        { name: ['a', 'b'] },
        {},
      ]) {
        const res = await request(server.url, '/api/workspaces', { body, cookie: owner.cookie });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body['code']).toBe('VALIDATION_ERROR');
      }
    });

    it('requires authentication', async () => {
      expect((await request(server.url, '/api/workspaces')).status).toBe(401);
      expect((await request(server.url, '/api/workspaces', { body: { name: 'x' } })).status).toBe(401);
    });

    it('lets only an owner delete, and the members lose it on their next request', async () => {
      const owner = await person(server);
      const admin = await person(server);
      const ws = await createWorkspace(server, owner, 'Doomed');
      await addMember(server, owner, ws._id, admin, 'admin');
      const byAdmin = await request(server.url, `/api/workspaces/${ws._id}`, {
        method: 'DELETE',
        cookie: admin.cookie,
      });
      expect(byAdmin.status).toBe(403);
      expect(byAdmin.body['code']).toBe('INSUFFICIENT_WORKSPACE_ROLE');
      const byOwner = await request(server.url, `/api/workspaces/${ws._id}`, {
        method: 'DELETE',
        cookie: owner.cookie,
      });
      expect(byOwner.status).toBe(200);
      expect((await request(server.url, `/api/workspaces/${ws._id}`, { cookie: admin.cookie })).status).toBe(
        404,
      );
      const list = await request<WorkspaceItem[]>(server.url, '/api/workspaces', { cookie: admin.cookie });
      expect(list.body).toEqual([]);
    });
  });

  describe('isolation', () => {
    let owner: Person;
    let stranger: Person;
    let ws: WorkspaceItem;
    beforeAll(async () => {
      owner = await person(server);
      stranger = await person(server);
      ws = await createWorkspace(server, owner, 'Private');
      await createWorkspace(server, stranger, 'Elsewhere');
    });

    it('answers a non-member 404, exactly as for a workspace that does not exist', async () => {
      const missing = '0123456789abcdef01234567';
      const attempts: Array<[string, string, unknown?]> = [
        ['GET', ''],
        ['PATCH', '', { name: 'mine now' }],
        ['PUT', '', { name: 'mine now' }],
        ['DELETE', ''],
        ['GET', '/members'],
        ['POST', '/members', { email: stranger.email, role: 'owner' }],
        ['PATCH', `/members/${owner.id}`, { role: 'member' }],
        ['DELETE', `/members/${owner.id}`],
        ['DELETE', '/members/me'],
        ['GET', '/invites'],
        ['POST', '/invites', { role: 'owner' }],
      ];
      for (const [method, suffix, body] of attempts) {
        const real = await request(server.url, `/api/workspaces/${ws._id}${suffix}`, {
          method,
          cookie: stranger.cookie,
          ...(body !== undefined && { body }),
        });
        const fake = await request(server.url, `/api/workspaces/${missing}${suffix}`, {
          method,
          cookie: stranger.cookie,
          ...(body !== undefined && { body }),
        });
        expect(real.status, `${method} ${suffix}`).toBe(404);
        expect(real.body, `${method} ${suffix}`).toEqual(fake.body);
      }
      // Nothing changed.
      const check = await request<WorkspaceItem>(server.url, `/api/workspaces/${ws._id}`, {
        cookie: owner.cookie,
      });
      expect(check.body).toMatchObject({ name: 'Private', membersCount: 1 });
    });

    it('lists only the caller’s own workspaces, whatever bypassAdmin says', async () => {
      for (const query of ['', '?bypassAdmin=false', '?bypassAdmin=true']) {
        const list = await request<WorkspaceItem[]>(server.url, `/api/workspaces${query}`, {
          cookie: stranger.cookie,
        });
        expect(list.body.map((w) => w.name)).toEqual(['Elsewhere']);
      }
    });

    it('answers a member without the needed role 403', async () => {
      const member = await person(server);
      await addMember(server, owner, ws._id, member);
      const res = await rename(server, member, ws._id, 'Hijacked');
      expect(res.status).toBe(403);
      expect(res.body['code']).toBe('INSUFFICIENT_WORKSPACE_ROLE');
      const invite = await request(server.url, `/api/workspaces/${ws._id}/invites`, {
        body: {},
        cookie: member.cookie,
      });
      expect(invite.status).toBe(403);
    });
  });

  describe('members', () => {
    it('lets a global admin add an existing user by email at once, and lists members with their roles', async () => {
      const owner = await person(server, { admin: true });
      const other = await person(server);
      const ws = await createWorkspace(server, owner, 'Team');
      const added = await request<Member>(server.url, `/api/workspaces/${ws._id}/members`, {
        body: { email: other.email.toUpperCase() },
        cookie: owner.cookie,
      });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ user: other.id, roles: ['member'], email: other.email });
      const members = await request<Member[]>(server.url, `/api/workspaces/${ws._id}/members`, {
        cookie: other.cookie,
      });
      expect(members.body.map((m) => [m.user, m.roles])).toEqual([
        [owner.id, ['owner']],
        [other.id, ['member']],
      ]);
      expect(JSON.stringify(members.body)).not.toMatch(/argon2|password/i);
      const again = await request(server.url, `/api/workspaces/${ws._id}/members`, {
        body: { email: other.email },
        cookie: owner.cookie,
      });
      expect(again.status).toBe(409);
      expect(again.body['code']).toBe('ALREADY_MEMBER');
      const nobody = await request(server.url, `/api/workspaces/${ws._id}/members`, {
        body: { email: 'nobody@example.test' },
        cookie: owner.cookie,
      });
      expect(nobody.status).toBe(404);
      expect(nobody.body['code']).toBe('USER_NOT_FOUND');
    });

    it('applies a role change on the very next request of the member’s existing session', async () => {
      const owner = await person(server);
      const member = await person(server);
      const ws = await createWorkspace(server, owner, 'Roles');
      await addMember(server, owner, ws._id, member);
      // Warm every cache with the old role.
      expect((await rename(server, member, ws._id, 'no')).status).toBe(403);
      expect((await setMemberRole(server, owner, ws._id, member.id, 'admin')).status).toBe(200);
      expect((await rename(server, member, ws._id, 'Renamed by admin')).status).toBe(200);
      const me = await request(server.url, `/api/workspaces/${ws._id}`, { cookie: member.cookie });
      expect(me.body).toMatchObject({ roles: ['admin'], isPrivilegedUser: true });
      expect((await setMemberRole(server, owner, ws._id, member.id, 'member')).status).toBe(200);
      expect((await rename(server, member, ws._id, 'again')).status).toBe(403);
      const removed = await request(server.url, `/api/workspaces/${ws._id}/members/${member.id}`, {
        method: 'DELETE',
        cookie: owner.cookie,
      });
      expect(removed.status).toBe(200);
      expect((await request(server.url, `/api/workspaces/${ws._id}`, { cookie: member.cookie })).status).toBe(
        404,
      );
    });

    it('refuses to let the last owner leave, be demoted or be removed (409 LAST_OWNER)', async () => {
      const owner = await person(server);
      const admin = await person(server);
      const ws = await createWorkspace(server, owner, 'Owned');
      await addMember(server, owner, ws._id, admin, 'admin');
      const base = `/api/workspaces/${ws._id}/members`;
      const leave = await request(server.url, `${base}/me`, { method: 'DELETE', cookie: owner.cookie });
      expect(leave.status).toBe(409);
      expect(leave.body).toEqual({ code: 'LAST_OWNER', message: expect.stringMatching(/owner/) });
      const demote = await setMemberRole(server, owner, ws._id, owner.id, 'member');
      expect(demote.status).toBe(409);
      expect(demote.body['code']).toBe('LAST_OWNER');
      const removeSelf = await request(server.url, `${base}/${owner.id}`, {
        method: 'DELETE',
        cookie: owner.cookie,
      });
      expect(removeSelf.body['code']).toBe('LAST_OWNER');

      // With a second owner, the first may go.
      expect((await setMemberRole(server, owner, ws._id, admin.id, 'owner')).status).toBe(200);
      const left = await request(server.url, `${base}/me`, { method: 'DELETE', cookie: owner.cookie });
      expect(left.status).toBe(200);
      const members = await request<Member[]>(server.url, base, { cookie: admin.cookie });
      expect(members.body.map((m) => [m.user, m.roles])).toEqual([[admin.id, ['owner']]]);
    });

    it('keeps one owner when two owners leave at the same moment', async () => {
      const first = await person(server);
      const second = await person(server);
      const ws = await createWorkspace(server, first, 'Race');
      await addMember(server, first, ws._id, second, 'owner');
      const results = await Promise.all(
        [first, second].map((p) =>
          request(server.url, `/api/workspaces/${ws._id}/members/me`, { method: 'DELETE', cookie: p.cookie }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const remaining = [first, second].find((_, i) => results[i]!.status === 409)!;
      const members = await request<Member[]>(server.url, `/api/workspaces/${ws._id}/members`, {
        cookie: remaining.cookie,
      });
      expect(members.body).toEqual([expect.objectContaining({ user: remaining.id, roles: ['owner'] })]);
    });

    it('lets a workspace admin manage members but not grant or take away ownership', async () => {
      const owner = await person(server);
      const admin = await person(server);
      const member = await person(server);
      const ws = await createWorkspace(server, owner, 'Ranks');
      await addMember(server, owner, ws._id, admin, 'admin');
      await addMember(server, admin, ws._id, member, 'member');
      expect((await setMemberRole(server, admin, ws._id, admin.id, 'owner')).status).toBe(403);
      expect((await setMemberRole(server, admin, ws._id, owner.id, 'member')).status).toBe(403);
      const removeOwner = await request(server.url, `/api/workspaces/${ws._id}/members/${owner.id}`, {
        method: 'DELETE',
        cookie: admin.cookie,
      });
      expect(removeOwner.status).toBe(403);
      expect((await setMemberRole(server, admin, ws._id, member.id, 'admin')).status).toBe(200);
      const byMember = await request(server.url, `/api/workspaces/${ws._id}/members/${admin.id}`, {
        method: 'DELETE',
        cookie: (await person(server)).cookie,
      });
      expect(byMember.status).toBe(404);
    });

    it('accepts only defined roles: built-in ones and custom ones an admin created', async () => {
      const admin = await person(server, { admin: true });
      const owner = await person(server);
      const member = await person(server);
      const ws = await createWorkspace(server, owner, 'Custom');
      await addMember(server, owner, ws._id, member);
      const unknown = await setMemberRole(server, owner, ws._id, member.id, 'reviewer');
      expect(unknown.status).toBe(400);
      expect(unknown.body['code']).toBe('UNKNOWN_ROLE');
      const bad = await setMemberRole(server, owner, ws._id, member.id, 'Not A Role!');
      expect(bad.status).toBe(400);
      const created = await request(server.url, '/api/admin/workspace-roles', {
        body: { name: 'reviewer', description: 'Reviews things' },
        cookie: admin.cookie,
      });
      expect(created.status).toBe(201);
      const ok = await setMemberRole(server, owner, ws._id, member.id, 'reviewer');
      expect(ok.status).toBe(200);
      expect(ok.body['roles']).toEqual(['reviewer']);
    });
  });
});
