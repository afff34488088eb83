import { createHmac } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import {
  claimsOf,
  isInvalidTokenResponse,
  me,
  signInWithTokens,
  type TokenPair,
} from './support/token-session.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Builds a compact JWS by hand, for algorithms jose refuses to produce (`none`, HMAC with a public key). */
function handMade(header: Record<string, unknown>, payload: JWTPayload, sign: (input: string) => string) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(input)}`;
}

describe.each(testDatabases)('forged access tokens on %s', (database) => {
  let server: TestServer;
  let pair: TokenPair;
  let kid: string;
  let claims: JWTPayload;
  let attacker: CryptoKey;
  let attackerJwk: Record<string, unknown>;

  /** Signs with the server's own active key, so only the claim under test is wrong. */
  async function signedByServer(payload: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const key = await server.app.gatehouse.signingKeys.signingKey('EdDSA');
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt', ...header })
      .sign(key.privateKey);
  }

  beforeAll(async () => {
    server = await startTestServer({ database });
    const user = await server.createUser();
    pair = await signInWithTokens(server.url, user.email, user.password);
    const decoded = claimsOf(pair.token);
    kid = decoded.header.kid!;
    claims = decoded.claims;
    const keys = await generateKeyPair('EdDSA', { extractable: true });
    attacker = keys.privateKey;
    attackerJwk = { ...(await exportJWK(keys.publicKey)) };
  });
  afterAll(() => server.close());

  it('accepts a token the test signs with the server key and correct claims (control)', async () => {
    expect((await me(server.url, await signedByServer(claims))).status).toBe(200);
  });

  const cases: Array<[string, () => Promise<string> | string]> = [
    ['garbage', () => 'not-a-jwt'],
    ['a refresh token presented as an access token', () => pair.refreshToken],
    ['an empty bearer', () => ''],
    [
      'a token with a tampered payload',
      () => {
        const [h, , s] = pair.token.split('.');
        return `${h}.${b64({ ...claims, roles: ['admin', 'user'] })}.${s}`;
      },
    ],
    ['alg none', () => handMade({ alg: 'none', typ: 'at+jwt', kid }, claims, () => '')],
    [
      'HS256 signed with the public JWK as the secret',
      async () => {
        const jwks = await request<{ keys: Array<Record<string, string>> }>(server.url, '/oauth2/jwks');
        const publicJwk = jwks.body.keys.find((k) => k['kid'] === kid)!;
        return handMade({ alg: 'HS256', typ: 'at+jwt', kid }, claims, (input) =>
          createHmac('sha256', JSON.stringify(publicJwk)).update(input).digest('base64url'),
        );
      },
    ],
    [
      'HS256 signed with the raw public key bytes as the secret',
      async () => {
        const jwks = await request<{ keys: Array<Record<string, string>> }>(server.url, '/oauth2/jwks');
        const x = Buffer.from(jwks.body.keys.find((k) => k['kid'] === kid)!['x']!, 'base64url');
        return handMade({ alg: 'HS256', typ: 'at+jwt', kid }, claims, (input) =>
          createHmac('sha256', x).update(input).digest('base64url'),
        );
      },
    ],
    [
      'an unknown kid',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'unknown-kid' })
          .sign(attacker),
    ],
    ['no kid', () => new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' }).sign(attacker)],
    [
      'the real kid but a foreign signing key',
      () => new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(attacker),
    ],
    [
      'an embedded jwk header',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid, jwk: attackerJwk })
          .sign(attacker),
    ],
    [
      'a jku header',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid, jku: 'https://attacker.example/jwks' })
          .sign(attacker),
    ],
    [
      'an x5u header',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid, x5u: 'https://attacker.example/cert' })
          .sign(attacker),
    ],
    [
      'a jku header even on a token the server key signed',
      () => signedByServer(claims, { jku: 'https://attacker.example/jwks' }),
    ],
    ['a wrong issuer', () => signedByServer({ ...claims, iss: 'https://evil.example' })],
    ['a wrong audience', () => signedByServer({ ...claims, aud: 'https://other-api.example' })],
    [
      'an expired token',
      () => signedByServer({ ...claims, iat: claims.iat! - 3600, exp: claims.iat! - 1800 }),
    ],
    ['an ID token (typ JWT) presented as an access token', () => signedByServer(claims, { typ: 'JWT' })],
    [
      'a token without the family claim',
      () => {
        const { fid: _fid, ...rest } = claims;
        return signedByServer(rest);
      },
    ],
    ['a token for a family that does not exist', () => signedByServer({ ...claims, fid: 'no-such-family' })],
    [
      'a token whose subject is not the family owner',
      () => signedByServer({ ...claims, sub: 'someone-else' }),
    ],
  ];

  it.each(cases)('refuses %s with 401 invalid_token', async (_name, forge) => {
    const res = await me(server.url, await forge());
    expect(res.status).toBe(401);
    expect(isInvalidTokenResponse(res)).toBe(true);
    expect(res.body).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('treats another Authorization scheme as no credential, not as a bad bearer token', async () => {
    const res = await request(server.url, '/api/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBeNull();
  });
});
