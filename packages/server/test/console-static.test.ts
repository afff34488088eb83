import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleRoutes } from '../src/features/console/routes.js';
import { request } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

describe('the web console served at /console', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('serves the page for every console path with no-cache and the strict console CSP', async () => {
    for (const path of ['/console', '/console/', '/console/tokens', '/console/workspaces/abc']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      const html = await res.text();
      expect(html).toMatch(/<script type="module" src="\/console\/assets\/app-\w+\.js"><\/script>/);
      // No inline script or style anywhere in the page: the CSP forbids both.
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=/);
    }
  });

  it('serves hashed assets immutable for a year, and a missing asset as a 404, never the page', async () => {
    const html = await (await fetch(`${server.url}/console/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    // The icon, the stylesheet, the app, and the chunks it imports (preloaded).
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      const res = await fetch(`${server.url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      // Read to the end: an unread body holds its connection open, and the server's close waits on it.
      await res.arrayBuffer();
    }
    const missing = await request(server.url, '/console/assets/app-OLDHASH.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps the API on its own policy', async () => {
    const api = await fetch(`${server.url}/api/sign-in-options`);
    expect(api.headers.get('content-security-policy')).not.toBe(CONSOLE_CSP);
    expect(await api.json()).toEqual({ signup: 'open', providers: [] });
  });

  it('says how to build the console when its build is missing, without failing the server', async () => {
    const app = Fastify({ logger: false });
    await app.register(consoleRoutes, { build: undefined });
    const res = await app.inject('/console/profile');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'CONSOLE_NOT_BUILT' });
    await app.close();
  });
});
