import { AppError, badRequest } from '../../lib/errors.js';
import { hasInvisibleCharacters, identifierKey } from './identifiers.js';

/**
 * Normalises an email for storage and lookup: its sign-in identifier key (identifiers.ts: trimmed, NFKC,
 * lower-cased), so an address and a username can never be two spellings of one identifier.
 */
export function normaliseEmail(raw: string): string {
  return identifierKey(raw);
}

/**
 * A deliberately loose check (RFC 5322 is not worth enforcing): one @, something either side, a dot after
 * it, and nothing invisible.
 */
export function looksLikeEmail(email: string): boolean {
  if (hasInvisibleCharacters(email)) return false;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(email) || /^[^\s@]+@localhost$/u.test(email);
}

/** The normalised address, or a 400 naming `field` when it is not one. */
export function requireEmail(raw: string, field = 'email'): string {
  const email = normaliseEmail(raw);
  if (!looksLikeEmail(email))
    throw badRequest('Invalid email address', { [field]: 'is not a valid email address' });
  return email;
}

export const emailNotVerified = () =>
  new AppError(
    403,
    'EMAIL_NOT_VERIFIED',
    'Confirm your e-mail address first: use the link we sent (ask for another with POST /api/email/verify/resend)',
  );
