import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

describe('logs', () => {
  const lines: string[] = [];
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ logStream: { write: (line) => void lines.push(line) } });
  });
  afterAll(() => server.close());

  it('are structured JSON and never contain a password, session cookie or secret query parameter', async () => {
    const user = await server.createUser({ password: 'very-secret-password-42' });
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    await request(server.url, '/api/signin', {
      body: { username: user.email, password: 'wrong-secret-password-43' },
    });
    await request(server.url, '/api/me', { cookie, headers: { authorization: 'Bearer some.secret.jwt' } });
    await request(server.url, '/api/me?api_key=gth_secretquerykey&rt=one-time-secret');
    await request(server.url, '/api/me', { headers: { 'x-api-key': 'gth_headersecret' } });

    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const all = lines.join('\n');
    for (const secret of [
      'very-secret-password-42',
      'wrong-secret-password-43',
      cookie.split('=')[1]!,
      'some.secret.jwt',
      'gth_secretquerykey',
      'one-time-secret',
      'gth_headersecret',
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('/api/me?api_key=[redacted]&rt=[redacted]');
  });

  it('redact secrets after decoding, whatever the spelling of the parameter or the path', async () => {
    const before = lines.length;
    const spellings = [
      '/api/me?api%5Fkey=gth_secret-one',
      '/api/me?API_KEY=gth_secret-two',
      '/api/me?Api_Key=gth_secret-three&x=1',
      '/api/me?%61pi_key=gth_secret-four',
      '/api/me?api_key[]=gth_secret-five',
      '/api/me?refresh%5Ftoken=secret-six',
      '/api/me?%2561pi_key=gth_secret-seven',
    ];
    for (const path of spellings) await request(server.url, path);
    const invite = (path: string) => request(server.url, path, { method: 'POST' });
    await invite('/api/%69nvites/invite-secret-one/accept');
    await invite('//api//invites//invite-secret-two//accept');
    await invite('/API/INVITES/invite-secret-three/ACCEPT');
    await invite('/api/invites%2Finvite-secret-four/accept');

    const logged = lines.slice(before).join('\n');
    expect(logged).toContain('[redacted]');
    for (const secret of [
      'secret-one',
      'secret-two',
      'secret-three',
      'secret-four',
      'secret-five',
      'secret-six',
      'secret-seven',
    ])
      expect(logged).not.toContain(secret);
    // Parameters that are not secrets stay readable.
    expect(logged).toContain('x=1');
  });

  it('write one access line per request, with method, route, status, time and request id', async () => {
    const before = lines.length;
    const response = await request(server.url, '/api/me?api_key=gth_access-line-secret');
    const logged = lines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = logged.filter((line) => line.msg === 'request');
    expect(access).toHaveLength(1);
    // Fastify's own two lines per request are off: they doubled the cost of a credential check (issue 16).
    expect(
      logged.filter((line) => line.msg === 'incoming request' || line.msg === 'request completed'),
    ).toEqual([]);
    const [line] = access;
    expect(line).toMatchObject({
      method: 'GET',
      url: '/api/me?api_key=[redacted]',
      route: '/api/me',
      status: response.status,
    });
    expect(typeof line!.reqId).toBe('string');
    expect(line!.ms).toBeGreaterThanOrEqual(0);
  });

  it('write the access line as pino writes every other line, valid JSON whatever the URL holds', async () => {
    const before = lines.length;
    // Unrouted (404, no route pattern), with characters JSON must escape: a quote, a backslash, a tab, `</`.
    const odd =
      '/no-such-route/%22quoted%22/back%5Cslash/%09tab/%3C%2Fscript%3E?q=%22"&api_key=gth_odd-secret';
    await request(server.url, odd);
    await request(server.url, '/api/me', { headers: { authorization: 'Bearer not.a.jwt' } });
    const logged = lines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = logged.filter((line) => line.msg === 'request');
    expect(access).toHaveLength(2);
    const [unrouted, refused] = access;
    expect(unrouted).toMatchObject({ method: 'GET', status: 404 });
    expect(unrouted).not.toHaveProperty('route');
    expect(unrouted!.url).toContain('api_key=[redacted]');
    expect(JSON.stringify(unrouted)).not.toContain('gth_odd-secret');
    // The app logger's own line for the refused token: the access line starts with the same fields.
    const appLine = logged.find((line) => line.msg === 'request refused')!;
    expect(Object.keys(refused!).slice(0, 4)).toEqual(['level', 'time', 'pid', 'hostname']);
    expect(refused).toMatchObject({
      level: appLine.level,
      pid: appLine.pid,
      hostname: appLine.hostname,
      reqId: appLine.reqId,
    });
    expect(typeof refused!.time).toBe('number');
  });
});

describe('logs at warn', () => {
  const lines: string[] = [];
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { GATEHOUSE_LOG_LEVEL: 'warn' },
      logStream: { write: (line) => void lines.push(line) },
    });
  });
  afterAll(() => server.close());

  it('have no access line', async () => {
    await request(server.url, '/api/me');
    await request(server.url, '/no-such-route');
    expect(lines.filter((line) => line.includes('"msg":"request"'))).toEqual([]);
  });
});

describe('request logs', () => {
  const lines: string[] = [];
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ logStream: { write: (line) => void lines.push(line) } });
  });
  afterAll(() => server.close());

  it("carry the request id of the request's access line (request.log is made on its first line)", async () => {
    const response = await request(server.url, '/api/me', { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(response.status).toBe(401);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const refused = logged.filter((line) => line.msg === 'request refused');
    const access = logged.filter((line) => line.msg === 'request' && line.route === '/api/me');
    expect(refused).toHaveLength(1);
    expect(access).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: 30, code: 'INVALID_TOKEN' });
    expect(typeof refused[0]!.reason).toBe('string');
    expect(refused[0]!.reqId).toBe(access[0]!.reqId);
  });
});
