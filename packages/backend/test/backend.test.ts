import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGatehouseBackend,
  type GatehouseBackend,
  type GatehousePrincipal,
  gatehouseExpress,
  gatehouseFastify,
  gatehouseHono,
  withGatehouse,
} from '../src/index.js';
import {
  machineClient,
  signInForToken,
  signInWithCookie,
  startGatehouse,
  type TestServer,
  type TestUser,
} from './support/gatehouse.js';

/*
 * The backend helpers against a running Gatehouse: its JWKS, its sessions, its OAuth server. Each framework
 * adapter guards a real app of that framework, reached over HTTP (Express, Fastify) or its own request API
 * (Hono, a Next.js route handler, both Fetch-API based).
 */

const RESOURCE = 'https://notes.example.test';

let gatehouse: TestServer;
let backend: GatehouseBackend;
let admin: TestUser;
let adminCookie: string;
let tokenFor: (scope: string) => Promise<string>;

beforeAll(async () => {
  gatehouse = await startGatehouse();
  admin = await gatehouse.createUser({ admin: true });
  adminCookie = await signInWithCookie(gatehouse, admin);
  tokenFor = await machineClient(gatehouse, adminCookie, {
    scope: 'notes:read notes:write',
    resource: RESOURCE,
  });
  // Accepts first-party tokens (audience: Gatehouse's origin) and tokens for the notes API.
  backend = createGatehouseBackend({ appUrl: gatehouse.url, audience: [gatehouse.url, RESOURCE] });
});
afterAll(() => gatehouse?.close());

describe('verifyAccessToken', () => {
  it('verifies a first-party token with the JWKS and reads its user and roles', async () => {
    const principal = await backend.verifyAccessToken(await signInForToken(gatehouse, admin));
    expect(principal).toMatchObject({
      kind: 'access-token',
      userId: admin.id,
      roles: expect.arrayContaining(['admin']),
      clientId: 'gatehouse',
    });
    expect(principal.expiresAt).toBeGreaterThan(Date.now());
  });

  it('reads the scopes of an OAuth token for the API, and refuses another audience', async () => {
    const principal = await backend.verifyAccessToken(await tokenFor('notes:read'));
    expect(principal.scopes).toEqual(['notes:read']);
    const elsewhere = createGatehouseBackend({
      appUrl: gatehouse.url,
      audience: 'https://other.example.test',
    });
    await expect(elsewhere.verifyAccessToken(await tokenFor('notes:read'))).rejects.toMatchObject({
      status: 401,
      code: 'INVALID_TOKEN',
    });
  });

  it('refuses a tampered token, a token from another issuer, and garbage', async () => {
    const token = await signInForToken(gatehouse, admin);
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(payload!, 'base64url')
      .toString()
      .replace(/"roles":\[[^\]]*\]/, '"roles":["root"]');
    for (const bad of [`${header}.${Buffer.from(forged).toString('base64url')}.${signature}`, 'not-a-jwt']) {
      await expect(backend.verifyAccessToken(bad)).rejects.toMatchObject({ status: 401 });
    }
    const wrongIssuer = createGatehouseBackend({
      appUrl: gatehouse.url,
      issuer: 'https://auth.example.test',
    });
    await expect(wrongIssuer.verifyAccessToken(token)).rejects.toMatchObject({ status: 401 });
  });
});

describe('checkSession', () => {
  it('confirms a live session, caches it briefly, and sees the sign-out after the cache', async () => {
    const user = await gatehouse.createUser();
    const cookie = await signInWithCookie(gatehouse, user);
    const brief = createGatehouseBackend({ appUrl: gatehouse.url, sessionCacheSeconds: 1 });
    const header = `theme=dark; ${cookie}; app_session=secret-of-the-app`;
    expect(await brief.checkSession(header)).toMatchObject({
      kind: 'session',
      userId: user.id,
      email: user.email,
    });

    const out = await fetch(`${gatehouse.url}/api/logout`, {
      method: 'POST',
      headers: { cookie, origin: gatehouse.url },
    });
    expect(out.status).toBeLessThan(300);
    // Within the cache the backend still trusts it; after it, Gatehouse's answer (signed out) wins.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(brief.checkSession(header)).rejects.toMatchObject({ status: 401 });
    await expect(brief.checkSession('theme=dark')).rejects.toMatchObject({ status: 401 });
  });
});

