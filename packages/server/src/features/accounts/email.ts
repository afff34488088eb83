/**
 * Normalises an email for storage and lookup: trimmed, NFC, lower-cased. NFC (not NFKC) keeps look-alike
 * characters distinct, so a homoglyph address can never resolve to someone else's account.
 */
export function normaliseEmail(raw: string): string {
  return raw.trim().normalize('NFC').toLowerCase();
}

/** A deliberately loose check (RFC 5322 is not worth enforcing): one @, something either side, a dot after it. */
export function looksLikeEmail(email: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || /^[^\s@]+@localhost$/.test(email);
}
