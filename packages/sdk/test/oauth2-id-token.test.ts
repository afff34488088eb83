import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseSDK, type OAuthTokenSet } from '../src/index.js';
import { type OidcProviderServer, startOidcProvider } from './support/authorization-servers/oidc-provider.js';
import { signInWithCode } from './support/authorization-servers/sign-in.js';
import { recordingFetch } from './support/recording-fetch.js';

/*
 * ID-token validation (OpenID Connect Core §3.1.3.7) with WebCrypto against oidc-provider's real keys:
 * every algorithm it signs with, and every way a token must be refused. Also discovery's issuer check.
 */

let server: OidcProviderServer;
beforeAll(async () => {
  server = await startOidcProvider();
});
afterAll(() => server.close());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const segments = (jwt: string) => {
  const [header = '', claims = '', signature = ''] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>,
    signature,
  };
};

function clientFor(alg: 'RS256' | 'ES256' | 'EdDSA', fetch = recordingFetch().fetch) {
  const { clientId, clientSecret } = server.clientsByAlg[alg];
  return new GatehouseSDK({
    appUrl: server.appUrl,
    fetch,
    auth: { oauth: { clientId, ...(clientSecret ? { clientSecret } : {}) } },
  });
}

describe('ID-token validation', () => {
  it.each([
    'RS256',
    'ES256',
    'EdDSA',
  ] as const)('accepts an ID token signed with %s, verified through the JWKS', async (alg) => {
    const sdk = clientFor(alg);
    const tokens = await signInWithCode(server, sdk, server.clientsByAlg[alg].redirectUri);
    expect(segments(tokens.idToken!).header['alg']).toBe(alg);
    expect(tokens.idTokenClaims).toMatchObject({
      iss: server.issuer,
      sub: server.subject,
      aud: server.clientsByAlg[alg].clientId,
      nonce: expect.any(String),
    });
    expect(await sdk.oauth2.validateIdToken(tokens.idToken!)).toEqual(tokens.idTokenClaims);
  });

  describe('refusals', () => {
    let sdk: GatehouseSDK;
    let tokens: OAuthTokenSet;
    let idToken: string;
    beforeAll(async () => {
      sdk = clientFor('RS256');
      tokens = await signInWithCode(server, sdk, server.clients.confidential.redirectUri);
      idToken = tokens.idToken!;
    });
    const refusedBecause = (reason: RegExp) => ({
      code: 'ID_TOKEN_INVALID',
      message: expect.stringMatching(reason),
    });

    it('refuses a token whose claims were changed after signing', async () => {
      const { header, claims, signature } = segments(idToken);
      const forged = [b64(header), b64({ ...claims, sub: 'mallory' }), signature].join('.');
      await expect(sdk.oauth2.validateIdToken(forged)).rejects.toMatchObject(
        refusedBecause(/signature does not verify/),
      );
    });

    it('refuses alg none and HMAC, including HS256 keyed with the client secret', async () => {
      const { claims } = segments(idToken);
      const unsigned = [b64({ alg: 'none' }), b64(claims), 'x'].join('.');
      await expect(sdk.oauth2.validateIdToken(unsigned)).rejects.toMatchObject(refusedBecause(/alg none/));
      const input = `${b64({ alg: 'HS256', kid: 'rsa-1' })}.${b64(claims)}`;
      const secret = server.clients.confidential.clientSecret;
      const hmac = createHmac('sha256', secret).update(input).digest('base64url');
      await expect(sdk.oauth2.validateIdToken(`${input}.${hmac}`)).rejects.toMatchObject(
        refusedBecause(/alg HS256/),
      );
    });

    it('refuses a token for another client, with another nonce, or expired', async () => {
      const other = clientFor('ES256');
      await expect(other.oauth2.validateIdToken(idToken)).rejects.toMatchObject(refusedBecause(/aud/));
      await expect(
        sdk.oauth2.validateIdToken(idToken, { nonce: 'not-the-request-nonce' }),
      ).rejects.toMatchObject(refusedBecause(/nonce/));
      expect(
        await sdk.oauth2.validateIdToken(idToken, { nonce: tokens.idTokenClaims!.nonce! }),
      ).toMatchObject({
        sub: server.subject,
      });
      const lifetime = tokens.idTokenClaims!.exp - tokens.idTokenClaims!.iat;
      server.advanceClock(lifetime + 31);
      await expect(sdk.oauth2.validateIdToken(idToken)).rejects.toMatchObject(refusedBecause(/expired/));
    });

    it('fetches the JWKS once, again for an unknown kid, but not more than once in 30 seconds', async () => {
      const recorder = recordingFetch();
      const fresh = clientFor('RS256', recorder.fetch);
      const jwksPath = new URL((await fresh.oauth2.discover()).jwks_uri!).pathname;
      const { header, claims, signature } = segments(idToken);
      const valid = [b64(header), b64({ ...claims, exp: Date.now() / 1000 + 60 }), signature].join('.');
      await expect(fresh.oauth2.validateIdToken(valid)).rejects.toMatchObject(refusedBecause(/signature/));
      await expect(fresh.oauth2.validateIdToken(valid)).rejects.toMatchObject(refusedBecause(/signature/));
      expect(recorder.callsTo(jwksPath)).toHaveLength(1);
      const rotated = [b64({ ...header, kid: 'rotated-in' }), b64(claims), signature].join('.');
      await expect(fresh.oauth2.validateIdToken(rotated)).rejects.toMatchObject(
        refusedBecause(/kid rotated-in/),
      );
      expect(recorder.callsTo(jwksPath)).toHaveLength(1); // within 30 s of the last fetch
      server.advanceClock(31);
      await expect(fresh.oauth2.validateIdToken(rotated)).rejects.toMatchObject(
        refusedBecause(/kid rotated-in/),
      );
      await expect(fresh.oauth2.validateIdToken(rotated)).rejects.toMatchObject(
        refusedBecause(/kid rotated-in/),
      );
      expect(recorder.callsTo(jwksPath)).toHaveLength(2);
    });
  });
});

