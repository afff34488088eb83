import Fastify, { type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSerializer, registerLazySerializers } from '../src/http/serialization.js';
import { startTestServer, type TestServer } from './support/server.js';

/*
 * Response serializers are compiled at a route's first answer, not at start-up (http/serialization.ts,
 * docs/performance.md "Sixth round, memory"). What start-up used to prove (every response schema compiles)
 * is proved here instead, and the lazy serializer must answer exactly as Fastify's own: only the properties
 * its schema lists, which is what keeps secrets out of responses (features/*\/schemas.ts).
 */

describe('lazy response serializers', () => {
  it('compiles a route’s serializer at its first answer, once, and drops what the schema does not list', async () => {
    const compiled: string[] = [];
    const app = Fastify();
    registerLazySerializers(app, (route) => {
      compiled.push(route.url);
      return compileSerializer(route);
    });
    const response = { 200: { type: 'object', properties: { id: { type: 'string' } } } };
    app.get('/first', { schema: { response } }, async () => ({ id: 'a', secretHash: 'never sent' }));
    app.get('/second', { schema: { response } }, async () => ({ id: 'b' }));
    await app.ready();
    try {
      expect(compiled).toEqual([]);
      for (let i = 0; i < 2; i += 1) {
        const answer = await app.inject('/first');
        expect(answer.statusCode).toBe(200);
        expect(answer.json()).toEqual({ id: 'a' });
      }
      expect(compiled).toEqual(['/first']);
    } finally {
      await app.close();
    }
  });

  describe('in the server', () => {
    let server: TestServer;
    const routes: RouteOptions[] = [];
    beforeAll(async () => {
      server = await startTestServer({ onRoute: (route) => void routes.push(route) });
    });
    afterAll(() => server?.close());

    it('compiles every route’s response schemas, as start-up used to', () => {
      const failures: string[] = [];
      let count = 0;
      for (const route of routes) {
        const responses =
          (route.schema as { response?: Record<string, unknown> } | undefined)?.response ?? {};
        for (const [httpStatus, schema] of Object.entries(responses)) {
          const content = (schema as { content?: Record<string, { schema: unknown }> }).content;
          const schemas = content ? Object.values(content).map((media) => media.schema) : [schema];
          for (const each of schemas) {
            count += 1;
            try {
              compileSerializer({ schema: each, method: String(route.method), url: route.url, httpStatus });
            } catch (error) {
              failures.push(
                `${String(route.method)} ${route.url} ${httpStatus}: ${(error as Error).message}`,
              );
            }
          }
        }
      }
      expect(failures).toEqual([]);
      expect(count).toBeGreaterThan(50);
    });

    it('answers through the lazy serializer with the schema’s properties only', async () => {
      const user = await server.createUser();
      const signIn = await fetch(`${server.url}/api/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.config.publicUrl.origin },
        body: JSON.stringify({ email: user.email, password: user.password }),
      });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers
        .getSetCookie()
        .map((line) => line.split(';')[0])
        .join('; ');
      const me = await fetch(`${server.url}/api/me`, { headers: { cookie } });
      expect(me.status).toBe(200);
      const body = (await me.json()) as Record<string, unknown>;
      expect(body['email']).toBe(user.email);
      expect(JSON.stringify(body).toLowerCase()).not.toContain('password');
    });
  });
});
