import type { GatehouseSDK, OAuthTokenSet } from '../../../src/index.js';
import type { AuthorizationServer } from './authorization-server.js';

/**
 * The whole authorization-code dance for an SDK configured with one of the server's clients: build the
 * URL, log in and consent over HTTP, parse the callback, exchange the code. Resolves to the stored set.
 */
export async function signInWithCode(
  server: AuthorizationServer,
  sdk: GatehouseSDK,
  redirectUri: string,
  options: { scope?: string; resource?: string } = {},
): Promise<OAuthTokenSet> {
  const request = await sdk.oauth2.buildAuthorizationUrl({ redirectUri, ...options });
  const callback = sdk.oauth2.parseAuthorizationCallback(await server.login(request.url), {
    expectedState: request.state,
  });
  if (callback.isError || !callback.code) throw new Error(`Login failed: ${callback.error}`);
  return sdk.oauth2.exchangeAuthorizationCode({ code: callback.code, redirectUri });
}

/** The claims of a JWT access token, unverified: tests read what the server put in. */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}
