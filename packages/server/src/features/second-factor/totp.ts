import { Secret, TOTP } from 'otpauth';

/** RFC 6238 defaults that every authenticator app understands: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;
/** Codes one step either side are accepted: clocks drift and people type slowly (RFC 6238 §5.2). */
const WINDOW = 1;

function totp(secretBase32: string, label = '', issuer = ''): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new shared secret: 160 bits (RFC 4226 §4 recommends at least that), base32 as apps expect. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/…` URI an authenticator app scans as a QR code (Key Uri Format). */
export function totpUri(secretBase32: string, account: string, issuer: string): string {
  return totp(secretBase32, account, issuer).toString();
}

/**
 * The time step a code is valid for at `now`, or null. The caller records the step atomically so that
 * no code of that step, or of an earlier one, is ever accepted again (RFC 6238 §5.2: a verifier must not
 * accept the second attempt of an OTP after the first was validated).
 */
export function matchTotp(secretBase32: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secretBase32).validate({ token: code, timestamp: now, window: WINDOW });
  if (delta === null) return null;
  return Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
}

/** The current code (tests and the docs' examples compute codes the way an authenticator app does). */
export function currentTotp(secretBase32: string, now: number): string {
  return totp(secretBase32).generate({ timestamp: now });
}
