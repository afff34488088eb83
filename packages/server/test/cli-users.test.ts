import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UserCommandOptions, userAdminCommand } from '../src/cli/user-admin.js';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import { signInWithTokens } from './support/token-session.js';
import { createWorkspace, person } from './support/workspaces.js';

/** docs/deployment.md: PostgreSQL carries a change to every instance within 1 s (LISTEN/NOTIFY). */
const CROSS_PROCESS_BOUND_MS = 1_000;

describe.each(testDatabases)('gatehouse users (command line) on %s', (database) => {
  let server: TestServer;

  /**
   * The credential is refused: on SQLite by the server's very next request (it notices the other
   * process's write before it reads the credential); on PostgreSQL once the notification arrived, polled
   * within the documented bound.
   */
  const refusedAfterShellChange = async (credential: {
    cookie?: string;
    headers?: Record<string, string>;
  }) => {
    const started = Date.now();
    for (;;) {
      const status = (await request(server.url, '/api/me', credential)).status;
      if (status === 401) return;
      expect(status).toBe(200);
      expect(database, 'SQLite refuses on the very next request').toBe('postgres');
      expect(Date.now() - started).toBeLessThan(CROSS_PROCESS_BOUND_MS);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  beforeAll(async () => {
    server = await startTestServer({ database });
  });
  afterAll(() => server.close());

  const run = async (action: string, target?: string, options: UserCommandOptions = {}) => {
    const lines: string[] = [];
    await userAdminCommand(server.config, action, target, options, (line) => void lines.push(line));
    return lines;
  };

  it('recovers a locked-out admin with a printed reset link, and lists, disables and enables users', async () => {
    const admin = await server.createUser({ admin: true });
    const [link] = await run('reset-link', admin.email);
    const token = new URL(link!).searchParams.get('token')!;
    expect(
      (
        await request(server.url, '/api/password/reset', {
          body: { token, newPassword: 'recovered at last' },
        })
      ).status,
    ).toBe(200);
    await signInWithCookie(server.url, admin.email, 'recovered at last');

    const user = await server.createUser();
    expect(await run('list', undefined, { search: user.email })).toEqual([
      expect.stringContaining(user.email),
    ]);
    expect((await run('disable', user.email))[0]).toContain('disabled');
    const refused = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    expect(refused.body['code']).toBe('ACCOUNT_DISABLED');
    expect((await run('enable', user.id))[0]).toContain('active');
    await run('set-password', user.email, { password: 'set from the shell' });
    await signInWithCookie(server.url, user.email, 'set from the shell');
    const trail = await server.app.gatehouse.audit.list({ limit: 10, offset: 0, targetId: user.id });
    expect(trail.map((r) => [r.action, r.actor_id])).toEqual([
      ['user.set_password', null],
      ['user.enable', null],
      ['user.disable', null],
    ]);
  });

  it('set-password from the shell: the old cookie and access token are refused on the next request', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const bearer = {
      authorization: `Bearer ${(await signInWithTokens(server.url, user.email, user.password)).token}`,
    };
    // Twice each, so the session, the token family and the principal are all served from the caches.
    for (let i = 0; i < 2; i += 1) {
      expect((await request(server.url, '/api/me', { cookie })).status).toBe(200);
      expect((await request(server.url, '/api/me', { headers: bearer })).status).toBe(200);
    }
    await run('set-password', user.email, { password: 'set from the shell again' });
    await refusedAfterShellChange({ cookie });
    await refusedAfterShellChange({ headers: bearer });
    await signInWithCookie(server.url, user.email, 'set from the shell again');
  });

  it('disable from the shell: cookie, access token and API token are refused on the next request', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const bearer = {
      authorization: `Bearer ${(await signInWithTokens(server.url, user.email, user.password)).token}`,
    };
    const created = await request<{ token: string }>(server.url, '/api/me/api-tokens', {
      cookie,
      body: { nickname: 'shell test', expiresAt: '30d' },
    });
    expect(created.status).toBe(201);
    const apiKey = { 'x-api-key': created.body.token };
    for (let i = 0; i < 2; i += 1) {
      for (const credential of [{ cookie }, { headers: bearer }, { headers: apiKey }])
        expect((await request(server.url, '/api/me', credential)).status).toBe(200);
    }
    await run('disable', user.email);
    for (const credential of [{ cookie }, { headers: bearer }, { headers: apiKey }])
      await refusedAfterShellChange(credential);
  });

  it('shows a user, and deletes one only after their sole-owned workspaces are transferred or deleted', async () => {
    const owner = await person(server);
    const heir = await person(server);
    const [shown] = await run('show', owner.email);
    expect(shown).toContain(owner.id);
    expect(shown).toContain('active');
    await expect(run('show', 'nobody@example.test')).rejects.toThrow(/not found/i);

    const kept = await createWorkspace(server, owner, 'Handed over from the shell');
    // Refused, naming the workspace; nothing is deleted.
    await expect(run('delete', owner.email)).rejects.toThrow(/"Handed over from the shell"/);
    expect((await request(server.url, '/api/me', { cookie: owner.cookie })).status).toBe(200);

    const [deleted] = await run('delete', owner.email, { soleOwned: { action: 'transfer', to: heir.id } });
    expect(deleted).toContain(`transferred ${kept._id}`);
    await refusedAfterShellChange({ cookie: owner.cookie });
    expect((await request(server.url, `/api/workspaces/${kept._id}`, { cookie: heir.cookie })).status).toBe(
      200,
    );

    const [gone] = await run('delete', heir.id, { soleOwned: { action: 'delete' } });
    expect(gone).toContain(`deleted workspaces ${kept._id}`);
    expect(await run('list', undefined, { search: heir.email })).toEqual(['no users']);
    const trail = await server.app.gatehouse.audit.list({ limit: 10, offset: 0, targetId: owner.id });
    expect(trail.map((r) => r.action)).toEqual(['user.delete']);
  });
});
