import { createPrivateKey, type JsonWebKey, type KeyObject, sign } from 'node:crypto';
import type { JWK } from 'jose';
import type { SigningAlgorithm } from './key-material.js';

/**
 * JWS compact serialisation (RFC 7515 §7.1), signed synchronously with node:crypto. jose's `SignJWT` signs
 * through WebCrypto, which is asynchronous (a promise and a thread-pool hop per signature) and re-validates
 * the key every time; the benchmark measured it at a fifth of a refresh rotation's CPU. What is left to
 * write is three base64url parts joined by dots: the signature itself is the standard library's, with the
 * algorithms' standard parameters (Ed25519 for EdDSA, PKCS#1 v1.5 SHA-256 for RS256, P-256 SHA-256 with the
 * JOSE `r || s` encoding for ES256, RFC 7518 §3.4). Verification stays with jose (`jwtVerify`).
 */
export function signCompact(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  alg: SigningAlgorithm,
  key: KeyObject,
): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const data = Buffer.from(input);
  const signature =
    alg === 'EdDSA'
      ? sign(null, data, key)
      : alg === 'ES256'
        ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
        : sign('sha256', data, key);
  return `${input}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

/** A private JWK as a node:crypto key, imported once per key (not once per signature). */
export function privateKeyObject(jwk: JWK): KeyObject {
  const key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  if (key.type !== 'private') throw new Error('signing keys must be asymmetric private keys');
  return key;
}
