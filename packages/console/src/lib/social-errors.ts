/**
 * The `?error=` a social sign-in or link comes back with (docs/social-login.md, "Errors"), in words. These
 * arrive in the address, not as an API answer, so there is no server sentence to show.
 */
const REASONS: Record<string, string> = {
  access_denied: 'The sign-in was cancelled at the provider.',
  provider_error: 'The provider could not complete the sign-in. Try again later.',
  disabled: 'Sign-in with this provider is not enabled.',
  SOCIAL_IDENTITY_IN_USE: 'That account at the provider is already linked to another account on this server.',
  SOCIAL_EMAIL_UNVERIFIED:
    'The provider did not confirm your e-mail address, so it cannot be used to sign in here.',
  SOCIAL_ACCOUNT_UNVERIFIED:
    'An account with this address exists but its address was never confirmed: sign in with its password and link the provider from your profile.',
  SOCIAL_SIGNUP_CLOSED: 'There is no account for you here, and new accounts are created by an administrator.',
  REAUTHENTICATION_REQUIRED: 'Linking needs a recent sign-in: confirm your password and try again.',
  SOCIAL_STATE_MISMATCH:
    'This sign-in was not started from this page, or it was already used. Start again from the sign-in page.',
  SOCIAL_CODE_MISSING: 'The sign-in with the provider did not complete. Try again.',
};

/** The words for a code a social sign-in can come back with; undefined for any other code. */
export function socialReason(code: string): string | undefined {
  return Object.hasOwn(REASONS, code) ? REASONS[code] : undefined;
}

export function socialError(code: string): string {
  return socialReason(code) ?? `The sign-in with the provider did not complete (${code}).`;
}
