import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API token format: `gth_` + 43 base62 characters (256 random bits) + 6 base62 characters of CRC32.
 *
 * - The product prefix lets secret scanners (GitHub push protection, trufflehog, gitleaks) recognise a
 *   leaked Gatehouse token with one regex, `gth_[0-9A-Za-z]{49}`, and lets people tell it from other keys.
 * - Base62 keeps the token one "word": double-click selects all of it, and no URL or shell escaping is needed.
 * - The CRC32 checksum lets a scanner drop false positives offline, and lets the server refuse a mistyped
 *   or truncated token without a database look-up. It is not a secret and proves nothing about validity.
 */
export const TOKEN_PREFIX = 'gth_';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** ceil(256 / log2(62)) = 43 characters hold any 256-bit value. */
const SECRET_LENGTH = 43;
/** ceil(32 / log2(62)) = 6 characters hold any CRC32. */
const CHECKSUM_LENGTH = 6;
const SHAPE = new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}$`);

/** Characters of the token shown in listings (`tokenPrefix`): the product prefix and 4 random characters. */
export const DISPLAYED_PREFIX_LENGTH = 8;

function base62(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  while (rest > 0n) {
    out = ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out.padStart(length, '0');
}

/** The CRC32 of the body in base62; Number arithmetic (a CRC32 fits in 32 bits), no BigInt per check. */
function checksum(body: string): string {
  let out = '';
  let rest = crc32(body);
  for (let i = 0; i < CHECKSUM_LENGTH; i += 1) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** A fresh token: 256 bits from the CSPRNG (SECURITY.md), prefixed and checksummed. */
export function generateApiToken(): string {
  const secret = base62(BigInt(`0x${randomBytes(32).toString('hex')}`), SECRET_LENGTH);
  const body = TOKEN_PREFIX + secret;
  return body + checksum(body);
}

/** True when the value has the token's shape (prefix, length, alphabet); the checksum is not looked at. */
export function hasApiTokenShape(value: string): boolean {
  return SHAPE.test(value);
}

/**
 * True when the value has the token's shape and its checksum matches: worth a database look-up. A plain
 * comparison: the checksum is a public function of the rest of the token, so its timing reveals nothing.
 */
export function isWellFormedApiToken(value: string): boolean {
  if (!SHAPE.test(value)) return false;
  return checksum(value.slice(0, -CHECKSUM_LENGTH)) === value.slice(-CHECKSUM_LENGTH);
}

export function displayedPrefix(token: string): string {
  return token.slice(0, DISPLAYED_PREFIX_LENGTH);
}
