import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { MANY_SIGN_INS, startTestServer, type TestServer, testDatabases } from './support/server.js';

/**
 * A password sign-in's statements run prepared on PostgreSQL (storage/precompiled.ts, `prepareOnPostgres`):
 * parsed and planned once per connection, which halved PostgreSQL's CPU per sign-in (docs/performance.md).
 * A prepared statement stops answering when a table it reads changes shape under it (another instance's
 * migration): the statement then runs once more unprepared (storage/postgres-pool.ts), so no sign-in fails.
 */
describe.runIf(testDatabases.includes('postgres'))('password sign-in on PostgreSQL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database: 'postgres', env: MANY_SIGN_INS });
  });
  afterAll(() => server.close());

  it('runs its statements prepared, and a table changed under them fails no sign-in', async () => {
    const { pool } = server.app.gatehouse.ctx.storage;
    if (!pool) throw new Error('expected a PostgreSQL pool');
    const user = await server.createUser();
    const signIn = async () =>
      (await request(server.url, '/api/signin', { body: { username: user.email, password: user.password } }))
        .status;
    for (let i = 0; i < 3; i += 1) expect(await signIn()).toBe(200);
    const { rows } = await pool.query<{ statement: string }>(
      "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'gatehouse_%'",
    );
    const prepared = rows.map((row) => row.statement);
    // The admission before the hash, and the session's write after it (with its eviction).
    expect(prepared.some((sql) => sql.startsWith('WITH hit AS'))).toBe(true);
    expect(prepared.some((sql) => sql.startsWith('WITH cleared AS'))).toBe(true);
    expect(prepared.some((sql) => sql.startsWith('delete from "sessions"'))).toBe(true);

    // The admission returns every column of `users`, the session's write the workspace's name: both change.
    await pool.query('ALTER TABLE users ADD COLUMN signin_prepared_test TEXT');
    await pool.query('ALTER TABLE workspaces ALTER COLUMN name TYPE VARCHAR(500)');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push(await signIn());
    expect(statuses).toEqual(Array(12).fill(200));
  });
});
