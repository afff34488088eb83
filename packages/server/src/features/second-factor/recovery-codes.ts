import { randomInt } from 'node:crypto';
import { sha256 } from '../../lib/crypto.js';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32 without look-alikes (no I, L, O, U): codes are read off paper and typed. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Ten one-time recovery codes of 10 characters (50 bits each) in two groups, e.g. `7KQ2M-XD9TA`. Guessing
 * one online is bounded by the per-account sign-in budget, so 50 bits is far beyond reach.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** What is stored: the SHA-256 of the code as typed, forgiving case, spaces and dashes. */
export function hashRecoveryCode(code: string): string {
  return sha256(code.toUpperCase().replace(/[\s-]/g, ''));
}
