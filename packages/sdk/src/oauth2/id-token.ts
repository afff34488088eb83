import { decodeJsonSegment } from '../base64url.js';
import { GatehouseError, isRecord } from '../errors.js';
import type { JwksCache } from './jwks.js';
import { isSupportedAlgorithm, verifySignature } from './jws.js';
import type { IdTokenClaims } from './types.js';

/** What an ID token must match: the configured issuer and client, and the nonce the request carried. */
export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  /** The request's nonce; when given, the token must carry exactly it. */
  nonce?: string | undefined;
  toleranceSeconds: number;
}

/**
 * Validates an ID token as OpenID Connect Core §3.1.3.7 asks: the signature with a key from the server's
 * JWKS (WebCrypto, asymmetric algorithms only), then `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`. Claims are
 * read only after the signature verified.
 */
export async function validateIdToken(
  idToken: string,
  expected: IdTokenExpectations,
  keys: JwksCache,
): Promise<IdTokenClaims> {
  const [headerSegment = '', claimsSegment = '', signature = '', ...rest] = idToken.split('.');
  if (rest.length > 0 || !signature) throw rejected('it is not a signed JWT (JWS compact serialization)');
  const header = readSegment(headerSegment, 'header');
  const alg = header['alg'];
  if (typeof alg !== 'string' || !isSupportedAlgorithm(alg)) {
    throw rejected(`its alg ${String(alg)} is not an accepted asymmetric signature algorithm`);
  }
  // RFC 7515 §4.1.11: an extension the SDK does not understand must not be ignored.
  if (header['crit'] !== undefined) throw rejected('it has a crit header the SDK does not understand');
  const kid = typeof header['kid'] === 'string' ? header['kid'] : undefined;
  const key = await keys.keyFor(alg, kid);
  if (!key) throw rejected(`no single key in the JWKS fits alg ${alg}${kid ? ` and kid ${kid}` : ''}`);
  const verified = await verifySignature(alg, key, `${headerSegment}.${claimsSegment}`, signature).catch(
    () => false,
  );
  if (!verified) throw rejected('its signature does not verify');
  return checkClaims(readSegment(claimsSegment, 'claims'), expected);
}

function checkClaims(claims: Record<string, unknown>, expected: IdTokenExpectations): IdTokenClaims {
  const now = Date.now() / 1000;
  const tolerance = expected.toleranceSeconds;
  if (claims['iss'] !== expected.issuer) throw rejected(`its iss is not ${expected.issuer}`);
  if (typeof claims['sub'] !== 'string' || !claims['sub']) throw rejected('it has no sub');
  const aud = claims['aud'];
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(expected.clientId)) throw rejected(`its aud does not include ${expected.clientId}`);
  // §3.1.3.7 (4, 5): a token for several audiences must say which party it was issued to.
  if (audiences.length > 1 && claims['azp'] === undefined)
    throw rejected('it has several audiences and no azp');
  if (claims['azp'] !== undefined && claims['azp'] !== expected.clientId) {
    throw rejected(`its azp is not ${expected.clientId}`);
  }
  if (typeof claims['exp'] !== 'number' || claims['exp'] + tolerance <= now) throw rejected('it has expired');
  if (typeof claims['iat'] !== 'number' || claims['iat'] - tolerance > now) {
    throw rejected('its iat is missing or in the future');
  }
  // §3.1.2.1: the nonce ties the token to this browser's request, so a token captured elsewhere is useless.
  if (expected.nonce !== undefined && claims['nonce'] !== expected.nonce) {
    throw rejected('its nonce does not match the request');
  }
  return claims as IdTokenClaims;
}

function readSegment(segment: string, part: string): Record<string, unknown> {
  try {
    const value = decodeJsonSegment(segment);
    if (isRecord(value)) return value;
  } catch {
    // Reported below.
  }
  throw rejected(`its ${part} is not base64url JSON`);
}

/** The token itself never goes into the message or details: it is a bearer credential for some relying parties. */
function rejected(reason: string): GatehouseError {
  return new GatehouseError({
    status: 200,
    code: 'ID_TOKEN_INVALID',
    message: `ID token rejected: ${reason}`,
  });
}
