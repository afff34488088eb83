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
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' ? exp * 1000 : UNKNOWN_EXPIRY;
  } catch {
    return UNKNOWN_EXPIRY;
  }
}
