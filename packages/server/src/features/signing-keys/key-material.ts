import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/**
 * Algorithms a Gatehouse key can sign with. Access tokens use EdDSA (Ed25519); RS256 exists for ID tokens,
 * which OpenID Connect requires relying parties to accept (OIDC Core §15.1). HMAC is deliberately absent:
 * a shared secret cannot be published in a JWKS, and accepting it invites key-confusion attacks.
 */
export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'RS256';

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'ES256', 'RS256'];

export function isSigningAlgorithm(value: string): value is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly string[]).includes(value);
}

/** A key as the JWKS publishes it: public parameters plus `kid`, `alg` and `use` (RFC 7517 §4), always set. */
export type PublishedJwk = JWK & { kty: string; kid: string; alg: SigningAlgorithm; use: 'sig' };

export interface GeneratedKey {
  kid: string;
  alg: SigningAlgorithm;
  /** What the JWKS publishes. */
  publicJwk: PublishedJwk;
  /** The full private JWK; only ever stored sealed. */
  privateJwk: JWK;
}

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e'] as const;

/** Copies only the public members, so a private parameter (`d`, `p`, `q`, …) can never reach the JWKS. */
export function publicPart(jwk: JWK): JWK {
  const out: JWK = {};
  for (const member of PUBLIC_MEMBERS) if (jwk[member] !== undefined) out[member] = jwk[member];
  return out;
}

/** A fresh key pair; its `kid` is the RFC 7638 thumbprint, so it names the key without any registry. */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<GeneratedKey> {
  const options = alg === 'RS256' ? { modulusLength: 2048, extractable: true } : { extractable: true };
  const { publicKey, privateKey } = await generateKeyPair(alg, options);
  const bare = publicPart(await exportJWK(publicKey));
  if (bare.kty === undefined) throw new Error('an exported public key has no kty');
  const kid = await calculateJwkThumbprint(bare);
  return {
    kid,
    alg,
    publicJwk: { ...bare, kty: bare.kty, kid, alg, use: 'sig' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
  };
}

/** Imports a stored JWK as a CryptoKey for `alg`; refuses anything that is not an asymmetric key. */
export async function importKey(jwk: JWK, alg: SigningAlgorithm): Promise<CryptoKey> {
  const key = await importJWK(jwk, alg);
  if (key instanceof Uint8Array) throw new Error('signing keys must be asymmetric');
  return key;
}
