import {
  createPrivateKey,
  type JsonWebKey,
  type KeyObject,
  type SignKeyObjectInput,
  sign,
} from 'node:crypto';
import type { JWK } from 'jose';
import type { SigningAlgorithm } from './key-material.js';

/**
 * JWS compact serialisation (RFC 7515 §7.1), signed with node:crypto. jose's `SignJWT` signs through
 * WebCrypto, which re-validates the key and wraps every signature in promises; the benchmark measured it at a
 * fifth of a refresh rotation's CPU. What is left to write is three base64url parts joined by dots: the
 * signature itself is the standard library's, with the algorithms' standard parameters (Ed25519 for EdDSA,
 * PKCS#1 v1.5 SHA-256 for RS256, P-256 SHA-256 with the JOSE `r || s` encoding for ES256, RFC 7518 §3.4).
 * Verification stays with jose (`jwtVerify`).
 */
export function signCompact(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  alg: SigningAlgorithm,
  key: KeyObject,
): string {
  const input = signingInput(header, payload);
  const signature = sign(digestOf(alg), Buffer.from(input), keyInput(alg, key));
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * The same JWS, with the signature computed on libuv's thread pool instead of the event loop (node:crypto's
 * callback form). An Ed25519 signature is ~40 µs of the token endpoint's ~170 µs on the event loop, and the
 * loop is what bounds that endpoint's rate; off the loop the hand-off costs the loop a few µs. The pool is
 * shared with argon2id hashes (lib/passwords.ts). By default hashes leave one of its threads free
 * (config/hash-concurrency.ts); only a GATEHOUSE_HASH_CONCURRENCY set to UV_THREADPOOL_SIZE (4 by default) or
 * more makes a signature wait up to one hash.
 */
export function signCompactOffLoop(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  alg: SigningAlgorithm,
  key: KeyObject,
): Promise<string> {
  const input = signingInput(header, payload);
  return new Promise((resolve, reject) => {
    sign(digestOf(alg), Buffer.from(input), keyInput(alg, key), (error, signature) => {
      if (error) reject(error);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}

const signingInput = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
  `${encodedHeader(header)}.${base64url(JSON.stringify(payload))}`;

/**
 * A frozen header's encoding, kept: the key ring signs every token of one key and type with the same frozen
 * header object (key-ring.ts), so it is serialised once, not on every refresh rotation. A header that is not
 * frozen could change between two calls and is encoded every time.
 */
const encodedHeaders = new WeakMap<object, string>();
function encodedHeader(header: Record<string, unknown>): string {
  let encoded = encodedHeaders.get(header);
  if (encoded === undefined) {
    encoded = base64url(JSON.stringify(header));
    if (Object.isFrozen(header)) encodedHeaders.set(header, encoded);
  }
  return encoded;
}

/** Ed25519 hashes internally (no digest to name); RS256 and ES256 sign a SHA-256 digest. */
const digestOf = (alg: SigningAlgorithm) => (alg === 'EdDSA' ? null : 'sha256');

/** ES256's signature is JOSE's fixed-width `r || s`, not DER (RFC 7518 §3.4). */
const keyInput = (alg: SigningAlgorithm, key: KeyObject): KeyObject | SignKeyObjectInput =>
  alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

/** A private JWK as a node:crypto key, imported once per key (not once per signature). */
export function privateKeyObject(jwk: JWK): KeyObject {
  const key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  if (key.type !== 'private') throw new Error('signing keys must be asymmetric private keys');
  return key;
}
