import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../src/features/second-factor/totp.js';
import { request, signInWithCookie } from './support/http.js';
import {
  authorizeInBrowser,
  authorizeUrl,
  type OAuthTestServer,
  pkce,
  postForm,
  REDIRECT_URI,
  startOAuthServer,
} from './support/oauth.js';
import { enrolTotp } from './support/second-factor.js';
import { testDatabases } from './support/server.js';

describe.each(testDatabases)('the OAuth login page and connected apps on %s', (database) => {
  let server: OAuthTestServer;
  let offsetMs = 0;
  let client: { id: string; secret: string };
  beforeAll(async () => {
    server = await startOAuthServer(database, { now: () => Date.now() + offsetMs });
    const registered = await server.register();
    client = { id: registered.clientId, secret: registered.clientSecret! };
  });
  afterAll(() => server.close());

  const pkceParams = () => {
    const { verifier, challenge } = pkce();
    return { verifier, params: { code_challenge: challenge, code_challenge_method: 'S256' } };
  };
  const exchange = (code: string, verifier: string) =>
    postForm(
      server,
      '/oauth2/token',
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      client,
    );

  it('oauth4webapi completes discovery, the code flow with PKCE and nonce, ID token validation, userinfo and refresh', async () => {
    const issuer = new URL(server.url);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }),
    );
    const rp: oauth.Client = { client_id: client.id };
    const auth = oauth.ClientSecretBasic(client.secret);
    const verifier = oauth.generateRandomCodeVerifier();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', client.id);
    url.searchParams.set('redirect_uri', REDIRECT_URI);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', 'openid email offline_access');
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('nonce', nonce);
    const { callback } = await authorizeInBrowser(server, url.href, server.user);
    const params = oauth.validateAuthResponse(as, rp, callback, oauth.expectNoState);
    const response = await oauth.authorizationCodeGrantRequest(as, rp, auth, params, REDIRECT_URI, verifier, {
      [oauth.allowInsecureRequests]: true,
    });
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp, response, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({ sub: server.user.id, email: server.user.email, nonce });
    const info = await oauth.processUserInfoResponse(
      as,
      rp,
      claims.sub,
      await oauth.userInfoRequest(as, rp, tokens.access_token, { [oauth.allowInsecureRequests]: true }),
    );
    expect(info.email).toBe(server.user.email);
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      rp,
      await oauth.refreshTokenGrantRequest(as, rp, auth, tokens.refresh_token!, {
        [oauth.allowInsecureRequests]: true,
      }),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const cc = await oauth.processClientCredentialsResponse(
      as,
      rp,
      await oauth.clientCredentialsGrantRequest(as, rp, auth, new URLSearchParams({ scope: 'api:read' }), {
        [oauth.allowInsecureRequests]: true,
      }),
    );
    expect(cc.refresh_token).toBeUndefined();
  });

  it('oauth4webapi: refresh rotation, introspection, revocation, and prompt=none signed in and not', async () => {
    const issuer = new URL(server.url);
    const insecure = { [oauth.allowInsecureRequests]: true } as const;
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    const rp: oauth.Client = { client_id: client.id };
    const auth = oauth.ClientSecretBasic(client.secret);
    const authorization = async (extra: Record<string, string> = {}) => {
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint!);
      for (const [name, value] of Object.entries({
        client_id: client.id,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid email offline_access',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...extra,
      }))
        url.searchParams.set(name, value);
      return { url: url.href, verifier, state };
    };

    // prompt=none in a browser with no Gatehouse session: login_required, back at the client.
    const anonymous = await authorization({ prompt: 'none' });
    const refused = await authorizeInBrowser(server, anonymous.url, server.user);
    expect(() => oauth.validateAuthResponse(as, rp, refused.callback, anonymous.state)).toThrow(
      expect.objectContaining({ error: 'login_required' }),
    );

    // A full sign-in and consent, then prompt=none in the same browser: a code, no page shown.
    const first = await authorization();
    const signedIn = await authorizeInBrowser(server, first.url, server.user);
    await oauth.processAuthorizationCodeResponse(
      as,
      rp,
      await oauth.authorizationCodeGrantRequest(
        as,
        rp,
        auth,
        oauth.validateAuthResponse(as, rp, signedIn.callback, first.state),
        REDIRECT_URI,
        first.verifier,
        insecure,
      ),
    );
    const silent = await authorization({ prompt: 'none' });
    const again = await authorizeInBrowser(server, silent.url, server.user, { browser: signedIn.browser });
    expect(again.pages).toEqual([]);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      rp,
      await oauth.authorizationCodeGrantRequest(
        as,
        rp,
        auth,
        oauth.validateAuthResponse(as, rp, again.callback, silent.state),
        REDIRECT_URI,
        silent.verifier,
        insecure,
      ),
    );

    // Refresh rotates: the new pair works, the spent refresh token is invalid_grant.
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      rp,
      await oauth.refreshTokenGrantRequest(as, rp, auth, tokens.refresh_token!, insecure),
    );
    const described = await oauth.processIntrospectionResponse(
      as,
      rp,
      await oauth.introspectionRequest(as, rp, auth, refreshed.access_token, insecure),
    );
    expect(described).toMatchObject({ active: true, client_id: client.id, sub: server.user.id });

    // Revoking the refresh token ends it and the access token issued from it.
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, rp, auth, refreshed.refresh_token!, insecure),
    );
    for (const token of [refreshed.access_token, refreshed.refresh_token!]) {
      const after = await oauth.processIntrospectionResponse(
        as,
        rp,
        await oauth.introspectionRequest(as, rp, auth, token, insecure),
      );
      expect(after).toEqual({ active: false });
    }
    await expect(
      oauth.processRefreshTokenResponse(
        as,
        rp,
        await oauth.refreshTokenGrantRequest(as, rp, auth, refreshed.refresh_token!, insecure),
      ),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('asks for the second factor on the login page, as password sign-in does', async () => {
    const user = await server.createUser();
    const now = () => Date.now() + offsetMs;
    const { secret } = await enrolTotp(server, user, now());
    offsetMs += 30_000; // the next code window: a code is used once
    const { verifier, params } = pkceParams();
    const { callback, pages } = await authorizeInBrowser(
      server,
      authorizeUrl(server, client.id, params),
      user,
      {
        code: () => currentTotp(secret, now()),
      },
    );
    expect(pages).toEqual(['/oauth2/login', 'second-factor', '/oauth2/consent']);
    const tokens = await exchange(callback.searchParams.get('code')!, verifier);
    const idToken = JSON.parse(
      Buffer.from((tokens.body['id_token'] as string).split('.')[1]!, 'base64url').toString(),
    );
    expect(idToken.amr).toEqual(['pwd', 'otp', 'mfa']);

    const wrong = authorizeInBrowser(server, authorizeUrl(server, client.id, pkceParams().params), user, {
      code: () => '000000',
    });
    await expect(wrong).rejects.toThrow(/answered 401/);
  });

  it('refuses a disabled account on the login page, and a user the second-factor policy holds back', async () => {
    const user = await server.createUser();
    await server.app.gatehouse.userAdmin.disable({ actor: null, ip: null }, user.id);
    await expect(
      authorizeInBrowser(server, authorizeUrl(server, client.id, pkceParams().params), user),
    ).rejects.toThrow(/answered 403/);

    const held = await server.createUser();
    await server.app.gatehouse.authConfig.update({ requireSecondFactor: 'everyone' });
    try {
      const { callback } = await authorizeInBrowser(
        server,
        authorizeUrl(server, client.id, pkceParams().params),
        held,
      );
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('code')).toBeNull();
    } finally {
      await server.app.gatehouse.authConfig.update({ requireSecondFactor: 'off' });
    }
  });

  it('lists connected apps and revokes one: its refresh tokens and access end at once', async () => {
    const user = await server.createUser();
    const { verifier, params } = pkceParams();
    const { callback } = await authorizeInBrowser(server, authorizeUrl(server, client.id, params), user);
    const tokens = await exchange(callback.searchParams.get('code')!, verifier);
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const listed = await request<Array<Record<string, unknown>>>(server.url, '/api/me/oauth-grants', {
      cookie,
    });
    expect(listed.body).toEqual([
      expect.objectContaining({
        clientId: client.id,
        clientName: 'Test app',
        scopes: expect.arrayContaining(['openid', 'offline_access']),
      }),
    ]);
    const accessToken = tokens.body['access_token'] as string;
    const viaToken = await request(server.url, '/api/me/oauth-grants', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(viaToken.status).toBe(403);
    const revoked = await request(server.url, `/api/me/oauth-grants/${client.id}`, {
      method: 'DELETE',
      cookie,
      headers: { origin: server.url },
    });
    expect(revoked.status).toBe(200);
    expect(
      (await request(server.url, '/api/me', { headers: { authorization: `Bearer ${accessToken}` } })).status,
    ).toBe(401);
    const refresh = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: tokens.body['refresh_token'] as string },
      client,
    );
    expect(refresh.body).toMatchObject({ error: 'invalid_grant' });
    expect((await request(server.url, '/api/me/oauth-grants', { cookie })).body).toEqual([]);
    // The consent went with it: the next authorization asks again.
    const again = await authorizeInBrowser(
      server,
      authorizeUrl(server, client.id, pkceParams().params),
      user,
    );
    expect(again.pages).toContain('/oauth2/consent');
  });

  it('userinfo answers a browser with the session cookie, and refuses anything else with 401', async () => {
    const cookie = await signInWithCookie(server.url, server.user.email, server.user.password);
    const info = await request(server.url, '/oauth2/userinfo', { cookie });
    expect(info.body).toMatchObject({ sub: server.user.id, email: server.user.email });
    const none = await request(server.url, '/oauth2/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const bad = await request(server.url, '/oauth2/userinfo', { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ error: 'invalid_token' });
  });
});
