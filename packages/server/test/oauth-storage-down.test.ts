import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from './faults/support/proxy.js';
import { type FreshDatabase, freshDatabase, POSTGRES_URL, testDatabases } from './support/databases.js';
import { postForm } from './support/oauth.js';
import { startTestServer, type TestServer } from './support/server.js';

/** SECURITY.md "Reliability": storage down is 503 `temporarily_unavailable` on OAuth endpoints, then recovery. */
describe.runIf(testDatabases.includes('postgres'))('the OAuth endpoints while PostgreSQL is down', () => {
  const proxy = new FaultProxy();
  let fresh: FreshDatabase;
  let server: TestServer;
  let client: { id: string; secret: string };
  beforeAll(async () => {
    await proxy.start();
    fresh = await freshDatabase('postgres', proxy.via(POSTGRES_URL));
    server = await startTestServer({
      database: 'postgres',
      databaseUrl: fresh.url,
      publicUrlIsAddress: true,
    });
    const { client: created, secret } = await server.app.gatehouse.oauth.clients.create({
      name: 'Outage',
      grantTypes: ['client_credentials', 'refresh_token'],
      scope: 'api:read',
    });
    client = { id: created.id, secret: secret! };
  });
  afterAll(async () => {
    await proxy.heal();
    await server?.close();
    await fresh?.drop();
    await proxy.stop();
  });

  it('answers 503 temporarily_unavailable with Retry-After, never a 500, and recovers without a restart', async () => {
    await proxy.refuse();
    try {
      const refresh = await postForm(
        server,
        '/oauth2/token',
        { grant_type: 'refresh_token', refresh_token: 'anything' },
        client,
      );
      expect(refresh.status).toBe(503);
      expect(refresh.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.any(String),
      });
      expect(refresh.headers.get('retry-after')).toBe('5');
      const page = await fetch(
        `${server.url}/oauth2/authorize?client_id=unknown-while-down&response_type=code`,
      );
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toContain('text/html');
    } finally {
      await proxy.heal();
    }
    const after = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: 'anything' },
      client,
    );
    expect(after.body).toMatchObject({ error: 'invalid_grant' });
  });
});
