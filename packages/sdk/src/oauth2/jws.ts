import { base64urlDecode } from '../base64url.js';
import { subtleCrypto } from '../environment.js';

/** The public members of a JWK (RFC 7517 §4, RFC 7518 §6) the SDK reads. */
export interface PublicJwk {
  kty: string;
  kid?: string;
  use?: string;
  alg?: string;
  key_ops?: string[];
  crv?: string;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
}

interface Algorithm {
  kty: 'RSA' | 'EC' | 'OKP';
  crv?: string;
  importParams: RsaHashedImportParams | EcKeyImportParams | { name: 'Ed25519' };
  verifyParams: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
}

const rsa = (name: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS', bits: 256 | 384 | 512): Algorithm => ({
  kty: 'RSA',
  importParams: { name, hash: `SHA-${bits}` },
  // RFC 7518 §3.5: the PSS salt is as long as the hash.
  verifyParams: name === 'RSA-PSS' ? { name, saltLength: bits / 8 } : { name },
});

const ecdsa = (crv: 'P-256' | 'P-384' | 'P-521', hash: 256 | 384 | 512): Algorithm => ({
  kty: 'EC',
  crv,
  importParams: { name: 'ECDSA', namedCurve: crv },
  // JWS carries R || S (RFC 7518 §3.4), the same IEEE P1363 form WebCrypto verifies: no DER step.
  verifyParams: { name: 'ECDSA', hash: `SHA-${hash}` },
});

const ed25519: Algorithm = {
  kty: 'OKP',
  crv: 'Ed25519',
  importParams: { name: 'Ed25519' },
  verifyParams: { name: 'Ed25519' },
};

/**
 * The signature algorithms an ID token may use. `none` and the HMAC family are left out on purpose:
 * an unsigned token proves nothing, and HS256 would make the client secret (or, in the classic
 * algorithm-confusion attack, the server's public key) the verification key (RFC 8725 §2.1, §3.1).
 */
const ALGORITHMS: Record<string, Algorithm> = {
  RS256: rsa('RSASSA-PKCS1-v1_5', 256),
  RS384: rsa('RSASSA-PKCS1-v1_5', 384),
  RS512: rsa('RSASSA-PKCS1-v1_5', 512),
  PS256: rsa('RSA-PSS', 256),
  PS384: rsa('RSA-PSS', 384),
  PS512: rsa('RSA-PSS', 512),
  ES256: ecdsa('P-256', 256),
  ES384: ecdsa('P-384', 384),
  ES512: ecdsa('P-521', 512),
  EdDSA: ed25519,
  // RFC 9864 names the curve in the algorithm; the same key type.
  Ed25519: ed25519,
};

export function isSupportedAlgorithm(alg: string): boolean {
  return Object.hasOwn(ALGORITHMS, alg);
}

/** True when `key` can verify `alg`: its type and curve fit, and its own `alg`, `use` and `key_ops` allow it. */
export function keyFits(key: PublicJwk, alg: string): boolean {
  const algorithm = ALGORITHMS[alg];
  if (!algorithm || key.kty !== algorithm.kty) return false;
  if (algorithm.crv && key.crv !== algorithm.crv) return false;
  if (key.alg !== undefined && key.alg !== alg) return false;
  if (key.use !== undefined && key.use !== 'sig') return false;
  return key.key_ops === undefined || key.key_ops.includes('verify');
}

/** Verifies a JWS signature with WebCrypto. Only public members are imported, whatever else the JWK holds. */
export async function verifySignature(
  alg: string,
  key: PublicJwk,
  signingInput: string,
  signature: string,
): Promise<boolean> {
  const algorithm = ALGORITHMS[alg];
  if (!algorithm || !keyFits(key, alg)) return false;
  const publicMembers: JsonWebKey =
    key.kty === 'RSA'
      ? { kty: key.kty, n: key.n, e: key.e }
      : { kty: key.kty, crv: key.crv, x: key.x, ...(key.kty === 'EC' ? { y: key.y } : {}) };
  // RFC 7518 §3.3: RSA keys of 2048 bits or more (a 256-byte modulus).
  if (key.kty === 'RSA' && base64urlDecode(key.n ?? '').length < 256) return false;
  const subtle = subtleCrypto();
  const cryptoKey = await subtle.importKey('jwk', publicMembers, algorithm.importParams, false, ['verify']);
  return subtle.verify(
    algorithm.verifyParams,
    cryptoKey,
    base64urlDecode(signature),
    new TextEncoder().encode(signingInput),
  );
}
