import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeInBrowser,
  type FormBrowser,
  type OAuthTestServer,
  REDIRECT_URI,
  RESOURCE,
  startOAuthServer,
} from './support/oauth.js';
import { testDatabases } from './support/server.js';

/*
 * openid-client (v6, unmodified) as the relying party against a running Gatehouse: discovery, the code
 * flow with PKCE and nonce through the login and consent pages, ID token validation, userinfo, refresh
 * with rotation, introspection, revocation, client credentials and prompt=none.
 */
describe.each(testDatabases)('openid-client against Gatehouse on %s', (database) => {
  let server: OAuthTestServer;
  let config: client.Configuration;
  let clientId: string;
  beforeAll(async () => {
    server = await startOAuthServer(database);
    const registered = await server.register();
    clientId = registered.clientId;
    config = await client.discovery(new URL(server.url), clientId, registered.clientSecret, undefined, {
      execute: [client.allowInsecureRequests],
    });
  });
  afterAll(() => server.close());

  async function codeFlow(
    options: { browser?: FormBrowser; scope?: string; extra?: Record<string, string> } = {},
  ) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: options.scope ?? 'openid profile email offline_access profile:read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...options.extra,
    });
    const { callback, browser, pages } = await authorizeInBrowser(server, url.href, server.user, {
      ...(options.browser && { browser: options.browser }),
    });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    return { tokens, browser, pages, nonce };
  }

  it('discovers the issuer at its public URL, with the endpoints and methods it supports', () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(server.url);
    expect(metadata.token_endpoint).toBe(`${server.url}/oauth2/token`);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('completes the code flow through login and consent, then userinfo (GET and POST), refresh, introspection, revocation', async () => {
    const { tokens, pages, nonce, browser } = await codeFlow();
    expect(pages).toEqual(['/oauth2/login', '/oauth2/consent']);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: server.url,
      aud: clientId,
      sub: server.user.id,
      nonce,
      email: server.user.email,
    });
    expect(claims['auth_time']).toEqual(expect.any(Number));
    expect(claims['at_hash']).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.token_type).toBe('bearer');

    const viaGet = await client.fetchUserInfo(config, tokens.access_token, server.user.id);
    expect(viaGet).toMatchObject({ sub: server.user.id, email: server.user.email, email_verified: false });
    const viaPost = await fetch(`${server.url}/oauth2/userinfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }).toString(),
    });
    expect(await viaPost.json()).toMatchObject({ sub: server.user.id, email: server.user.email });

    // The access token works on Gatehouse's own API within its scopes.
    const me = await fetch(`${server.url}/api/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.status).toBe(200);
    const workspaces = await fetch(`${server.url}/api/workspaces`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(workspaces.status).toBe(403);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()?.sub).toBe(server.user.id);
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toEqual({ active: false });
    expect(await client.tokenIntrospection(config, refreshed.access_token)).toMatchObject({
      active: true,
      client_id: clientId,
      sub: server.user.id,
    });

    await client.tokenRevocation(config, refreshed.refresh_token!);
    expect(await client.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false });
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    // Consent is remembered: the next authorization in the same browser goes straight back with a code.
    const again = await codeFlow({ browser });
    expect(again.pages).toEqual([]);
  });

  it('answers prompt=none with a code when signed in and consented, login_required when not', async () => {
    const { browser } = await codeFlow();
    const silent = await codeFlow({ browser, extra: { prompt: 'none' } });
    expect(silent.tokens.access_token).toEqual(expect.any(String));

    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state,
      prompt: 'none',
    });
    const { callback } = await authorizeInBrowser(server, url.href, server.user);
    await expect(
      client.authorizationCodeGrant(config, callback, { expectedState: state }),
    ).rejects.toMatchObject({
      error: 'login_required',
    });
  });

  it('gets a client-credentials token for a resource: no refresh token, no user claims', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api:read', resource: RESOURCE });
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.id_token).toBeUndefined();
    const payload = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString());
    expect(payload).toMatchObject({ sub: clientId, client_id: clientId, aud: RESOURCE, scope: 'api:read' });
    expect(payload.email).toBeUndefined();
    expect(await client.tokenIntrospection(config, tokens.access_token)).toMatchObject({
      active: true,
      sub: clientId,
    });
    await client.tokenRevocation(config, tokens.access_token);
    expect(await client.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
  });
});