describe('max_age (OpenID Connect Core §3.1.3.7)', () => {
  const refusedBecause = (reason: RegExp) => ({
    code: 'ID_TOKEN_INVALID',
    message: expect.stringMatching(reason),
  });

  it('with maxAge, sends max_age and requires an auth_time no older than it', async () => {
    const { clientId, clientSecret, redirectUri } = server.clients.confidential;
    const sdk = new GatehouseSDK({ appUrl: server.appUrl, auth: { oauth: { clientId, clientSecret } } });
    const request = await sdk.oauth2.buildAuthorizationUrl({ redirectUri, maxAge: 300 });
    expect(new URL(request.url).searchParams.get('max_age')).toBe('300');
    expect(request.maxAge).toBe(300);
    const callback = sdk.oauth2.parseAuthorizationCallback(await server.login(request.url));
    const tokens = await sdk.oauth2.exchangeAuthorizationCode({ code: callback.code!, redirectUri });
    const authTime = tokens.idTokenClaims!.auth_time!;
    expect(authTime).toEqual(expect.any(Number));
    expect(await sdk.oauth2.validateIdToken(tokens.idToken!, { maxAge: 300 })).toMatchObject({
      auth_time: authTime,
    });
    // 300 s later plus the 30 s tolerance: the sign-in is too old for max_age=300, the token still unexpired.
    server.advanceClock(300 + 31);
    await expect(sdk.oauth2.validateIdToken(tokens.idToken!, { maxAge: 300 })).rejects.toMatchObject(
      refusedBecause(/auth_time.*max_age/),
    );
    expect(await sdk.oauth2.validateIdToken(tokens.idToken!)).toMatchObject({ sub: server.subject });
  });
});

