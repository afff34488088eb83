import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('answers each asset with its type, length, ETag and Last-Modified, and a matching ETag with a 304', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-assets-'));
    mkdirSync(join(dir, 'assets', 'fonts'), { recursive: true });
    writeFileSync(join(dir, 'assets', 'app-ABC123.js'), 'export const app = 1;\n');
    writeFileSync(join(dir, 'assets', 'styles-ABC123.css'), 'body { margin: 0 }\n');
    writeFileSync(join(dir, 'assets', 'fonts', 'inter-ABC123.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
    writeFileSync(join(dir, 'secret.txt'), 'outside the assets directory');
    const app = Fastify({ logger: false });
    await app.register(consoleRoutes, {
      build: { assetsDir: join(dir, 'assets'), indexHtml: '<!doctype html><title>console</title>' },
    });
    try {
      const script = await app.inject('/console/assets/app-ABC123.js');
      expect(script.statusCode).toBe(200);
      expect(script.headers['content-type']).toBe('application/javascript; charset=utf-8');
      expect(script.headers['content-length']).toBe(String('export const app = 1;\n'.length));
      expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(script.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(script.headers['last-modified']).toMatch(/GMT$/);
      expect(script.body).toBe('export const app = 1;\n');
      const etag = String(script.headers['etag']);
      expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
      const again = await app.inject({
        url: '/console/assets/app-ABC123.js',
        headers: { 'if-none-match': etag },
      });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      const head = await app.inject({ method: 'HEAD', url: '/console/assets/styles-ABC123.css' });
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-type']).toBe('text/css; charset=utf-8');
      const font = await app.inject('/console/assets/fonts/inter-ABC123.woff2');
      expect(font.statusCode).toBe(200);
      expect(font.headers['content-type']).toBe('font/woff2');

      // Only the files present at start-up are routes: no request path reaches the file system.
      for (const url of [
        '/console/assets/../secret.txt',
        '/console/assets/%2e%2e/secret.txt',
        '/console/assets/..%2fsecret.txt',
        '/console/assets/app-OLDHASH.js',
      ]) {
        const res = await app.inject(url);
        expect(res.body, url).not.toContain('outside the assets directory');
        expect([404, 200], url).toContain(res.statusCode);
        if (res.statusCode === 200) expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      }
      // A file removed under a running server is a 404 like any stale name, not a 500.
      rmSync(join(dir, 'assets', 'styles-ABC123.css'));
      const gone = await app.inject('/console/assets/styles-ABC123.css');
      expect(gone.statusCode).toBe(404);
      expect(gone.json()).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
