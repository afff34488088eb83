import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseSDK } from '../src/index.js';
import { followAuthorization, redirectTarget } from './support/authorization-servers/form-browser.js';
import { startTestServer, type TestServer, type TestUser } from './support/gatehouse-server.js';

/** The part of Gatehouse's test server this test uses to register an OAuth client. */
interface WithOAuthClients {
  app: {
    gatehouse: {
      oauth: { clients: { create(input: Record<string, unknown>): Promise<{ client: { id: string } }> } };
    };
  };
}

const REDIRECT_URI = 'https://app.example/callback';

/* Connected apps (GET/DELETE /api/me/oauth-grants) through the SDK, against the real server. */
describe('connected apps', () => {
  let server: TestServer & WithOAuthClients;
  let user: TestUser;
  let clientId: string;
  beforeAll(async () => {
    server = (await startTestServer({ publicUrlIsAddress: true })) as TestServer & WithOAuthClients;
    user = await server.createUser();
    ({
      client: { id: clientId },
    } = await server.app.gatehouse.oauth.clients.create({
      name: 'Calendar sync',
      redirectUris: [REDIRECT_URI],
      public: true,
      scope: 'openid email offline_access',
    }));
  });
  afterAll(() => server.close());

  it('lists the apps a user connected and revokes one: its refresh token stops working at once', async () => {
    const app = new GatehouseSDK({
      appUrl: server.url,
      auth: { oauth: { clientId, scope: 'openid email offline_access' } },
    });
    const request = await app.oauth2.buildAuthorizationUrl({
      redirectUri: REDIRECT_URI,
      scope: 'openid email offline_access',
    });
    const callbackUrl = await followAuthorization(server.url, request.url, async (page, url, browser) => {
      const hidden = (name: string) =>
        new RegExp(`name="${name}" value="([^"]*)"`).exec(page.html)?.[1] ?? '';
      const { pathname } = new URL(url);
      const form = { interaction: hidden('interaction'), csrf: hidden('csrf') };
      const fields =
        pathname === '/oauth2/login'
          ? { ...form, username: user.email, password: user.password }
          : { ...form, decision: 'allow' };
      return redirectTarget(
        await browser.post(`${server.url}${pathname}`, fields, { origin: server.url }),
        pathname,
      );
    });
    const code = app.oauth2.parseAuthorizationCallback(callbackUrl, { expectedState: request.state }).code!;
    await app.oauth2.exchangeAuthorizationCode({
      code,
      redirectUri: REDIRECT_URI,
      codeVerifier: request.codeVerifier,
    });

    const account = new GatehouseSDK({ appUrl: server.url });
    await account.authentication.signin({ username: user.email, password: user.password });
    const apps = await account.authentication.listOAuthGrants();
    expect(apps).toEqual([
      {
        clientId,
        clientName: 'Calendar sync',
        scopes: ['openid', 'email', 'offline_access'],
        created: expect.any(String),
        lastUsedAt: expect.any(String),
      },
    ]);
    await account.authentication.revokeOAuthGrant(clientId);
    expect(await account.authentication.listOAuthGrants()).toEqual([]);
    await expect(app.oauth2.refreshToken()).rejects.toMatchObject({ code: 'REFRESH_FAILED' });
  });
});
