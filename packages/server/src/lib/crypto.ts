import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits from the CSPRNG, base64url: every session id, refresh token, code and state (SECURITY.md). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Secrets are stored only as their SHA-256, so a database leak yields nothing usable. */
export function sha256(value: string): string {
  // One-shot crypto.hash (Node >= 20.12): the same digest as createHash() without a Hash object per call;
  // it runs on every authenticated request (cookie and API-token look-ups).
  return hash('sha256', value, 'base64url');
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Record ids: 24 hex characters, time-ordered like a MongoDB ObjectId, so apps written for the Qelos API
 * (which validate `_id` as an ObjectId) accept them.
 */
export function newId(): string {
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return seconds + randomBytes(8).toString('hex');
}
