import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providersCommand } from '../src/cli/providers.js';
import { request } from './support/http.js';
import { gatehouseArgs } from './support/process.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
} from './support/server.js';

import { apiKey, createApiToken, type Person, person } from './support/workspaces.js';

const SECRET = 'very-secret-client-secret-value-42';

interface ProviderView {
  name: string;
  displayName: string;
  builtin: boolean;
  enabled: boolean;
  clientId: string;
  clientSecretSet: boolean;
  issuer: string | null;
  scopes: string;
  returnOrigins: string[];
  callbackUrl: string;
  code?: string;
  errors?: Record<string, string>;
}

describe.each(testDatabases)('social provider configuration on %s', (database) => {
  let server: TestServer;
  let admin: Person;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { ...MANY_SIGN_INS, ...CHEAP_HASHES } });
    admin = await person(server, { admin: true });
  });
  afterAll(() => server.close());

  const put = (name: string, body: Record<string, unknown>, cookie = admin.cookie) =>
    request<ProviderView>(server.url, `/api/admin/social-providers/${name}`, { method: 'PUT', body, cookie });

  it('stores a built-in provider with its client secret sealed at rest and never returned', async () => {
    const res = await put('google', {
      clientId: 'google-client',
      clientSecret: SECRET,
      returnOrigins: ['https://app.example.com', 'http://localhost:5173/'],
      enabled: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      name: 'google',
      displayName: 'Google',
      builtin: true,
      enabled: true,
      clientId: 'google-client',
      clientSecretSet: true,
      scopes: 'openid email profile',
      returnOrigins: ['https://app.example.com', 'http://localhost:5173'],
      callbackUrl: `${server.config.publicUrl.origin}/api/auth/google/callback`,
    });
    const listed = await request(server.url, '/api/admin/social-providers', { cookie: admin.cookie });
    const one = await request(server.url, '/api/admin/social-providers/google', { cookie: admin.cookie });
    for (const text of [JSON.stringify(res.body), JSON.stringify(listed.body), JSON.stringify(one.body)])
      expect(text).not.toContain(SECRET);

    const row = await server.app.gatehouse.ctx.storage.db
      .selectFrom('social_providers')
      .select('client_secret_sealed')
      .where('name', '=', 'google')
      .executeTakeFirstOrThrow();
    expect(row.client_secret_sealed).not.toContain(SECRET);
    expect(server.app.gatehouse.ctx.secrets.open(row.client_secret_sealed!)).toBe(SECRET);
    const trail = await sql<{ detail: string }>`select detail from admin_audit`.execute(
      server.app.gatehouse.ctx.storage.db,
    );
    expect(JSON.stringify(trail.rows)).not.toContain(SECRET);
  });

  it('merges later changes into the stored provider and keeps the secret', async () => {
    const res = await put('google', { scopes: 'openid email', enabled: false });
    expect(res.body).toMatchObject({ enabled: false, clientSecretSet: true, scopes: 'openid email' });
    const back = await put('google', { scopes: null });
    expect(back.body.scopes).toBe('openid email profile');
  });

  it('configures a generic OpenID Connect provider by its issuer, and refuses one without', async () => {
    const missing = await put('okta', { clientId: 'x', clientSecret: 'y' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toHaveProperty('issuer');
    const res = await put('okta', {
      clientId: 'okta-client',
      clientSecret: 'okta-secret',
      issuer: 'https://dev-1.okta.com/oauth2/default',
      displayName: 'Okta',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ builtin: false, issuer: 'https://dev-1.okta.com/oauth2/default' });
  });

  it.each([
    ['a plain-HTTP endpoint off loopback', { issuer: 'http://idp.example.com' }],
    ['an endpoint that is no URL', { tokenEndpoint: 'not a url' }],
    ['a return origin with a path', { returnOrigins: ['https://app.example.com/finish'] }],
    ['a return origin that is no origin', { returnOrigins: ['javascript:alert(1)'] }],
    ['an unknown field', { clientSecretPlain: 'x' }],
    ['a wrong type', { enabled: 'yes' }],
  ])('refuses %s with 400', async (_what, body) => {
    const res = await put('github', { clientId: 'gh', ...body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
  });

  it('refuses a bad provider name and enabling without a client secret', async () => {
    expect((await put('Bad Name!', { clientId: 'x' })).status).toBe(400);
    const res = await put('facebook', { clientId: 'fb', enabled: true });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PROVIDER_INCOMPLETE');
  });

  it('is for admins only, and never with an API token', async () => {
    const user = await person(server);
    expect((await put('github', { clientId: 'x' }, user.cookie)).status).toBe(403);
    expect((await request(server.url, '/api/admin/social-providers')).status).toBe(401);
    const token = await createApiToken(server, admin);
    const res = await request(server.url, '/api/admin/social-providers', { headers: apiKey(token) });
    expect(res.status).toBe(403);
  });

  it('deletes a provider; deleting it again is 404', async () => {
    await put('linkedin', { clientId: 'li', clientSecret: 's' });
    const del = () =>
      request(server.url, '/api/admin/social-providers/linkedin', { method: 'DELETE', cookie: admin.cookie });
    expect((await del()).status).toBe(200);
    expect((await del()).status).toBe(404);
  });

  it('gatehouse providers list|set|enable|disable|delete do the same from the command line', async () => {
    const lines: string[] = [];
    const run = (action: 'list' | 'set' | 'enable' | 'disable' | 'delete', name?: string, changes = {}) =>
      providersCommand(server.config, action, name, changes, (line) => void lines.push(line));
    await run('set', 'gitlab', {
      clientId: 'gl',
      clientSecret: 'gl-secret',
      issuer: 'https://gitlab.example.com',
      returnOrigins: ['https://app.example.com'],
    });
    await run('enable', 'gitlab');
    expect((await server.app.gatehouse.social.providers.get('gitlab')).enabled).toBe(true);
    await run('disable', 'gitlab');
    expect((await server.app.gatehouse.social.providers.get('gitlab')).enabled).toBe(false);
    lines.length = 0;
    await run('list');
    expect(lines.find((l) => l.startsWith('gitlab'))).toContain('disabled');
    expect(lines.join('\n')).not.toContain('gl-secret');
    await run('delete', 'gitlab');
    await expect(server.app.gatehouse.social.providers.get('gitlab')).rejects.toThrow(/No provider/);
  });
});

describe('gatehouse providers set (the real command)', () => {
  it('reads the secret from stdin and takes --return-origin more than once', async () => {
    const server = await startTestServer();
    const url = server.config.database.kind === 'sqlite' ? server.config.database.path : '';
    const env = {
      PATH: process.env['PATH'] ?? '',
      GATEHOUSE_LOG_LEVEL: 'silent',
      GATEHOUSE_DATABASE_URL: url,
      GATEHOUSE_MASTER_KEY: server.config.masterKey ?? '',
    };
    try {
      const result = spawnSync(
        process.execPath,
        gatehouseArgs(
          'providers',
          'set',
          'github',
          '--client-id',
          'gh-id',
          '--client-secret-stdin',
          '--return-origin',
          'https://app.example.com',
          '--return-origin',
          'https://admin.example.com',
          '--enable',
        ),
        { env, input: `${SECRET}\n`, encoding: 'utf8', timeout: 60_000 },
      );
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain('github');
      expect(result.stdout).not.toContain(SECRET);
      const view = await server.app.gatehouse.social.providers.get('github');
      expect(view).toMatchObject({
        enabled: true,
        clientId: 'gh-id',
        clientSecretSet: true,
        returnOrigins: ['https://app.example.com', 'https://admin.example.com'],
      });
      const resolved = await server.app.gatehouse.social.providers.resolveEnabled('github');
      expect(resolved?.clientSecret).toBe(SECRET);
    } finally {
      await server.close();
    }
  });
});
