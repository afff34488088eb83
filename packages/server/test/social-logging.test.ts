import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';
import { deliverCallback, enableIdpProviders, returned, startSocialLogin } from './support/social-flow.js';
import { loginAtIdp, type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

/** SECURITY.md / issue 10: `rt` (and the upstream code and state) never reach a log line. */
describe('social login logging', () => {
  let server: TestServer;
  let idp: OidcIdp;
  const lines: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ logStream: { write: (line) => void lines.push(line) } });
    idp = await startOidcIdp(server.config.publicUrl.origin);
    await enableIdpProviders(server, idp, ['https://app.example.com']);
  });
  afterAll(async () => {
    await idp?.close();
    await server?.close();
  });

  it('logs the requests of a whole login without the rt, the code, the state or the client secret', async () => {
    const started = await startSocialLogin(server, 'google', { returnUrl: 'https://app.example.com/f' });
    const back = await loginAtIdp(idp, started.location, 'logged-person');
    const code = back.searchParams.get('code')!;
    const state = back.searchParams.get('state')!;
    const finished = await deliverCallback(server, back, started.stateCookie);
    const rt = returned(finished.location).rt!;
    const swapped = await request(server.url, `/api/auth/callback?rt=${rt}`, { method: 'POST' });
    expect(swapped.status).toBe(200);
    // A second exchange fails and is logged too.
    expect((await request(server.url, `/api/auth/callback?rt=${rt}`, { method: 'POST' })).status).toBe(401);

    const log = lines.join('\n');
    expect(log).toContain('/api/auth/google/callback');
    expect(log).toContain('/api/auth/callback');
    for (const secret of [rt, code, state, idp.clients.google.clientSecret])
      expect(log).not.toContain(secret);
  });
});
