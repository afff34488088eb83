import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SQLITE_CONSUME, SQLITE_LIVE_FAMILY_FIRST_PARTY } from '../src/features/tokens/rotation-sql.js';
import { codeFlow, type OAuthTestServer, postForm, startOAuthServer } from './support/oauth.js';

import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import { refresh, signInWithTokens } from './support/token-session.js';

/**
 * The rotation statement (features/tokens/rotation-sql.ts) checks the token's family and its client: a
 * refresh token rotates only at the endpoint of the client it was issued to, and a refusal elsewhere neither
 * consumes it nor counts as reuse (its family lives on).
 */
describe.each(testDatabases)('refresh-token rotation on %s', (database) => {
  let server: OAuthTestServer;
  let client: { id: string; secret: string };
  let other: { id: string; secret: string };

  beforeAll(async () => {
    server = await startOAuthServer(database);
    const registered = await server.register();
    client = { id: registered.clientId, secret: registered.clientSecret! };
    const second = await server.register();
    other = { id: second.clientId, secret: second.clientSecret! };
  });
  afterAll(() => server.close());

  /** An OAuth grant with offline access for `client`: its refresh token. */
  async function grantRefreshToken(): Promise<string> {
    const issued = await codeFlow(server, client, server.user);
    expect(issued.status).toBe(200);
    return issued.body['refresh_token'] as string;
  }

  const oauthRefresh = (refreshToken: string, as = client) =>
    postForm(server, '/oauth2/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, as);

  it("refuses an OAuth grant's refresh token at /api/token/refresh and leaves the grant alive", async () => {
    const refreshToken = await grantRefreshToken();
    const firstParty = await refresh(server.url, refreshToken);
    expect(firstParty.status).toBe(401);
    const rotated = await oauthRefresh(refreshToken);
    expect(rotated.status).toBe(200);
    expect(rotated.body['refresh_token']).toEqual(expect.any(String));
  });

  it("refuses another client's refresh token and a first-party one at /oauth2/token", async () => {
    const refreshToken = await grantRefreshToken();
    const foreign = await oauthRefresh(refreshToken, other);
    expect(foreign.status).toBe(400);
    expect(foreign.body['error']).toBe('invalid_grant');
    expect((await oauthRefresh(refreshToken)).status).toBe(200);

    const pair = await signInWithTokens(server.url, server.user.email, server.user.password);
    const asClient = await oauthRefresh(pair.refreshToken);
    expect(asClient.status).toBe(400);
    expect(asClient.body['error']).toBe('invalid_grant');
    const own = await refresh(server.url, pair.refreshToken);
    expect(own.status).toBe(200);
    expect(own.body.payload.refreshToken).not.toBe(pair.refreshToken);
  });
});

describe('refresh-token rotation on SQLite', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite' });
  });
  afterAll(() => server.close());

  it('reads the family by its primary key: the cost does not grow with the number of signed-in users', async () => {
    // An `IN (SELECT id FROM token_families WHERE …)` is planned as a list of every live family, built per call.
    const { db } = server.app.gatehouse.ctx.storage;
    const plan = async (query: { sql: string; parameters: readonly unknown[] }) =>
      (
        await db.executeQuery<{ detail: string }>(
          CompiledQuery.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]),
        )
      ).rows.map((row) => row.detail);
    const now = Date.now();
    const read = await plan(SQLITE_LIVE_FAMILY_FIRST_PARTY.bind(db, { tokenHash: 'x', now }));
    expect(read.some((detail) => /SEARCH t .*\(token_hash=\?\)/.test(detail))).toBe(true);
    const familyReads = read.filter((detail) => /token_families|SEARCH f /.test(detail));
    expect(familyReads.length).toBeGreaterThan(0);
    for (const detail of familyReads) expect(detail).toMatch(/SEARCH .*\(id=\?\)/);
    expect(read.join('\n')).not.toMatch(/LIST SUBQUERY|SCAN/);

    const consume = await plan(SQLITE_CONSUME.bind(db, { tokenHash: 'x', now, sealed: null, retryUntil: 0 }));
    expect(consume.some((detail) => /SEARCH refresh_tokens .*\(token_hash=\?\)/.test(detail))).toBe(true);
    expect(consume.join('\n')).not.toMatch(/SCAN/);
  });
});

describe('refresh-token rotation on PostgreSQL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database: 'postgres' });
  });
  afterAll(() => server.close());

  it('runs as a statement prepared once per connection, and recovers when a table changes under it', async () => {
    const { pool } = server.app.gatehouse.ctx.storage;
    if (!pool) throw new Error('expected a PostgreSQL pool');
    const user = await server.createUser();
    let { refreshToken } = await signInWithTokens(server.url, user.email, user.password);
    const rotate = async () => {
      const rotated = await refresh(server.url, refreshToken);
      if (rotated.status === 200) refreshToken = rotated.body.payload.refreshToken;
      return rotated.status;
    };
    for (let i = 0; i < 3; i += 1) expect(await rotate()).toBe(200);
    // Every connection holds the rotation prepared once by name (pg reuses the idle one it just released).
    const prepared = await pool.query<{ statement: string }>(
      "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'gatehouse_%'",
    );
    expect(
      prepared.rows.map((row) => row.statement).filter((sql) => sql.includes('WITH consumed AS')),
    ).toEqual([expect.stringContaining('UPDATE refresh_tokens')]);

    // A column the statement returns changes type (another instance's migration): the prepared plan can no
    // longer answer. The connection that held it is dropped, so at most one rotation per connection fails
    // (nothing consumed: the statement failed as a whole) and the token still rotates afterwards.
    await pool.query('ALTER TABLE token_families ALTER COLUMN workspace_id TYPE VARCHAR(200)');
    const statuses: number[] = [];
    for (let i = 0; i < 12 && statuses.at(-1) !== 200; i += 1) statuses.push(await rotate());
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.filter((status) => status !== 200).length).toBeLessThanOrEqual(10);
    for (let i = 0; i < 3; i += 1) expect(await rotate()).toBe(200);
  });
});
