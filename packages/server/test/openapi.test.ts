import { Validator } from '@seriousme/openapi-schema-validator';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * Issue 14: the API reference is generated from the route schemas. The document must be valid OpenAPI 3.1,
 * every API route must be in it, and every API route must declare what it takes and answers, so a route
 * added without a schema fails here rather than leaving a hole in the reference.
 */

/** Paths that are the API (JSON over HTTP); pages, the console and assets are not. */
const API = /^\/(api|oauth2|\.well-known|health)\//;

/**
 * API routes allowed to declare no response schema, each with the reason. Anything else without one fails.
 */
const FREE_FORM: Record<string, string> = {
  'GET /api/me/export': 'a JSON download of everything stored about the user; its shape is the data model',
  'GET /api/auth/:provider': 'a redirect to the identity provider',
  'GET /api/auth/:provider/callback': 'a redirect back to the app',
  'GET /oauth2/authorize': 'a redirect or an HTML page (RFC 6749 §4.1)',
  'GET /oauth2/login': 'an HTML page',
  'POST /oauth2/login': 'an HTML page or a redirect',
  'GET /oauth2/consent': 'an HTML page',
  'POST /oauth2/consent': 'a redirect',
  'GET /oauth2/social': 'an HTML page or a redirect',
  'POST /oauth2/token': 'form-encoded input, RFC 6749 §5 answers (validated in the handler)',
  'POST /oauth2/revoke': 'form-encoded input, RFC 7009 (validated in the handler)',
  'POST /oauth2/introspect': 'form-encoded input, RFC 7662 (validated in the handler)',
  'GET /oauth2/userinfo': 'OIDC claims, whatever the scopes allow',
  'POST /oauth2/userinfo': 'OIDC claims, whatever the scopes allow',
  'GET /health/live': 'plain status',
  'GET /health/ready': 'plain status',
};

let server: TestServer;
const routes: RouteOptions[] = [];
beforeAll(async () => {
  server = await startTestServer({ onRoute: (route) => void routes.push(route) });
});
afterAll(() => server?.close());

const key = (method: string, url: string) => `${method} ${url}`;

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('holds every API route, and every API route declares its input and its answer', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => key(method.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1'))),
      ),
    );
    const missing: string[] = [];
    const undeclared: string[] = [];
    for (const route of routes) {
      // Hidden on purpose (e.g. the Qelos routes that answer 501 NOT_SUPPORTED): not part of the API.
      if (!API.test(route.url) || (route.schema as { hide?: boolean } | undefined)?.hide) continue;
      for (const method of [route.method].flat()) {
        if (method === 'HEAD' || method === 'OPTIONS') continue;
        const name = key(method, route.url);
        if (!documented.has(name)) missing.push(name);
        const schema = (route.schema ?? {}) as Record<string, unknown>;
        const takesBody = ['POST', 'PUT', 'PATCH'].includes(method) && !FREE_FORM[name];
        const takesParams = route.url.includes(':');
        if (takesBody && !schema['body'] && !schema['response']) undeclared.push(`${name}: no body schema`);
        if (takesParams && !schema['params']) undeclared.push(`${name}: no params schema`);
        if (!schema['response'] && !FREE_FORM[name]) undeclared.push(`${name}: no response schema`);
      }
    }
    expect(missing).toEqual([]);
    expect(undeclared).toEqual([]);
  });
});

describe('GET /docs', () => {
  it('serves the reference page from the package, under the server’s own CSP', async () => {
    const page = await fetch(`${server.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui-bundle.js');
    // Every script and stylesheet comes from this server: nothing from a CDN.
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(sources.filter((source) => /^(https?:)?\/\//.test(source))).toEqual([]);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const bundle = await fetch(`${server.url}/docs/static/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
