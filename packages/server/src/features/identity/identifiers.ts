/**
 * E-mails and usernames share ONE namespace of sign-in identifiers (table `login_identifiers`): whatever
 * is typed at sign-in is turned into its key the same way and finds at most one account. A key is the
 * NFKC form, lower-cased: `Ada`, `ADA` and full-width `Ａｄａ` are one identifier, so no two accounts can
 * differ only by case or width, while characters of other scripts that merely look alike stay distinct.
 */
export function identifierKey(raw: string): string {
  return raw.trim().normalize('NFKC').toLowerCase().normalize('NFKC');
}

/**
 * Characters no identifier may hold: controls (NUL included), format characters (zero-width spaces and
 * joiners, bidi overrides), default-ignorable code points (Hangul fillers…), private-use, unassigned and
 * lone surrogates. Each would make two identifiers look the same on screen but differ in the database.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;

export function hasInvisibleCharacters(text: string): boolean {
  return INVISIBLE.test(text);
}

/** A username as shown: NFKC and trimmed, its case kept (`Ada`); it is looked up by its key. */
export function normaliseUsername(raw: string): string {
  return raw.normalize('NFKC').trim();
}

/**
 * Why a username (normalised) is refused, or null. It must not be blank, hold whitespace or invisible
 * characters, and may look like an e-mail address only when it is the account's own: otherwise anyone
 * could take an address as a username, block its owner's sign-up, or be signed in in the owner's place.
 */
export function usernameProblem(username: string, ownEmail: string): string | null {
  if (username === '') return 'must not be blank';
  if (hasInvisibleCharacters(username)) return 'contains invisible or control characters';
  if (/[\s\p{Z}]/u.test(username)) return 'must not contain spaces';
  if (username.includes('@') && identifierKey(username) !== identifierKey(ownEmail))
    return 'may only be an email address if it is your own';
  return null;
}
