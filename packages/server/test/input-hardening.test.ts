import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signInWithCookie } from './support/http.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
  uniqueEmail,
} from './support/server.js';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  minLength?: number;
}

/** A value the schema would plausibly accept, so that a NUL placed in one field is all that is wrong. */
function sample(schema: JsonSchema, name = ''): unknown {
  if (schema.anyOf?.[0]) return sample(schema.anyOf[0], name);
  switch (schema.type) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const key of schema.required ?? []) value[key] = sample(schema.properties?.[key] ?? {}, key);
      return value;
    }
    case 'string':
      if (/email|username/i.test(name)) return 'fuzz@example.test';
      if (/password/i.test(name)) return 'a-long-fuzz-password';
      return 'f'.repeat(Math.max(schema.minLength ?? 1, 4));
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return 'fuzz';
  }
}

/** One request per string field of the body, each with a NUL in that field only. */
function bodiesWithNul(schema: JsonSchema | undefined): Array<Record<string, unknown>> {
  if (!schema?.properties) return [{ anything: 'a\u0000b' }];
  const base = sample(schema) as Record<string, unknown>;
  return Object.entries(schema.properties)
    .filter(([, field]) => field.type === 'string' || field.anyOf?.some((f) => f.type === 'string'))
    .map(([key, field]) => ({ ...base, [key]: `${String(sample(field, key))}\u0000` }));
}

const expectClientError = (res: { status: number; body: Record<string, unknown> }, what: string) => {
  expect(res.status, what).toBe(400);
  expect(res.body, what).toEqual(
    expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
  );
};

describe.each(testDatabases)('input that used to cause 500s on %s', (database) => {
  let server: TestServer;
  let cookie: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { ...MANY_SIGN_INS, ...CHEAP_HASHES } });
    const user = await server.createUser();
    cookie = await signInWithCookie(server.url, user.email, user.password);
  });
  afterAll(() => server.close());

  it('answers a NUL byte in sign-in and sign-up with 400 and the usual error body', async () => {
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['/api/signin', { username: 'ada\u0000@example.test', password: 'a-long-password' }],
      ['/api/signin', { email: 'ada@example.test', password: 'pass\u0000word-long' }],
      ['/api/signup', { email: `nul\u0000${uniqueEmail()}`, password: 'a-long-password' }],
      ['/api/signup', { email: uniqueEmail(), password: 'a-long-password', firstName: 'A\u0000da' }],
      ['/api/signup', { email: uniqueEmail(), password: 'a-long-password', username: 'ada\u0000' }],
    ];
    for (const [path, body] of attempts) expectClientError(await request(server.url, path, { body }), path);
    const form = await request(server.url, '/api/signin', {
      raw: 'username=ada%00%40example.test&password=a-long-password',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectClientError(form, 'form body');
    // A repeated field parses to an array: the NUL in its second value is found too (before validation).
    const repeated = await request(server.url, '/api/signin', {
      raw: 'username=ada&username=b%00c&password=a-long-password',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectClientError(repeated, 'repeated form field');
    expect(repeated.body['message']).toMatch(/NUL/);
  });

  it('answers metadata thousands of levels deep with 400, and caps depth and size of free-form objects', async () => {
    const deep = `{"metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    expectClientError(await request(server.url, '/api/me', { raw: deep, cookie }), 'deep metadata');
    const deepArray = `[${'['.repeat(3000)}${']'.repeat(3000)}]`;
    expectClientError(await request(server.url, '/api/logout', { raw: deepArray, cookie }), 'deep array');

    const nested = (levels: number): unknown => (levels === 0 ? 'leaf' : { next: nested(levels - 1) });
    const tooDeep = await request(server.url, '/api/me', { body: { metadata: nested(12) }, cookie });
    expectClientError(tooDeep, 'metadata past its depth cap');
    expect(tooDeep.body['errors']).toHaveProperty('metadata');
    const tooBig = await request(server.url, '/api/me', {
      body: { metadata: { blob: 'x'.repeat(20_000) } },
      cookie,
    });
    expectClientError(tooBig, 'metadata past its size cap');
    const tooMany = await request(server.url, '/api/me', {
      body: { metadata: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) },
      cookie,
    });
    expectClientError(tooMany, 'metadata past its key cap');
  });

  // Issue 9 (security leftovers): each cap says which one was hit, not Ajv's generic keyword message.
  it('names the metadata cap that was hit in a clear 400 message', async () => {
    const nested = (levels: number): unknown => (levels === 0 ? 'leaf' : { next: nested(levels - 1) });
    const answers = await Promise.all(
      [
        { metadata: nested(12) },
        { metadata: { blob: 'x'.repeat(20_000) } },
        { metadata: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])) },
      ].map((body) => request(server.url, '/api/me', { body, cookie })),
    );
    expect(answers.map((res) => [res.status, res.body['code'], res.body['errors']])).toEqual([
      [400, 'VALIDATION_ERROR', { metadata: 'nests deeper than 8 levels' }],
      [400, 'VALIDATION_ERROR', { metadata: 'is larger than 16384 bytes of JSON' }],
      [400, 'VALIDATION_ERROR', { metadata: 'must NOT have more than 100 properties' }],
    ]);
    expect(answers[0]!.body['message']).toBe('Invalid body: metadata nests deeper than 8 levels');
    for (const res of answers) expect(String(res.body['message'])).not.toMatch(/keyword|must pass/);

    const fine = await request(server.url, '/api/me', {
      body: { metadata: { theme: 'dark', nested: nested(3), list: [1, 2, 3] } },
      cookie,
    });
    expect(fine.status).toBe(200);
    expect(fine.body['metadata']).toEqual({ theme: 'dark', nested: nested(3), list: [1, 2, 3] });
  });
});

describe.each(
  testDatabases.filter((d) => d === 'postgres'),
)('NUL bytes in every /api route on %s', (database) => {
  const routes: RouteOptions[] = [];
  let server: TestServer;
  let cookie: string;
  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { ...MANY_SIGN_INS, ...CHEAP_HASHES },
      onRoute: (route) => void routes.push(route),
    });
    // A global admin, so that every guard lets the request through to its input.
    const admin = await server.createUser({ admin: true });
    cookie = await signInWithCookie(server.url, admin.email, admin.password);
  });
  afterAll(() => server.close());

  it('answers 400 with the usual error body to a NUL in any path parameter, query parameter or body field', async () => {
    const api = routes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
    expect(api.length).toBeGreaterThan(25);
    let sent = 0;
    for (const route of api) {
      const method = String(route.method);
      const path = route.url.replace(/:(\w+)/g, 'fu%00zz');
      const schema = route.schema as { body?: JsonSchema; querystring?: JsonSchema } | undefined;
      const send = async (url: string, body?: unknown) => {
        sent += 1;
        const res = await request(server.url, url, { method, cookie, ...(body !== undefined && { body }) });
        expectClientError(res, `${method} ${url} ${JSON.stringify(body) ?? ''}`);
      };
      const clean = route.url.replace(/:(\w+)/g, 'fuzz');
      if (path !== route.url) await send(path, method === 'GET' || method === 'DELETE' ? undefined : {});
      for (const key of Object.keys(schema?.querystring?.properties ?? { q: {} }))
        await send(`${clean}?${key}=a%00b`);
      if (method === 'POST' || method === 'PUT' || method === 'PATCH')
        for (const body of bodiesWithNul(schema?.body)) await send(clean, body);
    }
    expect(sent).toBeGreaterThan(60);
  });
});
