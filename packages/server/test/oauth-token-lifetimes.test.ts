import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, type OAuthTestServer, postForm, startOAuthServer } from './support/oauth.js';
import { testDatabases } from './support/server.js';

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };

/*
 * Issue 11 item 1, "token lifetimes": a client registered with its own access and refresh token lifetimes
 * gets them on every grant; a client without keeps the server's (GATEHOUSE_ACCESS_TOKEN_TTL, 600 s here).
 */
describe.each(testDatabases)('per-client token lifetimes on %s', (database) => {
  let server: OAuthTestServer;
  let offsetMs = 0;
  beforeAll(async () => {
    server = await startOAuthServer(database, { now: () => Date.now() + offsetMs });
  });
  afterAll(() => server.close());

  /** The code flow for `client`, through the login and consent pages; resolves to the token response. */
  const userTokens = (client: { id: string; secret: string }) => codeFlow(server, client, server.user);

  it('issues access tokens and refresh tokens for the lifetimes the client was registered with', async () => {
    const registered = await server.register({ accessTokenTtl: 120, refreshTokenTtl: 3600 });
    const client = { id: registered.clientId, secret: registered.clientSecret! };
    const tokens = await userTokens(client);
    expect(tokens.status).toBe(200);
    expect(tokens.body['expires_in']).toBe(120);
    const access = claimsOf(String(tokens.body['access_token']));
    expect(access.exp - access.iat).toBe(120);

    const credentials = await postForm(server, '/oauth2/token', { grant_type: 'client_credentials' }, client);
    expect(credentials.body['expires_in']).toBe(120);

    // Within its hour the refresh token works (and rotates); past it, invalid_grant.
    offsetMs = 3_000 * 1000;
    const refreshed = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: String(tokens.body['refresh_token']) },
      client,
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body['expires_in']).toBe(120);
    offsetMs = 3_601 * 1000;
    const late = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: String(refreshed.body['refresh_token']) },
      client,
    );
    expect(late.status).toBe(400);
    expect(late.body['error']).toBe('invalid_grant');
    offsetMs = 0;
  });

  it("keeps the server's lifetimes for a client registered without its own", async () => {
    const registered = await server.register();
    const client = { id: registered.clientId, secret: registered.clientSecret! };
    const tokens = await userTokens(client);
    expect(tokens.body['expires_in']).toBe(600);
    const access = claimsOf(String(tokens.body['access_token']));
    expect(access.exp - access.iat).toBe(600);
  });
});
