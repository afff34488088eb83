import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';

describe.each(testDatabases)('password storage on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { GATEHOUSE_ARGON2_MEMORY_KIB: '8192', GATEHOUSE_ARGON2_TIME_COST: '1' },
    });
  });
  afterAll(() => server.close());

  const storedHash = async (s: TestServer, id: string) =>
    (
      await s.app.gatehouse.ctx.storage.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).password_hash!;

  it('stores argon2id hashes with the configured cost and upgrades them at sign-in when the cost rises', async () => {
    const user = await server.createUser();
    expect(await storedHash(server, user.id)).toMatch(/^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);

    // Same database, stronger parameters (the OWASP floor).
    const stronger = await startTestServer({
      database,
      databaseUrl:
        server.config.database.kind === 'sqlite' ? server.config.database.path : server.config.database.url,
      // Same database, same master key: it seals what the first server stored.
      env: { GATEHOUSE_MASTER_KEY: server.config.masterKey! },
      configuredHashCost: true,
    });
    try {
      const res = await request(stronger.url, '/api/signin', {
        body: { username: user.email, password: user.password },
      });
      expect(res.status).toBe(200);
      expect(await storedHash(stronger, user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const again = await request(stronger.url, '/api/signin', {
        body: { username: user.email, password: user.password },
      });
      expect(again.status).toBe(200);
    } finally {
      await stronger.app.close();
    }
  });

  it('keeps look-alike emails apart: a homoglyph or an invisible character never signs in, a full-width spelling is the same address', async () => {
    const user = await server.createUser({ email: 'ada@example.test', password: 'ada-real-password' });
    expect(user.email).toBe('ada@example.test');
    for (const lookalike of ['\u0430da@example.test', 'ada@example.test\u200b']) {
      const res = await request(server.url, '/api/signin', {
        body: { username: lookalike, password: 'ada-real-password' },
      });
      expect(res.status).toBe(401);
    }
    // NFKC makes the full-width form one identifier with the plain one: it can be nobody else's account.
    const fullWidth = await request(server.url, '/api/signin', {
      body: { username: 'ＡＤＡ@example.test', password: 'ada-real-password' },
    });
    expect(fullWidth.status).toBe(200);
    const clash = await request(server.url, '/api/signup', {
      body: { email: 'ａｄａ@example.test', password: 'another-password' },
    });
    expect(clash.status).toBe(409);
    const exact = await request(server.url, '/api/signin', {
      body: { username: ' ADA@Example.Test ', password: 'ada-real-password' },
    });
    expect(exact.status).toBe(200);
  });
});
