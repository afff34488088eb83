import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userAdminCommand } from '../src/cli/user-admin.js';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

describe('gatehouse users (command line)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const run = async (action: string, target?: string, options = {}) => {
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
});
