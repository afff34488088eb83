import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseSDK } from '../src/index.js';
import { startGatehouse } from './support/authorization-servers/gatehouse.js';
import type { AuthorizationServer } from './support/authorization-servers/index.js';
import { signInWithCode } from './support/authorization-servers/sign-in.js';

/*
 * at_hash (OpenID Connect Core §3.1.3.8): against Gatehouse, whose ID tokens always carry it, signed with
 * each algorithm a client can be registered for (the hash follows the algorithm: SHA-512 for EdDSA).
 */
let server: AuthorizationServer;
beforeAll(async () => {
  server = await startGatehouse();
});
afterAll(() => server.close());

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
const refusedBecause = (reason: RegExp) => ({
  code: 'ID_TOKEN_INVALID',
  message: expect.stringMatching(reason),
});

describe('at_hash', () => {
  it.each([
    'RS256',
    'ES256',
    'EdDSA',
  ] as const)('checks at_hash with the hash of %s against the access token it came with', async (alg) => {
    const { clientId, clientSecret, redirectUri } = await server.registerClient!({
      idTokenSignedResponseAlg: alg,
    });
    const sdk = new GatehouseSDK({
      appUrl: server.appUrl,
      auth: { oauth: { clientId, clientSecret, scope: server.scope } },
    });
    const tokens = await signInWithCode(server, sdk, redirectUri);
    // The server sent one, and the exchange above already checked it.
    expect(claimsOf(tokens.idToken!)['at_hash']).toEqual(expect.any(String));
    expect(
      await sdk.oauth2.validateIdToken(tokens.idToken!, { accessToken: tokens.accessToken }),
    ).toMatchObject({ sub: server.subject });
    await expect(
      sdk.oauth2.validateIdToken(tokens.idToken!, { accessToken: `${tokens.accessToken}x` }),
    ).rejects.toMatchObject(refusedBecause(/at_hash/));
    // A refresh brings a new pair; its ID token's at_hash is checked against the new access token.
    const refreshed = await sdk.oauth2.refreshToken();
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
  });

  it('refuses a token response whose access token is not the one the ID token was issued with', async () => {
    const { clientId, clientSecret, redirectUri } = server.clients.confidential;
    let tokenPath = '';
    const swapping: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname !== tokenPath) return response;
      const body = (await response.json()) as Record<string, unknown>;
      return new Response(JSON.stringify({ ...body, access_token: `${String(body['access_token'])}x` }), {
        status: response.status,
        headers: { 'content-type': 'application/json' },
      });
    };
    const sdk = new GatehouseSDK({
      appUrl: server.appUrl,
      fetch: swapping,
      auth: { oauth: { clientId, clientSecret, scope: server.scope } },
    });
    tokenPath = new URL((await sdk.oauth2.discover()).token_endpoint!).pathname;
    await expect(signInWithCode(server, sdk, redirectUri)).rejects.toMatchObject(refusedBecause(/at_hash/));
    expect(await sdk.auth.getTokenSet()).toBeNull();
  });
});
