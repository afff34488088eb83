import { base64urlEncode, decodeJsonSegment } from '../base64url.js';
import { subtleCrypto } from '../environment.js';
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
  /** The request's `max_age` in seconds; when given, `auth_time` must be present and no older. */
  maxAge?: number | undefined;
  /** The access token issued with the ID token; when given, an `at_hash` claim must be its hash. */
  accessToken?: string | undefined;
  toleranceSeconds: number;
}

/**
 * Validates an ID token as OpenID Connect Core §3.1.3.7 asks: the signature with a key from the server's
 * JWKS (WebCrypto, asymmetric algorithms only), then `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`,
 * `auth_time` against `max_age`, and `at_hash` against the access token it came with (§3.1.3.8). Claims
 * are read only after the signature verified.
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
  const claims = checkClaims(readSegment(claimsSegment, 'claims'), expected);
  // §3.1.3.8: optional in the code flow, but when present it must bind this access token to the ID token
  // (a token endpoint response whose access token was swapped fails here).
  if (expected.accessToken !== undefined && claims['at_hash'] !== undefined) {
    if (claims['at_hash'] !== (await tokenHash(alg, expected.accessToken))) {
      throw rejected('its at_hash does not match the access token');
    }
  }
  return claims;
}

/**
 * OpenID Connect Core §3.1.3.6: base64url of the left half of the access token's hash, with the hash of
 * the JWS algorithm; Ed25519 (EdDSA) hashes with SHA-512, as OpenID's registry and certified providers do.
 */
async function tokenHash(alg: string, token: string): Promise<string> {
  const bits = alg.startsWith('Ed') ? '512' : alg.slice(2);
  const digest = new Uint8Array(await subtleCrypto().digest(`SHA-${bits}`, new TextEncoder().encode(token)));
  return base64urlEncode(digest.subarray(0, digest.length / 2));
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
  // §3.1.3.7 (13): a request with max_age needs auth_time, and a sign-in no older than max_age.
  if (expected.maxAge !== undefined) {
    const authTime = claims['auth_time'];
    if (typeof authTime !== 'number') throw rejected('it has no auth_time although the request set max_age');
    if (authTime + expected.maxAge + tolerance < now) {
      throw rejected('the sign-in it reports (auth_time) is older than max_age');
    }
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
