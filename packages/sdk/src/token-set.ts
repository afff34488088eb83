import { decodeJsonSegment } from './base64url.js';
import type { TokenSet } from './token-store.js';

/** What token-issuing endpoints answer inside `payload` (sign-in with `authType:'oauth'`, refresh, activate). */
export interface TokenGrant {
  token: string;
  refreshToken: string;
  /** Access-token lifetime in seconds. */
  expiresIn?: number;
  tokenType?: 'Bearer';
}

/** Used when neither `expiresIn` nor a JWT `exp` tells us the expiry; only a 401 then triggers a refresh. */
export const UNKNOWN_EXPIRY = Number.MAX_SAFE_INTEGER;

/** Turns a grant into the stored shape, anchoring the relative `expiresIn` to the local clock now. */
export function tokenSetFromGrant(grant: TokenGrant, now = Date.now()): TokenSet {
  const expiresAt =
    typeof grant.expiresIn === 'number' && Number.isFinite(grant.expiresIn)
      ? now + grant.expiresIn * 1000
      : jwtExpiry(grant.token);
  return {
    accessToken: grant.token,
    refreshToken: grant.refreshToken,
    expiresAt,
    issuedAt: now,
    tokenType: 'Bearer',
  };
}

/** True when `payload` carries a new access + refresh pair. */
export function isTokenGrant(payload: unknown): payload is TokenGrant {
  if (typeof payload !== 'object' || payload === null) return false;
  const candidate = payload as Partial<TokenGrant>;
  return typeof candidate.token === 'string' && typeof candidate.refreshToken === 'string';
}

/**
 * Reads `exp` (RFC 7519 §4.1.4) from an access token without verifying it: the SDK only uses it to
 * schedule a refresh, the server still verifies the signature. Opaque tokens give {@link UNKNOWN_EXPIRY}.
 */
export function jwtExpiry(token: string): number {
  const payload = token.split('.')[1];
  if (!payload) return UNKNOWN_EXPIRY;
  try {
    const exp = (decodeJsonSegment(payload) as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' ? exp * 1000 : UNKNOWN_EXPIRY;
  } catch {
    return UNKNOWN_EXPIRY;
  }
}

/** Below this an expiry can only be seconds: as epoch milliseconds it would lie before 3 March 1973. */
const SECONDS_BELOW = 1e11;

/** Epoch milliseconds from an expiry in seconds (seed 003's unit) or milliseconds (the SDK's). */
export function expiryInMilliseconds(expiresAt: number): number {
  return expiresAt > 0 && expiresAt < SECONDS_BELOW ? expiresAt * 1000 : expiresAt;
}

/** A token set in the SDK's units, checked at the door so a malformed one fails where it was given. */
export function normalizeTokenSet(tokens: TokenSet): TokenSet {
  if (typeof tokens?.accessToken !== 'string' || typeof tokens.expiresAt !== 'number') {
    throw new TypeError('A token set needs `accessToken` (string) and `expiresAt` (epoch seconds or ms)');
  }
  const normalized = { ...tokens, expiresAt: expiryInMilliseconds(tokens.expiresAt) };
  if (tokens.issuedAt !== undefined) normalized.issuedAt = expiryInMilliseconds(tokens.issuedAt);
  return normalized;
}
