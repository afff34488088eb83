import type { Kysely } from 'kysely';
import type { InvalidationBus } from '../../storage/invalidation.js';
import type { Database } from '../../storage/schema.js';
import { userTag } from '../identity/principals.js';
import { SessionStore } from '../sessions/store.js';
import { type RevokeReason, TokenStore } from '../tokens/store.js';
import { AccountLinkStore } from './link-store.js';

/** The caller's own sign-in, left alive by "sign out everywhere else" and by a password change. */
export interface SignInToKeep {
  sessionId?: string | undefined;
  familyId?: string | undefined;
}

/**
 * Ends every way a user is signed in, as one step of the caller's transaction: cookie sessions, token
 * families (their refresh tokens with them), sign-ins waiting for a second factor, and pending password
 * resets. API tokens are left alone: they are separate credentials the user manages (docs/accounts.md).
 * After the transaction commits, call `announceSignOut` so every instance drops what it cached.
 */
export async function endEverySignIn(
  trx: Kysely<Database>,
  userId: string,
  now: number,
  reason: RevokeReason,
  keep: SignInToKeep = {},
): Promise<string[]> {
  await new SessionStore(trx).deleteAllForUser(userId, keep.sessionId);
  const families = await new TokenStore(trx).revokeUserFamilies(userId, now, reason, keep.familyId);
  await trx.deleteFrom('sign_in_challenges').where('user_id', '=', userId).execute();
  await new AccountLinkStore(trx).deletePending(userId, ['password_reset']);
  return families;
}

/** Tells every instance that the user's cached sessions, families and principal are stale. */
export async function announceSignOut(bus: InvalidationBus, userId: string): Promise<void> {
  // Sessions, token families, API tokens and principals are all cached under the user's tag.
  await bus.publish(userTag(userId));
}
