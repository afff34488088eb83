import { randomBytes } from 'node:crypto';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../src/storage/database.js';
import { migrations } from '../src/storage/migrations/index.js';
import { freshDatabase } from './support/databases.js';
import { request } from './support/http.js';
import {
  CHEAP_HASHES,
  startTestServer,
  type TestServer,
  testDatabases,
  uniqueEmail,
} from './support/server.js';

const PASSWORD = 'correct horse battery staple';
const handle = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

describe.each(testDatabases)('one namespace for e-mails and usernames on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { ...CHEAP_HASHES, GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' },
    });
  });
  afterAll(() => server.close());

  const signup = (body: Record<string, unknown>) =>
    request<{ payload: { user: { username: string; email: string } } } & { code?: string }>(
      server.url,
      '/api/signup',
      { body: { password: PASSWORD, ...body } },
    );
  const signIn = (username: string) =>
    request<{ payload: { user: { _id: string; username: string } } }>(server.url, '/api/signin', {
      body: { username, password: PASSWORD },
    });

  it('signs Ada in as Ada, in any case or width, and by e-mail, and shows the username as typed', async () => {
    const name = handle('Ada');
    const email = uniqueEmail();
    const created = await signup({ email, username: name });
    expect(created.status).toBe(200);
    expect(created.body.payload.user.username).toBe(name);
    const fullWidth = [...name].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
    for (const login of [
      name,
      name.toLowerCase(),
      name.toUpperCase(),
      fullWidth,
      email,
      email.toUpperCase(),
    ]) {
      const res = await signIn(login);
      expect(res.status, login).toBe(200);
      expect(res.body.payload.user.username).toBe(name);
    }
  });

  it('never lets a username be someone else’s e-mail, registered or not', async () => {
    const owner = uniqueEmail('owner');
    expect((await signup({ email: owner })).status).toBe(200);
    const squatter = await signup({ email: uniqueEmail(), username: owner.toUpperCase() });
    expect(squatter.status).toBe(400);
    expect(squatter.body).toMatchObject({
      code: 'VALIDATION_ERROR',
      errors: { username: expect.any(String) },
    });

    // An address nobody registered yet cannot be taken either, so its owner's sign-up is never blocked.
    const future = uniqueEmail('future');
    expect((await signup({ email: uniqueEmail(), username: future })).status).toBe(400);
    expect((await signup({ email: future })).status).toBe(200);
    // One's own address, in any case, is a fine username.
    const own = uniqueEmail('own');
    expect((await signup({ email: own, username: own.toUpperCase() })).status).toBe(200);
    expect((await signIn(own)).status).toBe(200);
  });

  it('keeps usernames unique across case and width, and refuses blank or invisible ones', async () => {
    const name = handle('grace');
    expect((await signup({ email: uniqueEmail(), username: name })).status).toBe(200);
    const clash = await signup({ email: uniqueEmail(), username: name.toUpperCase() });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('USER_EXISTS');
    for (const username of [
      '   ',
      `gr\u200Bace${name}`,
      `ab\u0007c${name}`,
      `two words${name}`,
      `x\u202E${name}`,
    ]) {
      const res = await signup({ email: uniqueEmail(), username });
      expect(res.status, JSON.stringify(username)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
    }
    expect((await signup({ email: `zero\u200Bwidth-${handle('')}@example.test` })).status).toBe(400);
  });

  it('moves the username identifier on a profile change, and refuses a taken one or an address', async () => {
    const first = handle('lin');
    const email = uniqueEmail();
    const res = await signup({ email, username: first });
    const cookie = res.cookies[0]!;
    const taken = handle('taken');
    expect((await signup({ email: uniqueEmail(), username: taken })).status).toBe(200);

    const update = (username: string) => request(server.url, '/api/me', { body: { username }, cookie });
    expect((await update(taken.toUpperCase())).status).toBe(409);
    expect((await update(uniqueEmail())).status).toBe(400);
    const second = handle('Linus');
    const renamed = await update(second);
    expect(renamed.status).toBe(200);
    expect(renamed.body['username']).toBe(second);
    expect((await signIn(second.toLowerCase())).status).toBe(200);
    expect((await signIn(first)).status).toBe(401);
    // The old name is free for someone else now.
    expect((await signup({ email: uniqueEmail(), username: first })).status).toBe(200);
  });
});

describe.each(testDatabases)('migration 0005_hardening of existing accounts on %s', (database) => {
  it('gives every identifier one owner: squatted addresses return to their owners, case clashes to the older account', async () => {
    const fresh = await freshDatabase(database);
    const storage = openStorage(
      database === 'sqlite' ? { kind: 'sqlite', path: fresh.url } : { kind: 'postgres', url: fresh.url },
    );
    const schema =
      database === 'postgres'
        ? ((await storage.pool!.query('select current_schema() as s')).rows[0] as { s: string }).s
        : undefined;
    const migrator = new Migrator({
      db: storage.db,
      provider: { getMigrations: async () => migrations },
      ...(schema && { migrationTableSchema: schema }),
    });
    expect((await migrator.migrateTo('0004_workspaces')).error).toBeUndefined();

    // Rows as the old code stored them: usernames as typed, looked up lower-cased, e-mail or username in one query.
    const ada = { email: 'ada@example.test', username: 'Ada' };
    const squatter = { email: 'squatter@example.test', username: 'carol@example.test' };
    const carol = { email: 'carol@example.test', username: 'carol' };
    const shouter = { email: 'shouter@example.test', username: 'ADA' };
    const rows = [ada, squatter, carol, shouter].map((account, i) => ({
      id: `legacy${i}`,
      ...account,
      password_hash: null,
      first_name: '',
      last_name: '',
      roles: '["user"]',
      metadata: '{}',
      last_workspace_id: null,
      created_at: 1_700_000_000_000 + i,
      updated_at: 1_700_000_000_000 + i,
    }));
    await storage.db.insertInto('users').values(rows).execute();
    await storage.close();

    const server = await startTestServer({ database, databaseUrl: fresh.url });
    try {
      const { db } = server.app.gatehouse.ctx.storage;
      const owners = await db.selectFrom('login_identifiers').selectAll().orderBy('identifier').execute();
      expect(owners.map((o) => [o.identifier, o.user_id, o.kind])).toEqual([
        ['ada', 'legacy0', 'username'],
        ['ada@example.test', 'legacy0', 'email'],
        ['carol', 'legacy2', 'username'],
        ['carol@example.test', 'legacy2', 'email'],
        ['shouter@example.test', 'legacy3', 'email'],
        ['squatter@example.test', 'legacy1', 'email'],
      ]);
      const users = await db.selectFrom('users').select(['id', 'username']).orderBy('id').execute();
      expect(users.map((u) => u.username)).toEqual([
        'Ada',
        'squatter@example.test',
        'carol',
        'shouter@example.test',
      ]);
    } finally {
      await server.close();
      await fresh.drop();
    }
  });
});
