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
  person,
  setMemberRole,
  signInWithTokens,
} from './support/workspaces.js';

/**
 * Issue 6's hot paths serve credentials from in-process caches. Each case warms every cache involved with
 * several requests first, then changes the truth, and expects the very next request to see the change.
 */
describe.each(testDatabases)('cached credentials stay truthful on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
  });
  afterAll(() => server.close());

  const me = (headers: Record<string, string> = {}, cookie?: string) =>
    request<{ roles: string[]; workspace: { roles: string[] } | null }>(server.url, '/api/me', {
      headers,
      ...(cookie && { cookie }),
    });
  async function warm(headers: Record<string, string> = {}, cookie?: string) {
    for (let i = 0; i < 3; i += 1) expect((await me(headers, cookie)).status).toBe(200);
  }

  it('refuses a revoked cookie session on the next request', async () => {
    const alice = await person(server);
    await warm({}, alice.cookie);
    const sessions = await request<Array<{ _id: string; current: boolean }>>(server.url, '/api/me/sessions', {
      cookie: alice.cookie,
    });
    const current = sessions.body.find((s) => s.current)!;
    expect(
      (
        await request(server.url, `/api/me/sessions/${current._id}`, {
          method: 'DELETE',
          cookie: alice.cookie,
        })
      ).status,
    ).toBe(200);
    expect((await me({}, alice.cookie)).status).toBe(401);
  });

  it('refuses a revoked API token on the next request', async () => {
    const alice = await person(server);
    const token = await createApiToken(server, alice);
    await warm(apiKey(token));
    const list = await request<Array<{ _id: string }>>(server.url, '/api/me/api-tokens', {
      cookie: alice.cookie,
    });
    await request(server.url, `/api/me/api-tokens/${list.body[0]!._id}`, {
      method: 'DELETE',
      cookie: alice.cookie,
    });
    expect((await me(apiKey(token))).status).toBe(401);
  });

  it('refuses the access tokens of a revoked refresh family on the next request', async () => {
    const alice = await person(server);
    const pair = await signInWithTokens(server, alice);
    await warm(bearer(pair.token));
    expect(
      (await request(server.url, '/api/logout', { method: 'POST', headers: bearer(pair.token) })).status,
    ).toBe(200);
    expect((await me(bearer(pair.token))).status).toBe(401);
  });

  it('applies a global role change to every kind of credential on the next request', async () => {
    const admin = await person(server, { admin: true });
    const bob = await person(server);
    const pair = await signInWithTokens(server, bob);
    const token = await createApiToken(server, bob);
    await warm({}, bob.cookie);
    await warm(bearer(pair.token));
    await warm(apiKey(token));
    const role = await request(server.url, '/api/admin/roles', {
      body: { name: 'auditor' },
      cookie: admin.cookie,
    });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const res = await request(server.url, `/api/admin/users/${bob.id}/roles`, {
      method: 'PUT',
      body: { roles: ['user', 'auditor'] },
      cookie: admin.cookie,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await me({}, bob.cookie)).body.roles).toContain('auditor');
    expect((await me(bearer(pair.token))).body.roles).toContain('auditor');
    expect((await me(apiKey(token))).body.roles).toContain('auditor');
  });

  it('answers GET /api/me from warm caches with the body of the first answer, and a profile change on the next request', async () => {
    const alice = await person(server);
    const raw = async () => {
      const response = await fetch(`${server.url}/api/me`, { headers: { cookie: alice.cookie } });
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        body: await response.text(),
      };
    };
    const first = await raw();
    expect(first).toMatchObject({ status: 200, type: 'application/json; charset=utf-8' });
    expect(JSON.parse(first.body)).toMatchObject({ email: alice.email, workspace: null });
    // Every later answer comes from the caches (session, principal, the body serialized once per user view).
    for (let i = 0; i < 5; i += 1) expect(await raw()).toEqual(first);
    const head = await fetch(`${server.url}/api/me`, { method: 'HEAD', headers: { cookie: alice.cookie } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(first.body)));
    const updated = await request(server.url, '/api/me', {
      body: { firstName: 'Renamed' },
      cookie: alice.cookie,
    });
    expect(updated.status).toBe(200);
    const after = await raw();
    expect(JSON.parse(after.body)).toMatchObject({ firstName: 'Renamed', email: alice.email });
    expect(after.body).not.toBe(first.body);
  });

  it('applies a workspace role change and a removal on the next request', async () => {
    const owner = await person(server);
    const carol = await person(server);
    const ws = await createWorkspace(server, owner, 'Cache');
    await addMember(server, owner, ws._id, carol);
    const pair = await signInWithTokens(server, carol, ws._id);
    await warm(bearer(pair.token));
    expect((await me(bearer(pair.token))).body.workspace?.roles).toEqual(['member']);
    expect((await setMemberRole(server, owner, ws._id, carol.id, 'admin')).status).toBe(200);
    expect((await me(bearer(pair.token))).body.workspace?.roles).toEqual(['admin']);
    await request(server.url, `/api/workspaces/${ws._id}/members/${carol.id}`, {
      method: 'DELETE',
      cookie: owner.cookie,
    });
    expect((await me(bearer(pair.token))).body.workspace).toBeNull();
  });
});
