import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatehouseClient, GatehouseSDK, type TokenSet, type TokenStore } from '../src/index.js';
import { type AuthorizationServer, authorizationServers } from './support/authorization-servers/index.js';
import { jwtClaims, signInWithCode } from './support/authorization-servers/sign-in.js';
import { recordingFetch } from './support/recording-fetch.js';

/*
 * What the SDK does with OAuth tokens once it has them (seed 003 "Token Management" and "Token Refresh"),
 * and the client credentials grant, against a real authorization server.
 */

describe.each(authorizationServers)('OAuth tokens against $name', ({ start }) => {
  let server: AuthorizationServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.close());

  const confidentialClient = (extra: { tokenStore?: TokenStore; autoRefresh?: boolean } = {}) => {
    const { clientId, clientSecret } = server.clients.confidential;
    const recorder = recordingFetch();
    const sdk = createGatehouseClient({
      appUrl: server.appUrl,
      fetch: recorder.fetch,
      auth: { oauth: { clientId, clientSecret, scope: server.scope, ...extra } },
    });
    return { sdk, recorder };
  };
  const signIn = (sdk: GatehouseSDK) => signInWithCode(server, sdk, server.clients.confidential.redirectUri);
  const refreshRequests = (recorder: ReturnType<typeof recordingFetch>) =>
    recorder.calls.filter((call) => call.body?.includes('grant_type=refresh_token'));

  it("keeps seed 003's token management: seconds in, a custom TokenStore, expired tokens refreshed at the token endpoint", async () => {
    const { sdk: signer } = confidentialClient();
    const issued = await signIn(signer);

    // "after loading from a database": the row holds seed 003's shape, expiry in seconds, already past.
    const database = new Map<string, TokenSet>();
    database.set('tokens', {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken!,
      expiresAt: Math.floor(Date.now() / 1000) - 10,
    });
    const customStore: TokenStore = {
      async get() {
        return database.get('tokens') ?? null;
      },
      async set(tokenSet) {
        if (tokenSet) database.set('tokens', tokenSet);
        else database.delete('tokens');
      },
    };
    const { sdk: client, recorder } = confidentialClient({ tokenStore: customStore, autoRefresh: true });
    expect(await server.whoAmI(client)).toBe(server.subject);
    expect(refreshRequests(recorder)).toHaveLength(1);
    const saved = database.get('tokens')!;
    expect(saved.refreshToken).not.toBe(issued.refreshToken);
    expect(saved.expiresAt).toBeGreaterThan(Date.now());

    // Manually set tokens: seconds in, the SDK's milliseconds out, and persisted that way.
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    await client.auth.setTokenSet({
      accessToken: 'new-access-token',
      refreshToken: 'new-refresh-token',
      expiresAt,
    });
    expect(await client.auth.getTokenSet()).toMatchObject({
      accessToken: 'new-access-token',
      expiresAt: expiresAt * 1000,
    });
    expect(database.get('tokens')?.expiresAt).toBe(expiresAt * 1000);

    // Clear all stored tokens (logout)
    await client.auth.clearTokenSet();
    expect(await client.auth.getTokenSet()).toBeNull();
    expect(database.has('tokens')).toBe(false);
  });

  it('refreshes and retries after a 401 for a token the server expired early, unless autoRefresh is off', async () => {
    const farFuture = Date.now() + 24 * 3600_000;
    const { sdk: auto, recorder } = confidentialClient();
    const autoTokens = await signIn(auto);
    await auto.auth.setTokenSet({ ...autoTokens, expiresAt: farFuture });
    const { sdk: manual } = confidentialClient({ autoRefresh: false });
    const manualTokens = await signIn(manual);
    await manual.auth.setTokenSet({ ...manualTokens, expiresAt: farFuture });

    server.expireAccessTokens();
    expect(await server.whoAmI(auto)).toBe(server.subject);
    expect(refreshRequests(recorder)).toHaveLength(1);
    const rejected = recorder.calls.filter((call) => call.status === 401);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.headers['authorization']).toBe(`Bearer ${autoTokens.accessToken}`);
    await expect(server.whoAmI(manual)).rejects.toMatchObject({ status: 401 });
    expect((await manual.auth.getTokenSet())?.accessToken).toBe(manualTokens.accessToken);
  });

  it('sends one refresh for ten concurrent calls after expiry, and every call succeeds', async () => {
    // Rotation makes this matter: a second refresh with the same token would be reuse, which ends the grant.
    const { sdk, recorder } = confidentialClient();
    await signIn(sdk);
    server.expireAccessTokens();
    const subjects = await Promise.all(Array.from({ length: 10 }, () => server.whoAmI(sdk)));
    expect(subjects).toEqual(Array(10).fill(server.subject));
    expect(refreshRequests(recorder)).toHaveLength(1);
    expect(await server.whoAmI(sdk)).toBe(server.subject);
  });

  it('gets a token for the client itself with client credentials, bound to the requested resource', async () => {
    const { clientId } = server.clients.confidential;
    const { sdk } = confidentialClient();
    const bound = await sdk.oauth2.clientCredentials({
      scope: server.resourceScope,
      resource: server.resource,
    });
    expect(bound.refreshToken).toBeUndefined();
    expect(bound.idToken).toBeUndefined();
    expect(bound.expiresAt).toBeGreaterThan(Date.now());
    const claims = jwtClaims(bound.accessToken);
    expect([claims['aud']].flat()).toContain(server.resource);
    expect(claims).toMatchObject({ client_id: clientId, scope: server.resourceScope });
    expect(claims['email']).toBeUndefined();
    expect((await sdk.auth.getTokenSet())?.accessToken).toBe(bound.accessToken);

    const publicSdk = new GatehouseSDK({
      appUrl: server.appUrl,
      auth: { oauth: { clientId: server.clients.public.clientId } },
    });
    // A public client has no credentials to prove it is itself: the server refuses with an RFC 6749 §5.2 error.
    const refusal = await publicSdk.oauth2
      .clientCredentials({ scope: server.resourceScope })
      .catch((error) => error);
    expect(refusal).toMatchObject({ name: 'GatehouseError', code: expect.stringMatching(/^[a-z_]+$/) });
    expect([400, 401]).toContain(refusal.status);
    expect(await publicSdk.auth.getTokenSet()).toBeNull();
  });

  it('asks for an access token for one resource server in the authorization request (RFC 8707)', async () => {
    const { sdk } = confidentialClient();
    const tokens = await signInWithCode(server, sdk, server.clients.confidential.redirectUri, {
      scope: `openid ${server.resourceScope}`,
      resource: server.resource,
    });
    expect([jwtClaims(tokens.accessToken)['aud']].flat()).toContain(server.resource);
    expect(tokens.scope?.split(' ')).toContain(server.resourceScope);
  });
});
