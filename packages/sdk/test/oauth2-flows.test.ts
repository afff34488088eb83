import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatehouseClient, GatehouseSDK } from '../src/index.js';
import { type AuthorizationServer, authorizationServers } from './support/authorization-servers/index.js';
import { recordingFetch } from './support/recording-fetch.js';

/*
 * Seed 003's OAuth snippets, run as written (only URLs and credentials adapted, `await` where the SDK's
 * WebCrypto PKCE makes buildAuthorizationUrl async, and the server's scope where it needs one) against a
 * real authorization server. The server is a parameter: see support/authorization-servers.
 */

describe.each(authorizationServers)('the OAuth client against $name', ({ start }) => {
  let server: AuthorizationServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.close());

  it("runs seed 003's authorization-code flow: URL, login, callback, exchange, bearer call, refresh, auto-refresh, revoke", async () => {
    const { clientId, clientSecret, redirectUri } = server.clients.confidential;
    const client = createGatehouseClient({
      appUrl: server.appUrl,
      auth: { oauth: { clientId, clientSecret, scope: server.scope } },
    });

    // Step 1: Build the Authorization URL
    const authUrl = await client.oauth2.buildAuthorizationUrl({
      redirectUri,
      state: 'random-csrf-token',
    });
    const sent = new URL(String(authUrl));
    expect(`${sent.origin}${sent.pathname}`).toBe((await client.oauth2.discover()).authorization_endpoint);
    expect(Object.fromEntries(sent.searchParams)).toMatchObject({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      state: 'random-csrf-token',
      code_challenge_method: 'S256',
    });
    expect(sent.searchParams.has('code_verifier')).toBe(false);

    // Step 2: User Authorizes
    const callbackUrl = await server.login(String(authUrl));

    // Step 3: Exchange the Code for Tokens
    const callback = client.oauth2.parseAuthorizationCallback(callbackUrl);
    expect(callback).toMatchObject({ isError: false, state: 'random-csrf-token', issuer: server.issuer });
    const tokenSet = await client.oauth2.exchangeAuthorizationCode({
      code: callback.code!,
      redirectUri,
    });
    expect(tokenSet.accessToken).toEqual(expect.any(String));
    expect(tokenSet.refreshToken).toEqual(expect.any(String));
    expect(tokenSet.idTokenClaims).toMatchObject({ iss: server.issuer, sub: server.subject, aud: clientId });

    // Step 4: Use the Bearer Token
    expect(await server.whoAmI(client)).toBe(server.subject);

    // Token Refresh: a new pair, and the old refresh token is dead (rotation)
    const newTokenSet = await client.oauth2.refreshToken();
    expect(newTokenSet.accessToken).not.toBe(tokenSet.accessToken);
    expect(newTokenSet.refreshToken).not.toBe(tokenSet.refreshToken);
    expect(await client.auth.getTokenSet()).toMatchObject({ accessToken: newTokenSet.accessToken });
    const oldRefresh = { token: tokenSet.refreshToken!, tokenTypeHint: 'refresh_token' } as const;
    expect(await client.oauth2.introspect(oldRefresh)).toEqual({ active: false });

    // autoRefresh: once the server has expired the access token, the next call gets a new one first
    server.expireAccessTokens();
    expect((await client.oauth2.introspect(newTokenSet.accessToken)).active).toBe(false);
    expect(await server.whoAmI(client)).toBe(server.subject);
    const refreshed = (await client.auth.getTokenSet())!;
    expect(refreshed.accessToken).not.toBe(newTokenSet.accessToken);
    expect(await client.oauth2.introspect(refreshed.accessToken)).toMatchObject({
      active: true,
      client_id: clientId,
    });

    // Token Revocation: the token is dead at the server and forgotten here, so calls are refused
    await client.oauth2.revokeToken({
      token: refreshed.accessToken,
    });
    expect(await client.oauth2.introspect(refreshed.accessToken)).toEqual({ active: false });
    expect(await client.auth.getTokenSet()).toBeNull();
    await expect(server.whoAmI(client)).rejects.toMatchObject({ status: 401 });
  });

  it('completes the flow as a public client with PKCE and no secret, across two SDK instances', async () => {
    const { clientId, redirectUri } = server.clients.public;
    const recorder = recordingFetch();
    const options = {
      appUrl: server.appUrl,
      fetch: recorder.fetch,
      auth: { oauth: { clientId, scope: server.scope } },
    };

    // The page that starts the login keeps state, verifier and nonce (here: a session object)…
    const request = await new GatehouseSDK(options).oauth2.buildAuthorizationUrl({
      redirectUri,
      scope: server.scope ?? 'openid email',
    });
    const session = { state: request.state, codeVerifier: request.codeVerifier, nonce: request.nonce };
    expect(session.nonce).toEqual(expect.any(String));
    const callbackUrl = await server.login(request.url);

    // …and a fresh instance (another process) finishes it with them.
    const sdk = new GatehouseSDK(options);
    const callback = sdk.oauth2.parseAuthorizationCallback(callbackUrl, { expectedState: session.state });
    expect(callback.isError).toBe(false);
    const tokens = await sdk.oauth2.exchangeAuthorizationCode({
      code: callback.code!,
      redirectUri,
      codeVerifier: session.codeVerifier,
      ...(session.nonce ? { nonce: session.nonce } : {}),
    });
    expect(tokens.idTokenClaims).toMatchObject({ sub: server.subject, nonce: session.nonce });
    expect(await sdk.oauth2.userinfo()).toMatchObject({ sub: server.subject, email: expect.any(String) });

    const tokenRequest = recorder.calls.find((call) => call.body?.includes('grant_type=authorization_code'));
    const form = new URLSearchParams(tokenRequest?.body);
    expect(tokenRequest?.headers['authorization']).toBeUndefined();
    expect(form.get('client_id')).toBe(clientId);
    expect(form.get('code_verifier')).toBe(session.codeVerifier);
    expect(form.has('client_secret')).toBe(false);

    // Signing out: revoking the stored refresh token ends the grant; the set is gone locally too.
    const stored = (await sdk.auth.getTokenSet())!;
    await sdk.oauth2.revokeToken();
    expect(await sdk.auth.getTokenSet()).toBeNull();
    const resumed = new GatehouseSDK(options);
    await resumed.auth.setTokenSet(stored);
    await expect(resumed.oauth2.refreshToken()).rejects.toMatchObject({
      code: 'REFRESH_FAILED',
      status: 401,
    });
  });

  it("returns the server's refusal as an error callback: a denied consent, prompt=none without a session", async () => {
    const { clientId, redirectUri } = server.clients.public;
    const sdk = new GatehouseSDK({ appUrl: server.appUrl, auth: { oauth: { clientId } } });

    // prompt=consent: a consent the user gave in an earlier test would otherwise be remembered.
    const denied = await sdk.oauth2.buildAuthorizationUrl({ redirectUri, prompt: 'consent' });
    const deniedCallback = sdk.oauth2.parseAuthorizationCallback(
      await server.login(denied.url, { deny: true }),
    );
    expect(deniedCallback).toMatchObject({ isError: true, error: 'access_denied', state: denied.state });
    expect(deniedCallback.code).toBeUndefined();

    const silent = await sdk.oauth2.buildAuthorizationUrl({ redirectUri, prompt: 'none' });
    const silentCallback = sdk.oauth2.parseAuthorizationCallback(await server.login(silent.url));
    expect(silentCallback).toMatchObject({ isError: true, error: 'login_required', state: silent.state });
  });

  it('refuses a callback from another issuer (RFC 9207), without iss, or with another state', async () => {
    const { clientId, redirectUri } = server.clients.public;
    const sdk = new GatehouseSDK({ appUrl: server.appUrl, auth: { oauth: { clientId } } });
    const request = await sdk.oauth2.buildAuthorizationUrl({ redirectUri });
    const callbackUrl = new URL(await server.login(request.url));
    expect(callbackUrl.searchParams.get('iss')).toBe(server.issuer);

    const mixedUp = new URL(callbackUrl);
    mixedUp.searchParams.set('iss', 'https://attacker.example');
    expect(sdk.oauth2.parseAuthorizationCallback(mixedUp)).toMatchObject({
      isError: true,
      error: 'ISSUER_MISMATCH',
    });
    const withoutIss = new URL(callbackUrl);
    withoutIss.searchParams.delete('iss');
    expect((await sdk.oauth2.discover()).authorization_response_iss_parameter_supported).toBe(true);
    expect(sdk.oauth2.parseAuthorizationCallback(withoutIss)).toMatchObject({
      isError: true,
      error: 'ISSUER_MISMATCH',
    });
    expect(sdk.oauth2.parseAuthorizationCallback(callbackUrl, { expectedState: 'another' })).toMatchObject({
      isError: true,
      error: 'STATE_MISMATCH',
    });
    expect(
      sdk.oauth2.parseAuthorizationCallback(callbackUrl, { expectedState: request.state }),
    ).toMatchObject({
      isError: false,
      code: callbackUrl.searchParams.get('code'),
    });
  });

  it("rejects a wrong PKCE verifier and a replayed code with the server's invalid_grant", async () => {
    const { clientId, redirectUri } = server.clients.public;
    const sdk = new GatehouseSDK({ appUrl: server.appUrl, auth: { oauth: { clientId } } });
    const stolen = await sdk.oauth2.buildAuthorizationUrl({ redirectUri });
    const stolenCode = new URL(await server.login(stolen.url)).searchParams.get('code')!;
    const attacker = new GatehouseSDK({ appUrl: server.appUrl, auth: { oauth: { clientId } } });
    await expect(
      attacker.oauth2.exchangeAuthorizationCode({
        code: stolenCode,
        redirectUri,
        codeVerifier: 'x'.repeat(43),
      }),
    ).rejects.toMatchObject({ status: 400, code: 'invalid_grant' });
    expect(await attacker.auth.getTokenSet()).toBeNull();

    // A verifier of the caller's own: the challenge is its SHA-256 (RFC 7636 §4.2), the verifier stays out of the URL.
    const codeVerifier = randomBytes(48).toString('base64url');
    const request = await sdk.oauth2.buildAuthorizationUrl({ redirectUri, codeVerifier });
    const challenge = createHash('sha256').update(codeVerifier).digest('base64url');
    expect(new URL(request.url).searchParams.get('code_challenge')).toBe(challenge);
    expect(request.url).not.toContain(codeVerifier);
    await expect(
      sdk.oauth2.buildAuthorizationUrl({ redirectUri, codeVerifier: 'too-short' }),
    ).rejects.toThrow(TypeError);
    const code = sdk.oauth2.parseAuthorizationCallback(await server.login(request.url)).code!;
    const exchange = { code, redirectUri, codeVerifier };
    await sdk.oauth2.exchangeAuthorizationCode(exchange);
    await expect(sdk.oauth2.exchangeAuthorizationCode(exchange)).rejects.toMatchObject({
      status: 400,
      code: 'invalid_grant',
    });
  });
});
