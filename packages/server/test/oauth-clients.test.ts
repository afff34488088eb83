import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsCommand } from '../src/cli/clients.js';
import { request, signInWithCookie } from './support/http.js';
import { postForm } from './support/oauth.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
} from './support/server.js';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe.each(testDatabases)('OAuth clients and discovery on %s', (database) => {
  let server: TestServer;
  let adminCookie: string;
  beforeAll(async () => {
    server = await startTestServer({
      database,
      publicUrlIsAddress: true,
      env: { ...MANY_SIGN_INS, ...CHEAP_HASHES },
    });
    const admin = await server.createUser({ admin: true });
    adminCookie = await signInWithCookie(server.url, admin.email, admin.password);
  });
  afterAll(() => server.close());

  const admin = <T = Record<string, unknown>>(path: string, init: { method?: string; body?: unknown } = {}) =>
    request<T>(server.url, `/api/admin/oauth/clients${path}`, {
      ...init,
      cookie: adminCookie,
      headers: { origin: server.url },
    });

  it('serves one metadata document under both well-known names, issuer equal to the public URL', async () => {
    const oidc = await request(server.url, '/.well-known/openid-configuration');
    const rfc8414 = await request(server.url, '/.well-known/oauth-authorization-server');
    expect(oidc.status).toBe(200);
    expect(oidc.body).toEqual(rfc8414.body);
    expect(oidc.body).toMatchObject({
      issuer: server.url,
      jwks_uri: `${server.url}/oauth2/jwks`,
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    });
    const jwks = await request<{ keys: Array<Record<string, unknown>> }>(server.url, '/oauth2/jwks');
    for (const key of jwks.body.keys)
      for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        expect(key[privateMember]).toBeUndefined();
  });

  it('registers, shows, updates, rotates and deletes a client over the admin API; the secret appears once', async () => {
    const created = await admin<{
      client_id: string;
      client_secret: string;
      client: Record<string, unknown>;
    }>('', {
      body: {
        name: 'Reports',
        redirectUris: ['https://reports.example/cb'],
        grantTypes: ['client_credentials', 'authorization_code'],
        scope: 'api:read',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.client_secret).toMatch(/^ghcs_[A-Za-z0-9_-]{43}$/);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { client_id: id, client_secret: secret } = created.body;
    const listed = await admin<Array<Record<string, unknown>>>('');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.find((c) => c['client_id'] === id)).toMatchObject({ name: 'Reports', public: false });

    const token = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'client_credentials' },
      { id, secret },
    );
    expect(token.status).toBe(200);

    const updated = await admin(`/${id}`, { method: 'PATCH', body: { name: 'Reports v2', trusted: true } });
    expect(updated.body).toMatchObject({ name: 'Reports v2', trusted: true });
    const rotated = await admin<{ client_secret: string }>(`/${id}/rotate-secret`, { method: 'POST' });
    expect(rotated.body.client_secret).not.toBe(secret);
    expect(
      (await postForm(server, '/oauth2/token', { grant_type: 'client_credentials' }, { id, secret })).status,
    ).toBe(401);
    expect(
      (
        await postForm(
          server,
          '/oauth2/token',
          { grant_type: 'client_credentials' },
          { id, secret: rotated.body.client_secret },
        )
      ).status,
    ).toBe(200);

    expect((await admin(`/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await admin(`/${id}`)).status).toBe(404);
  });

  it('refuses bad definitions with 400 and non-admins with 403', async () => {
    const problems = [
      { name: 'x', redirectUris: ['http://evil.example/cb'] },
      { name: 'x', redirectUris: ['https://a.example/cb#frag'] },
      { name: 'x', public: true, grantTypes: ['client_credentials'] },
      { name: 'x', grantTypes: ['password'], redirectUris: ['https://a.example/cb'] },
      { name: 'x', grantTypes: ['authorization_code'] },
    ];
    for (const body of problems) expect((await admin('', { body })).status).toBe(400);
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    expect((await request(server.url, '/api/admin/oauth/clients', { cookie })).status).toBe(403);
  });

  it('registers clients from the command line; --json prints client_id and client_secret (none for a public client)', async () => {
    const env = {
      ...process.env,
      GATEHOUSE_DATABASE_URL:
        database === 'sqlite'
          ? (server.config.database as { path: string }).path
          : (server.config.database as { url: string }).url,
      GATEHOUSE_MASTER_KEY: server.config.masterKey ?? '',
      GATEHOUSE_LOG_LEVEL: 'silent',
    };
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'clients',
        'create',
        '--name',
        'CLI app',
        '--redirect-uri',
        'https://cli.example/a',
        '--redirect-uri',
        'https://cli.example/b',
        '--grant',
        'authorization_code',
        '--grant',
        'refresh_token',
        '--scope',
        'openid email offline_access',
        '--json',
      ],
      { env },
    );
    const printed = JSON.parse(stdout) as { client_id: string; client_secret: string };
    expect(Object.keys(printed)).toEqual(['client_id', 'client_secret']);
    const shown = await admin(`/${printed.client_id}`);
    expect(shown.body).toMatchObject({
      redirect_uris: ['https://cli.example/a', 'https://cli.example/b'],
      scope: 'openid email offline_access',
    });

    const lines: string[] = [];
    await clientsCommand(
      server.config,
      'create',
      undefined,
      { name: 'SPA', redirectUris: ['https://spa.example/cb'], public: true, json: true },
      (line) => void lines.push(line),
    );
    const spa = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(spa)).toEqual(['client_id']);
    lines.length = 0;
    await clientsCommand(
      server.config,
      'rotate-secret',
      printed.client_id,
      { json: true },
      (line) => void lines.push(line),
    );
    expect(JSON.parse(lines[0]!)).toMatchObject({
      client_id: printed.client_id,
      client_secret: expect.any(String),
    });
    lines.length = 0;
    await clientsCommand(server.config, 'list', undefined, {}, (line) => void lines.push(line));
    expect(lines.join('\n')).toContain('CLI app');
    await clientsCommand(server.config, 'delete', printed.client_id, {}, (line) => void lines.push(line));
    expect((await admin(`/${printed.client_id}`)).status).toBe(404);
  });

  /**
   * SQLite: the server sees the command line's commit at the start of its next request, so the first answer
   * counts. PostgreSQL: the command line's NOTIFY reaches the server within the delivery bound of
   * docs/deployment.md (1 s), not before its next request necessarily; polled every 10 ms within it.
   */
  const afterDelivery = async (
    attempt: () => Promise<{ status: number }>,
    expected: number,
  ): Promise<{ status: number }> => {
    const started = Date.now();
    for (;;) {
      const answer = await attempt();
      if (database === 'sqlite' || answer.status === expected || Date.now() - started > 1_000) return answer;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('a secret rotated and a client deleted by the command line take effect on the next token request', async () => {
    const { client, secret } = await server.app.gatehouse.oauth.clients.create({
      name: 'Cached app',
      grantTypes: ['client_credentials'],
      scope: 'api:read',
    });
    const old = { id: client.id, secret: secret! };
    const token = (credentials: { id: string; secret: string }) =>
      postForm(server, '/oauth2/token', { grant_type: 'client_credentials' }, credentials);
    // The first request caches the client on the server.
    expect((await token(old)).status).toBe(200);
    const lines: string[] = [];
    // The command line is another connection (on SQLite, no bus reaches the server from it).
    await clientsCommand(
      server.config,
      'rotate-secret',
      client.id,
      { json: true },
      (line) => void lines.push(line),
    );
    const rotated = {
      id: client.id,
      secret: (JSON.parse(lines[0]!) as { client_secret: string }).client_secret,
    };
    expect((await afterDelivery(() => token(old), 401)).status).toBe(401);
    expect((await token(rotated)).status).toBe(200);
    await clientsCommand(server.config, 'delete', client.id, {}, (line) => void lines.push(line));
    expect((await afterDelivery(() => token(rotated), 401)).status).toBe(401);
  });
});