describe('framework adapters', () => {
  it('Express: bearer tokens with scopes', async () => {
    const app = express();
    app.get('/notes', gatehouseExpress(backend, { scopes: ['notes:read'] }), (req, res) => {
      res.json({ by: (req as unknown as { gatehouse: GatehousePrincipal }).gatehouse.userId });
    });
    app.post('/notes', gatehouseExpress(backend, { scopes: ['notes:write'] }), (_req, res) => {
      res.status(201).json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const reader = await tokenFor('notes:read');
      const read = await fetch(`${url}/notes`, { headers: { authorization: `Bearer ${reader}` } });
      expect(read.status).toBe(200);
      expect((await read.json()).by).toBeTruthy();
      const write = await fetch(`${url}/notes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reader}` },
      });
      expect(write.status).toBe(403);
      expect(write.headers.get('www-authenticate')).toContain('insufficient_scope');
      expect(await write.json()).toEqual({
        code: 'INSUFFICIENT_SCOPE',
        message: 'This needs the scope notes:write',
      });
      const anonymous = await fetch(`${url}/notes`);
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()).code).toBe('UNAUTHORIZED');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Fastify: the cookie session, with a role check', async () => {
    const app = Fastify();
    app.get('/admin', { preHandler: gatehouseFastify(backend, { roles: ['admin'] }) }, async (request) => ({
      email: (request as unknown as { gatehouse: GatehousePrincipal }).gatehouse.email,
    }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const ok = await fetch(`${url}/admin`, { headers: { cookie: adminCookie } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ email: admin.email });
      const user = await gatehouse.createUser();
      const refused = await fetch(`${url}/admin`, {
        headers: { cookie: await signInWithCookie(gatehouse, user) },
      });
      expect(refused.status).toBe(403);
      expect((await refused.json()).code).toBe('FORBIDDEN');
    } finally {
      await app.close();
    }
  });

  it('Hono and a Next.js route handler: a bearer token, a role and a scope', async () => {
    const app = new Hono<{ Variables: { gatehouse: GatehousePrincipal } }>();
    app.use('/api/*', gatehouseHono(backend, { roles: ['admin'] }));
    app.get('/api/whoami', (c) => c.json({ id: c.get('gatehouse').userId }));
    const token = await signInForToken(gatehouse, admin);
    const hono = await app.request('/api/whoami', { headers: { authorization: `Bearer ${token}` } });
    expect(await hono.json()).toEqual({ id: admin.id });
    expect((await app.request('/api/whoami')).status).toBe(401);

    const GET = withGatehouse(backend, { scopes: ['notes:read'] }, async (_request, principal) =>
      Response.json({ scopes: principal.scopes }),
    );
    const allowed = await GET(
      new Request('http://app.test/api/notes', {
        headers: { authorization: `Bearer ${await tokenFor('notes:read')}` },
      }),
      {},
    );
    expect(await allowed.json()).toEqual({ scopes: ['notes:read'] });
    const firstParty = await GET(
      new Request('http://app.test/api/notes', { headers: { authorization: `Bearer ${token}` } }),
      {},
    );
    expect(firstParty.status).toBe(403);
  });
});

// Last: the rotation changes the key every other test's tokens are signed with.
describe('key rotation', () => {
  it('follows a key rotation: a token signed with the new key verifies without a restart', async () => {
    const fresh = createGatehouseBackend({ appUrl: gatehouse.url, jwksCooldownSeconds: 0 });
    await fresh.verifyAccessToken(await signInForToken(gatehouse, admin));
    await gatehouse.app.gatehouse.signingKeys.rotate();
    const signedWithNewKey = await signInForToken(gatehouse, admin);
    expect(await fresh.verifyAccessToken(signedWithNewKey)).toMatchObject({ userId: admin.id });
  });
});
