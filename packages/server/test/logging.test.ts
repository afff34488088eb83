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
});
