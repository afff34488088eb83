import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * The API reference (@fastify/swagger and Swagger UI) is built at its first request, not at start-up
 * (http/openapi.ts, docs/performance.md "Sixth round, memory"); openapi.test.ts checks what it serves.
 * Each test file runs in a process of its own, so nothing else here has loaded the packages.
 */

const require = createRequire(import.meta.url);
const loaded = (name: string) => require.resolve(name) in require.cache;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('the API reference', () => {
  it('is not loaded at start-up, and is built by its first request', async () => {
    expect(loaded('@fastify/swagger')).toBe(false);
    expect(loaded('@fastify/swagger-ui')).toBe(false);
    expect(server.app.hasDecorator('swagger')).toBe(false);

    const [document, page] = await Promise.all([
      fetch(`${server.url}/openapi.json`),
      fetch(`${server.url}/docs/`),
    ]);
    expect(document.status).toBe(200);
    expect(document.headers.get('cache-control')).toBe('no-cache');
    const openapi = (await document.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toContain('/api/me');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    expect(loaded('@fastify/swagger')).toBe(true);
  });

  it('serves Swagger UI’s own copies of the document, its assets and its redirects as the package does', async () => {
    const document = await (await fetch(`${server.url}/openapi.json`)).json();
    const json = await fetch(`${server.url}/docs/json`);
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual(document);
    const yaml = await fetch(`${server.url}/docs/yaml`);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toMatch(/yaml/);
    expect(await yaml.text()).toContain('openapi: 3.1.0');

    const css = await fetch(`${server.url}/docs/static/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const etag = css.headers.get('etag');
    expect(etag).toBeTruthy();
    // A plain conditional request (fetch adds headers of its own that make @fastify/static, which serves Swagger UI's files, answer in full).
    const again = await server.app.inject({
      url: '/docs/static/swagger-ui.css',
      headers: { 'if-none-match': etag! },
    });
    expect(again.statusCode).toBe(304);

    const index = await fetch(`${server.url}/docs/static/index.html`, { redirect: 'manual' });
    expect(index.status).toBe(302);
    expect(index.headers.get('location')).toMatch(/\/docs\/$/);
    // Under this server's headers, as every other answer.
    expect(index.headers.get('x-frame-options')).toBe('DENY');

    const missing = await fetch(`${server.url}/docs/static/nothing-here.js`);
    expect(missing.status).toBe(404);
  });
});
