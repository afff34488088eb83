import * as client from 'openid-client';
import { REDIRECT_URI } from './oauth.js';

/**
 * openid-client's configuration of a registered client, discovered from the test server (plain HTTP, which
 * openid-client allows only when told). With `metadata`, the secret goes in `auth`.
 */
export function discoverClient(
  server: { url: string },
  clientId: string,
  clientSecret: string | undefined,
  options: { metadata?: Partial<client.ClientMetadata>; auth?: client.ClientAuth } = {},
): Promise<client.Configuration> {
  return client.discovery(new URL(server.url), clientId, options.metadata ?? clientSecret, options.auth, {
    execute: [client.allowInsecureRequests],
  });
}

export type Tokens = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

export interface RelyingPartyRequest {
  /** The authorization URL to send the browser to. */
  url: URL;
  /** The code exchange for the callback the browser came back to. */
  exchange(callback: URL): Promise<Tokens>;
}

/**
 * An authorization request as a relying party makes one: PKCE (S256), a fresh state and nonce, to
 * REDIRECT_URI. `exchange` swaps the code of the callback and checks all three and the ID token.
 */
export async function authorizationRequest(
  config: client.Configuration,
  scope: string,
): Promise<RelyingPartyRequest> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const exchange = (callback: URL) =>
    client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
  return { url, exchange };
}
