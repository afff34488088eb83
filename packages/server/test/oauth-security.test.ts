import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeInBrowser,
  authorizeUrl,
  FormBrowser,
  hiddenField,
  type OAuthTestServer,
  pkce,
  postForm,
  REDIRECT_URI,
  startOAuthServer,
} from './support/oauth.js';
import { testDatabases } from './support/server.js';

/** SECURITY.md "OAuth AS", one rule per test, against a running Gatehouse. */
describe.each(testDatabases)('OAuth authorization server rules on %s', (database) => {
  let server: OAuthTestServer;
  let offsetMs = 0;
  let confidential: { id: string; secret: string };
  let publicClientId: string;
  let nativeClientId: string;
  beforeAll(async () => {
    server = await startOAuthServer(database, { now: () => Date.now() + offsetMs });
    const registered = await server.register();
    confidential = { id: registered.clientId, secret: registered.clientSecret! };
    publicClientId = (
      await server.register({ public: true, grantTypes: ['authorization_code', 'refresh_token'] })
    ).clientId;
    nativeClientId = (
      await server.register({
        public: true,
        applicationType: 'native',
        redirectUris: ['http://127.0.0.1:8400/cb'],
        grantTypes: ['authorization_code'],
      })
    ).clientId;
  });
  afterAll(() => server.close());

  /** A code for the confidential client (PKCE on), and what is needed to exchange it. */
  async function code(extra: Record<string, string | undefined> = {}, clientId = confidential.id) {
    const { verifier, challenge } = pkce();
    const url = authorizeUrl(server, clientId, {
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...extra,
    });
    const { callback, browser } = await authorizeInBrowser(server, url, server.user);
    return { code: callback.searchParams.get('code')!, verifier, callback, browser };
  }
  const exchange = (
    fields: { code: string; verifier?: string },
    client = confidential,
    extra: Record<string, string> = {},
  ) =>
    postForm(
      server,
      '/oauth2/token',
      {
        grant_type: 'authorization_code',
        code: fields.code,
        redirect_uri: REDIRECT_URI,
        ...(fields.verifier && { code_verifier: fields.verifier }),
        ...extra,
      },
      client,
    );
  const bearer = (token: string) =>
    fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  const introspect = (token: string) => postForm(server, '/oauth2/introspect', { token }, confidential);

  it('exact redirect_uri: every variant is an error page, never a redirect', async () => {
    const variants = [
      `${REDIRECT_URI}/extra`,
      `${REDIRECT_URI}/`,
      `${REDIRECT_URI}?added=1`,
      `${REDIRECT_URI}#fragment`,
      'https://client.example.evil.example/callback',
      'https://client.example@evil.example/callback',
      'https://client.example:8443/callback',
      'http://client.example/callback',
      'https://CLIENT.example/callback',
    ];
    for (const redirect_uri of variants) {
      const response = await fetch(authorizeUrl(server, confidential.id, { redirect_uri }), {
        redirect: 'manual',
      });
      expect(response.status, redirect_uri).toBe(400);
      expect(response.headers.get('location'), redirect_uri).toBeNull();
      expect(response.headers.get('content-type')).toContain('text/html');
    }
    const unknownClient = await fetch(authorizeUrl(server, 'no-such-client'), { redirect: 'manual' });
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.headers.get('location')).toBeNull();
  });

  it('loopback redirect with any port for a native client only (RFC 8252)', async () => {
    const { challenge } = pkce();
    const native = await fetch(
      authorizeUrl(server, nativeClientId, {
        redirect_uri: 'http://127.0.0.1:51234/cb',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
      { redirect: 'manual' },
    );
    expect(native.status).toBe(303);
    expect(new URL(native.headers.get('location')!, server.url).pathname).toBe('/oauth2/login');
    const otherPath = await fetch(
      authorizeUrl(server, nativeClientId, {
        redirect_uri: 'http://127.0.0.1:51234/other',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }),
      { redirect: 'manual' },
    );
    expect(otherPath.status).toBe(400);
  });

  it('duplicated parameters: invalid_request back to the client, or an error page for client_id', async () => {
    const url = new URL(authorizeUrl(server, confidential.id));
    url.searchParams.append('scope', 'openid');
    const duplicated = await fetch(url, { redirect: 'manual' });
    const location = new URL(duplicated.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('state-1');
    const twoClients = new URL(authorizeUrl(server, confidential.id));
    twoClients.searchParams.append('client_id', confidential.id);
    expect((await fetch(twoClients, { redirect: 'manual' })).status).toBe(400);
    const token = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'client_credentials', scope: 'api:read' },
      confidential,
    );
    expect(token.status).toBe(200);
    const body = `grant_type=client_credentials&scope=api:read&scope=api:read`;
    const twice = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${confidential.id}:${confidential.secret}`).toString('base64')}`,
      },
      body,
    });
    expect(twice.status).toBe(400);
    expect(await twice.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('echoes a 128-character state byte-exact, with iss (RFC 9207)', async () => {
    const state = `${'a'.repeat(60)}-._~!$'()*+,;=:@/?%20 é${'z'.repeat(128 - 82)}`.slice(0, 128);
    expect(state).toHaveLength(128);
    const { callback } = await code({ state });
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(server.url);
    const error = await fetch(authorizeUrl(server, confidential.id, { state, response_type: 'token' }), {
      redirect: 'manual',
    });
    const location = new URL(error.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    expect(location.searchParams.get('state')).toBe(state);
  });

  it('PKCE: required for public clients, plain refused, wrong / too short / missing / unexpected verifiers refused', async () => {
    const refusal = async (clientId: string, extra: Record<string, string | undefined>) => {
      const response = await fetch(authorizeUrl(server, clientId, extra), { redirect: 'manual' });
      return new URL(response.headers.get('location')!, server.url).searchParams.get('error');
    };
    expect(await refusal(publicClientId, {})).toBe('invalid_request');
    expect(
      await refusal(confidential.id, { code_challenge: pkce().challenge, code_challenge_method: 'plain' }),
    ).toBe('invalid_request');
    expect(await refusal(confidential.id, { code_challenge: pkce().challenge })).toBe('invalid_request');
    expect(await refusal(confidential.id, { code_challenge: 'short', code_challenge_method: 'S256' })).toBe(
      'invalid_request',
    );

    const wrong = await code();
    expect((await exchange({ code: wrong.code, verifier: pkce().verifier })).body).toMatchObject({
      error: 'invalid_grant',
    });
    const short = await code();
    expect((await exchange({ code: short.code, verifier: 'x'.repeat(42) })).body).toMatchObject({
      error: 'invalid_grant',
    });
    const missing = await code();
    expect((await exchange({ code: missing.code })).body).toMatchObject({ error: 'invalid_grant' });
    const withoutPkce = await code({ code_challenge: undefined, code_challenge_method: undefined });
    expect((await exchange({ code: withoutPkce.code, verifier: pkce().verifier })).body).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('code reuse is refused and revokes every token issued from the code', async () => {
    const issued = await code();
    const first = await exchange(issued);
    expect(first.status).toBe(200);
    const accessToken = first.body['access_token'] as string;
    expect((await bearer(accessToken)).status).toBe(200);
    const replay = await exchange(issued);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_grant' });
    expect((await bearer(accessToken)).status).toBe(401);
    expect((await introspect(accessToken)).body).toEqual({ active: false });
    const refresh = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: first.body['refresh_token'] as string },
      confidential,
    );
    expect(refresh.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('20 simultaneous exchanges of one code: at most one succeeds, and its tokens end up revoked', async () => {
    const issued = await code();
    const answers = await Promise.all(Array.from({ length: 20 }, () => exchange(issued)));
    const winners = answers.filter((answer) => answer.status === 200);
    expect(winners.length).toBeLessThanOrEqual(1);
    expect(answers.filter((answer) => answer.status === 400)).toHaveLength(20 - winners.length);
    for (const winner of winners)
      expect((await introspect(winner.body['access_token'] as string)).body).toEqual({ active: false });
  });

  it('a code expires after 60 seconds, and works only for its own client and redirect_uri', async () => {
    const expired = await code();
    offsetMs += 61_000;
    try {
      expect((await exchange(expired)).body).toMatchObject({ error: 'invalid_grant' });
    } finally {
      offsetMs -= 61_000;
    }
    const other = await server.register();
    const stolen = await code();
    expect((await exchange(stolen, { id: other.clientId, secret: other.clientSecret! })).body).toMatchObject({
      error: 'invalid_grant',
    });
    const redirected = await code();
    expect(
      (await exchange(redirected, confidential, { redirect_uri: `${REDIRECT_URI}/other` })).body,
    ).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('every client authentication failure is 401 invalid_client, with WWW-Authenticate for Basic', async () => {
    const cc = { grant_type: 'client_credentials' };
    const wrongSecret = await postForm(server, '/oauth2/token', cc, { id: confidential.id, secret: 'wrong' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toMatchObject({ error: 'invalid_client' });
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic/);
    const unknown = await postForm(server, '/oauth2/token', cc, { id: 'nobody', secret: 'x' });
    expect(unknown.status).toBe(401);
    const postWrong = await postForm(server, '/oauth2/token', {
      ...cc,
      client_id: confidential.id,
      client_secret: 'wrong',
    });
    expect(postWrong.status).toBe(401);
    expect(postWrong.headers.get('www-authenticate')).toBeNull();
    const none = await postForm(server, '/oauth2/token', cc);
    expect(none.status).toBe(401);
    const secretless = await postForm(server, '/oauth2/token', { ...cc, client_id: confidential.id });
    expect(secretless.status).toBe(401);
    const publicWithSecret = await postForm(server, '/oauth2/token', {
      ...cc,
      client_id: publicClientId,
      client_secret: 'guess',
    });
    expect(publicWithSecret.status).toBe(401);
    const garbage = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic !!!' },
      body: 'grant_type=client_credentials',
    });
    expect(garbage.status).toBe(401);
    const post = await postForm(server, '/oauth2/token', {
      ...cc,
      client_id: confidential.id,
      client_secret: confidential.secret,
    });
    expect(post.status).toBe(200);
    const both = await postForm(
      server,
      '/oauth2/token',
      { ...cc, client_secret: confidential.secret },
      confidential,
    );
    expect(both.body).toMatchObject({ error: 'invalid_request' });
  });

  it('refresh: a narrower scope is allowed, a wider one refused without spending the token', async () => {
    const issued = await exchange(await code({ scope: 'openid email offline_access' }));
    const refreshToken = issued.body['refresh_token'] as string;
    const wider = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: refreshToken, scope: 'openid email profile' },
      confidential,
    );
    expect(wider.body).toMatchObject({ error: 'invalid_scope' });
    const narrower = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: refreshToken, scope: 'openid' },
      confidential,
    );
    expect(narrower.status).toBe(200);
    expect(narrower.body['scope']).toBe('openid');
  });

  it('20 simultaneous refreshes with one token mint one successor; a later reuse revokes the grant', async () => {
    const issued = await exchange(await code());
    const refreshToken = issued.body['refresh_token'] as string;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        postForm(
          server,
          '/oauth2/token',
          { grant_type: 'refresh_token', refresh_token: refreshToken },
          confidential,
        ),
      ),
    );
    const successors = new Set(answers.filter((a) => a.status === 200).map((a) => a.body['refresh_token']));
    expect(successors.size).toBe(1);
    const [successor] = [...successors] as string[];
    offsetMs += 10_000; // past the retry window: the old token coming back now is reuse
    try {
      const reuse = await postForm(
        server,
        '/oauth2/token',
        { grant_type: 'refresh_token', refresh_token: refreshToken },
        confidential,
      );
      expect(reuse.body).toMatchObject({ error: 'invalid_grant' });
      const afterReuse = await postForm(
        server,
        '/oauth2/token',
        { grant_type: 'refresh_token', refresh_token: successor! },
        confidential,
      );
      expect(afterReuse.body).toMatchObject({ error: 'invalid_grant' });
    } finally {
      offsetMs -= 10_000;
    }
  });

  it('client_credentials: no refresh token, no user claims, no user scopes', async () => {
    const token = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'client_credentials', scope: 'api:read' },
      confidential,
    );
    expect(token.body['refresh_token']).toBeUndefined();
    expect(token.body['id_token']).toBeUndefined();
    const claims = JSON.parse(
      Buffer.from((token.body['access_token'] as string).split('.')[1]!, 'base64url').toString(),
    );
    expect(claims.sub).toBe(confidential.id);
    expect(claims.email).toBeUndefined();
    expect((await bearer(token.body['access_token'] as string)).status).toBe(401);
    const userScope = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'client_credentials', scope: 'openid' },
      confidential,
    );
    expect(userScope.body).toMatchObject({ error: 'invalid_scope' });
  });

  it("revoking a refresh token kills its access tokens; another client's revocation changes nothing", async () => {
    const issued = await exchange(await code());
    const accessToken = issued.body['access_token'] as string;
    const other = await server.register();
    const foreign = await postForm(
      server,
      '/oauth2/revoke',
      { token: issued.body['refresh_token'] as string },
      { id: other.clientId, secret: other.clientSecret! },
    );
    expect(foreign.status).toBe(200);
    expect((await bearer(accessToken)).status).toBe(200);
    const own = await postForm(
      server,
      '/oauth2/revoke',
      { token: issued.body['refresh_token'] as string, token_type_hint: 'refresh_token' },
      confidential,
    );
    expect(own.status).toBe(200);
    expect((await bearer(accessToken)).status).toBe(401);
    expect((await postForm(server, '/oauth2/revoke', { token: 'not-a-token' }, confidential)).status).toBe(
      200,
    );
  });

  it('introspection requires client authentication and says {"active":false} for anything not valid', async () => {
    const issued = await exchange(await code());
    const accessToken = issued.body['access_token'] as string;
    const anonymous = await postForm(server, '/oauth2/introspect', { token: accessToken });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: 'invalid_client' });
    const publicClient = await postForm(server, '/oauth2/introspect', {
      token: accessToken,
      client_id: publicClientId,
    });
    expect(publicClient.status).toBe(401);
    const other = await server.register({ resources: [] });
    const foreign = await postForm(
      server,
      '/oauth2/introspect',
      { token: accessToken },
      { id: other.clientId, secret: other.clientSecret! },
    );
    expect(foreign.body).toEqual({ active: false });
    for (const token of ['garbage', `${accessToken}x`, 'a.b.c'])
      expect((await introspect(token)).body).toEqual({ active: false });
    expect((await introspect(accessToken)).body).toMatchObject({ active: true, sub: server.user.id });
  });

  it('login and consent pages cannot be framed, carry no script, and a login POST answers 303', async () => {
    const browser = new FormBrowser(server.url);
    const { challenge } = pkce();
    const start = await browser.get(
      authorizeUrl(server, confidential.id, {
        code_challenge: challenge,
        code_challenge_method: 'S256',
        prompt: 'consent',
      }),
    );
    const login = await browser.get(start.location!);
    expect(login.status).toBe(200);
    expect(login.headers.get('x-frame-options')).toBe('DENY');
    expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect(login.html).not.toContain('<script');
    const form = {
      interaction: hiddenField(login.html, 'interaction'),
      csrf: hiddenField(login.html, 'csrf'),
    };
    const wrongPassword = await browser.post('/oauth2/login', {
      ...form,
      username: server.user.email,
      password: 'wrong password',
    });
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.html).toContain('role="alert"');
    const forged = await browser.post('/oauth2/login', {
      ...form,
      csrf: 'forged',
      username: server.user.email,
      password: server.user.password,
    });
    expect(forged.status).toBe(403);
    const crossSite = await browser.post(
      '/oauth2/login',
      { ...form, username: server.user.email, password: server.user.password },
      { origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    const signedIn = await browser.post('/oauth2/login', {
      ...form,
      username: server.user.email,
      password: server.user.password,
    });
    expect(signedIn.status).toBe(303);
    const consent = await browser.get(signedIn.location!);
    expect(consent.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(consent.html).toContain('name="decision" value="allow"');
    const anotherBrowser = new FormBrowser(server.url);
    const stolen = await anotherBrowser.get(signedIn.location!);
    expect(stolen.status).toBe(400);
  });

  it('prompt=none: login_required without a session, consent_required without consent, a code when both exist', async () => {
    const { challenge } = pkce();
    const pkceParams = { code_challenge: challenge, code_challenge_method: 'S256' };
    const anonymous = await fetch(authorizeUrl(server, confidential.id, { ...pkceParams, prompt: 'none' }), {
      redirect: 'manual',
    });
    expect(new URL(anonymous.headers.get('location')!).searchParams.get('error')).toBe('login_required');
    const fresh = await server.register();
    const { browser } = await code();
    const noConsent = await browser.get(
      authorizeUrl(server, fresh.clientId, { ...pkceParams, prompt: 'none' }),
    );
    expect(new URL(noConsent.location!).searchParams.get('error')).toBe('consent_required');
    const silent = await browser.get(
      authorizeUrl(server, confidential.id, { ...pkceParams, prompt: 'none' }),
    );
    expect(new URL(silent.location!).searchParams.get('code')).toEqual(expect.any(String));
  });

  it('prompt=login and an exceeded max_age send a signed-in user back to the login page; login_hint fills it', async () => {
    const { browser } = await code();
    const { challenge } = pkce();
    const pkceParams = { code_challenge: challenge, code_challenge_method: 'S256' };
    const silent = await browser.get(authorizeUrl(server, confidential.id, pkceParams));
    expect(new URL(silent.location!).searchParams.get('code')).toEqual(expect.any(String));
    for (const extra of [{ prompt: 'login' }, { max_age: '0' }]) {
      offsetMs += 1_000;
      const again = await browser.get(authorizeUrl(server, confidential.id, { ...pkceParams, ...extra }));
      expect(new URL(again.location!).pathname).toBe('/oauth2/login');
    }
    const hinted = await browser.get(
      authorizeUrl(server, confidential.id, {
        ...pkceParams,
        prompt: 'login',
        login_hint: 'hint@example.test',
      }),
    );
    const page = await browser.get(hinted.location!);
    expect(page.html).toContain('value="hint@example.test"');
    const fresh = await authorizeInBrowser(
      server,
      authorizeUrl(server, confidential.id, { ...pkceParams, max_age: '0' }),
      server.user,
      { browser },
    );
    expect(fresh.pages).toEqual(['/oauth2/login']);
    expect(fresh.callback.searchParams.get('code')).toEqual(expect.any(String));
  });
});
