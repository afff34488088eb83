import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkspace } from './support/api-tokens.js';
import { request, signInWithCookie } from './support/http.js';
import { CHEAP_HASHES, startTestServer, type TestServer } from './support/server.js';
import { signInWithTokens } from './support/token-session.js';

/** The router ignores case, trailing and duplicate slashes; authentication must decide by the route it matched. */
describe('authentication by the matched route, whatever the path spelling', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ...CHEAP_HASHES, GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' } });
  });
  afterAll(() => server.close());

  it('ends the session on POST /API/LOGOUT exactly as on /api/logout', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const out = await request(server.url, '/API/LOGOUT', { method: 'POST', cookie });
    expect(out.status).toBe(200);
    const after = await request(server.url, '/api/me', { cookie });
    expect(after.status).toBe(401);
    expect(after.body['code']).toBe('SESSION_EXPIRED');
  });

  it('accepts a valid credential on /API/me, /api//me/ and /Api/Me as on /api/me', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const { token } = await signInWithTokens(server.url, user.email, user.password);
    for (const path of ['/api/me', '/API/me', '/api//me/', '/Api/Me', '/API/ME/']) {
      const byCookie = await request(server.url, path, { cookie });
      expect(byCookie.status, path).toBe(200);
      expect(byCookie.body['_id']).toBe(user.id);
      const byBearer = await request(server.url, path, { headers: { authorization: `Bearer ${token}` } });
      expect(byBearer.status, path).toBe(200);
      expect((await request(server.url, path)).status, path).toBe(401);
    }
  });

  it('sends Cache-Control: no-store with personal data, errors included', async () => {
    const user = await server.createUser({ admin: true });
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const ws = await addWorkspace(server, user.id);
    for (const path of [
      '/api/me',
      '/API/ME',
      '/api/me/sessions',
      '/api/me/api-tokens',
      '/api/me/invitations',
      '/api/workspaces',
      `/api/workspaces/${ws.id}/members`,
      '/api/admin/users',
    ]) {
      const res = await request(server.url, path, { cookie });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    const anonymous = await request(server.url, '/api/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
  });
});
