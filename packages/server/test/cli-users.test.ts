import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UserCommandOptions, userAdminCommand } from '../src/cli/user-admin.js';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import { createWorkspace, person } from './support/workspaces.js';

describe.each(testDatabases)('gatehouse users (command line) on %s', (database) => {
  let server: TestServer;
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
    expect((await request(server.url, '/api/me', { cookie: owner.cookie })).status).toBe(401);
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
