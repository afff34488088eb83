import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import {
  addMember,
  createWorkspace,
  type ErrorFields,
  MANY_SIGN_INS,
  type Member,
  type Person,
  person,
  type WorkspaceItem,
} from './support/workspaces.js';

interface CreatedInvite {
  token: string;
  invite: { _id: string; role: string; email: string | null; expiresAt: string; created: string };
}

describe.each(testDatabases)('workspace invites on %s', (database) => {
  let server: TestServer;
  let clock = Date.now();
  const logLines: string[] = [];
  let owner: Person;
  let ws: WorkspaceItem;
  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { ...MANY_SIGN_INS, GATEHOUSE_INVITE_TTL: '3600' },
      now: () => clock,
      logStream: { write: (line) => void logLines.push(line) },
    });
    owner = await person(server);
    ws = await createWorkspace(server, owner, 'Invites');
  });
  afterAll(() => server.close());

  async function invite(by: Person, body: Record<string, unknown> = {}) {
    return request<CreatedInvite & ErrorFields>(server.url, `/api/workspaces/${ws._id}/invites`, {
      body,
      cookie: by.cookie,
    });
  }

  const accept = (token: string, by: Person) =>
    request<WorkspaceItem & ErrorFields>(server.url, `/api/invites/${token}/accept`, {
      method: 'POST',
      cookie: by.cookie,
    });

  it('admits exactly one person, with the invite’s role', async () => {
    const created = await invite(owner, { role: 'admin' });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.body.invite).toMatchObject({ role: 'admin', email: null });
    const bob = await person(server);
    const joined = await accept(created.body.token, bob);
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({
      _id: ws._id,
      name: 'Invites',
      roles: ['admin'],
      isPrivilegedUser: true,
    });
    const carol = await person(server);
    const second = await accept(created.body.token, carol);
    expect(second.status).toBe(404);
    expect(second.body).toEqual({ code: 'INVITE_INVALID', message: expect.any(String) });
    expect((await request(server.url, `/api/workspaces/${ws._id}`, { cookie: carol.cookie })).status).toBe(
      404,
    );
  });

  it('lets only one of many simultaneous acceptances through', async () => {
    const created = await invite(owner);
    const people = await Promise.all(Array.from({ length: 8 }, () => person(server)));
    const results = await Promise.all(people.map((p) => accept(created.body.token, p)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 404)).toHaveLength(people.length - 1);
  });

  it('refuses an expired invite', async () => {
    const created = await invite(owner);
    clock += 3601 * 1000;
    try {
      const res = await accept(created.body.token, await person(server));
      expect(res.status).toBe(404);
      expect(res.body['code']).toBe('INVITE_INVALID');
    } finally {
      clock = Date.now();
    }
  });

  it('refuses a revoked invite, and lists only pending invites without their secret', async () => {
    const kept = await invite(owner, { email: 'Someone@Example.test' });
    const revoked = await invite(owner);
    const del = await request(server.url, `/api/workspaces/${ws._id}/invites/${revoked.body.invite._id}`, {
      method: 'DELETE',
      cookie: owner.cookie,
    });
    expect(del.status).toBe(200);
    expect((await accept(revoked.body.token, await person(server))).status).toBe(404);
    const list = await request<CreatedInvite['invite'][]>(server.url, `/api/workspaces/${ws._id}/invites`, {
      cookie: owner.cookie,
    });
    expect(list.status).toBe(200);
    expect(list.body.map((i) => i._id)).toContain(kept.body.invite._id);
    expect(list.body.map((i) => i._id)).not.toContain(revoked.body.invite._id);
    expect(list.body.find((i) => i._id === kept.body.invite._id)?.email).toBe('someone@example.test');
    expect(JSON.stringify(list.body)).not.toContain(kept.body.token);
  });

  it('binds an invite to an email: another account is refused without using it up', async () => {
    const dave = await person(server);
    const created = await invite(owner, { email: dave.email.toUpperCase() });
    const eve = await person(server);
    const wrong = await accept(created.body.token, eve);
    expect(wrong.status).toBe(403);
    expect(wrong.body['code']).toBe('INVITE_EMAIL_MISMATCH');
    expect((await accept(created.body.token, dave)).status).toBe(200);
  });

  it('does not use up the link when the person is already a member', async () => {
    const frank = await person(server);
    await addMember(server, owner, ws._id, frank);
    const created = await invite(owner);
    const res = await accept(created.body.token, frank);
    expect(res.status).toBe(409);
    expect(res.body['code']).toBe('ALREADY_MEMBER');
    expect((await accept(created.body.token, await person(server))).status).toBe(200);
  });

  it('lets a workspace admin invite members but not owners; members cannot invite', async () => {
    const admin = await person(server);
    await addMember(server, owner, ws._id, admin, 'admin');
    expect((await invite(admin, { role: 'member' })).status).toBe(201);
    const asOwner = await invite(admin, { role: 'owner' });
    expect(asOwner.status).toBe(403);
    expect(asOwner.body['code']).toBe('INSUFFICIENT_WORKSPACE_ROLE');
    const unknown = await invite(owner, { role: 'nonexistent' });
    expect(unknown.status).toBe(400);
    expect(unknown.body['code']).toBe('UNKNOWN_ROLE');
    const member = await person(server);
    await addMember(server, owner, ws._id, member);
    expect((await invite(member)).status).toBe(403);
  });

  it('requires a signed-in person to accept, and never writes the link’s secret to the log', async () => {
    const created = await invite(owner);
    const anonymous = await request(server.url, `/api/invites/${created.body.token}/accept`, {
      method: 'POST',
    });
    expect(anonymous.status).toBe(401);
    expect((await accept(created.body.token, await person(server))).status).toBe(200);
    const members = await request<Member[]>(server.url, `/api/workspaces/${ws._id}/members`, {
      cookie: owner.cookie,
    });
    expect(members.status).toBe(200);
    const log = logLines.join('\n');
    expect(log).toContain('/api/invites/[redacted]/accept');
    expect(log).not.toContain(created.body.token);
  });
});
