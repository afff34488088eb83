import type { GatehouseClient } from './client.js';
import { GatehouseError } from './errors.js';
import { isTokenGrant, tokenSetFromGrant } from './token-set.js';
import type { TokenSet } from './token-store.js';
import type { SessionSignin, TokenSignin } from './types.js';

/** The token set in a sign-in or refresh answer, or INVALID_RESPONSE when its `payload` has no pair. */
export function tokenSetFromSignin(response: TokenSignin): TokenSet {
  if (!isTokenGrant(response?.payload)) {
    throw new GatehouseError({
      status: 200,
      code: 'INVALID_RESPONSE',
      message: 'The server answered without an access + refresh token pair',
      details: response,
    });
  }
  return tokenSetFromGrant(response.payload);
}

/** Stores the pair a token sign-in (or refresh with a given token) answered and switches to token mode. */
export async function adoptTokenSignin(client: GatehouseClient, response: TokenSignin): Promise<TokenSignin> {
  await client.vault.set(tokenSetFromSignin(response));
  client.mode = 'oauth';
  return response;
}

/**
 * Switches to cookie mode after a cookie sign-in (the cookie itself was captured by the transport).
 * A caller that passed `authType: 'oauth'` to `signup` gets a token pair instead, which is kept as one.
 */
export async function adoptSessionSignin<T extends SessionSignin>(
  client: GatehouseClient,
  response: T,
): Promise<T> {
  if (isTokenGrant(response?.payload)) {
    await adoptTokenSignin(client, response as unknown as TokenSignin);
    return response;
  }
  client.mode = 'session';
  return response;
}
