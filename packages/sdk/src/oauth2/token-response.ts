import { GatehouseError, isRecord } from '../errors.js';
import { jwtExpiry } from '../token-set.js';
import type { TokenSet } from '../token-store.js';

/**
 * The token set in a token endpoint's answer (RFC 6749 §5.1). On a refresh (`previous` given), a server
 * that issues no new refresh token keeps the old one valid (§6), and an omitted `scope` means the same
 * scope as before (§5.1).
 */
export function tokenSetFromResponse(body: unknown, previous?: TokenSet, now = Date.now()): TokenSet {
  if (!isRecord(body) || typeof body['access_token'] !== 'string' || !body['access_token']) {
    throw invalidTokenResponse('has no access_token', body);
  }
  // RFC 6750 bearer tokens only: a DPoP-bound token (RFC 9449) sent as a bearer would be refused anyway.
  if (typeof body['token_type'] !== 'string' || body['token_type'].toLowerCase() !== 'bearer') {
    throw invalidTokenResponse(`has token_type ${String(body['token_type'])}, not Bearer`, body);
  }
  const accessToken = body['access_token'];
  const expiresIn = Number(body['expires_in']);
  const tokens: TokenSet = {
    accessToken,
    expiresAt:
      body['expires_in'] !== undefined && Number.isFinite(expiresIn)
        ? now + expiresIn * 1000
        : jwtExpiry(accessToken),
    issuedAt: now,
    tokenType: 'Bearer',
  };
  const refreshToken = stringMember(body, 'refresh_token') ?? previous?.refreshToken;
  if (refreshToken) tokens.refreshToken = refreshToken;
  const idToken = stringMember(body, 'id_token') ?? previous?.idToken;
  if (idToken) tokens.idToken = idToken;
  const scope = stringMember(body, 'scope') ?? previous?.scope;
  if (scope) tokens.scope = scope;
  return tokens;
}

function stringMember(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value ? value : undefined;
}

/** The body is kept out of `details`: it may hold a working token. */
function invalidTokenResponse(problem: string, body: unknown): GatehouseError {
  return new GatehouseError({
    status: 200,
    code: 'INVALID_RESPONSE',
    message: `The token response ${problem}`,
    details: isRecord(body) ? { members: Object.keys(body) } : undefined,
  });
}
