import { forbidden } from '../../lib/errors.js';
import type { AuthConfigService } from '../auth-config/service.js';
import { emailNotVerified } from '../identity/email.js';
import type { UserRow } from '../identity/user-store.js';

/**
 * A correct password is not enough for a disabled account, or an unverified one when verification is
 * required. One rule for every password sign-in: /api/signin and the OAuth login page.
 */
export async function assertMaySignIn(authConfig: AuthConfigService, user: UserRow): Promise<void> {
  if (user.disabled_at !== null)
    throw forbidden('This account is disabled; contact an administrator', 'ACCOUNT_DISABLED');
  const { emailVerification } = await authConfig.get();
  if (emailVerification === 'required' && user.email_verified_at === null) throw emailNotVerified();
}