describe('max_age without auth_time (OpenID Connect Core §2, §3.1.3.7 (13))', () => {
  it('refuses the exchange when the request set maxAge and the ID token has no auth_time', async () => {
    const { clientId, clientSecret, redirectUri } = server.clients.confidential;
    const nonce = 'one-nonce-for-both-requests';
    // A real, correctly signed token response without auth_time: oidc-provider leaves the claim out when
    // the request did not ask for max_age (and the client does not require it).
    let captured = '';
    const first = new GatehouseSDK({
      appUrl: server.appUrl,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (init.method === 'POST' && init.body?.toString().includes('authorization_code')) {
          captured = await response.clone().text();
        }
        return response;
      },
      auth: { oauth: { clientId, clientSecret } },
    });
    const plain = await first.oauth2.buildAuthorizationUrl({ redirectUri, nonce });
    const plainCallback = first.oauth2.parseAuthorizationCallback(await server.login(plain.url));
    const plainTokens = await first.oauth2.exchangeAuthorizationCode({
      code: plainCallback.code!,
      redirectUri,
    });
    expect(plainTokens.idTokenClaims).toMatchObject({ nonce });
    expect(plainTokens.idTokenClaims).not.toHaveProperty('auth_time');
    expect(captured).toContain('id_token');

    // The second request asks for max_age=300; its token endpoint answers with that token (same client,
    // same nonce, matching at_hash), so only the missing auth_time is wrong with it.
    const tokenEndpoint = (await first.oauth2.discover()).token_endpoint;
    const second = new GatehouseSDK({
      appUrl: server.appUrl,
      fetch: async (input, init) =>
        input === tokenEndpoint
          ? new Response(captured, { status: 200, headers: { 'content-type': 'application/json' } })
          : fetch(input, init),
      auth: { oauth: { clientId, clientSecret } },
    });
    const request = await second.oauth2.buildAuthorizationUrl({ redirectUri, nonce, maxAge: 300 });
    expect(new URL(request.url).searchParams.get('max_age')).toBe('300');
    const callback = second.oauth2.parseAuthorizationCallback(await server.login(request.url));
    await expect(
      second.oauth2.exchangeAuthorizationCode({ code: callback.code!, redirectUri }),
    ).rejects.toMatchObject({
      code: 'ID_TOKEN_INVALID',
      message: expect.stringMatching(/no auth_time although the request set max_age/),
    });
    // Nothing was stored: the app is not signed in with a token that failed validation.
    expect(await second.auth.getTokenSet()).toBeNull();
    // The same token, validated directly with maxAge, is refused for the same reason.
    await expect(second.oauth2.validateIdToken(plainTokens.idToken!, { maxAge: 300 })).rejects.toMatchObject({
      code: 'ID_TOKEN_INVALID',
      message: expect.stringMatching(/no auth_time/),
    });
  });
});

describe('discovery', () => {
  it('is fetched once however many calls need it', async () => {
    const recorder = recordingFetch();
    const sdk = clientFor('RS256', recorder.fetch);
    await Promise.all([sdk.oauth2.discover(), sdk.oauth2.discover(), sdk.oauth2.discover()]);
    await sdk.oauth2.buildAuthorizationUrl({ redirectUri: server.clients.confidential.redirectUri });
    expect(recorder.callsTo('/.well-known/openid-configuration')).toHaveLength(1);
  });

  it('refuses metadata whose issuer is not the configured one, byte for byte', async () => {
    const { clientId } = server.clients.public;
    const sdk = new GatehouseSDK({
      appUrl: server.appUrl,
      auth: { oauth: { clientId, issuer: `${server.issuer}/` } },
    });
    await expect(sdk.oauth2.discover()).rejects.toMatchObject({ code: 'ISSUER_MISMATCH' });
    await expect(
      sdk.oauth2.buildAuthorizationUrl({ redirectUri: 'https://yourapp.example.com/callback' }),
    ).rejects.toMatchObject({
      code: 'ISSUER_MISMATCH',
    });
  });

  it('tells a caller without auth.oauth.clientId how to configure one', async () => {
    const sdk = new GatehouseSDK({ appUrl: server.appUrl });
    await expect(
      sdk.oauth2.buildAuthorizationUrl({ redirectUri: 'https://yourapp.example.com/callback' }),
    ).rejects.toThrow(/auth\.oauth\.clientId/);
    expect((await sdk.oauth2.discover()).issuer).toBe(server.issuer);
  });
});
