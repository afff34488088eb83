import type { Kysely, Selectable } from 'kysely';
import type { Database, SocialIdentityTable } from '../../storage/schema.js';
import { inTransaction } from '../../storage/transaction.js';

export type IdentityRow = Selectable<SocialIdentityTable>;

/** SQL for identities at social providers linked to accounts. */
export class IdentityStore {
  constructor(private readonly db: Kysely<Database>) {}

  find(provider: string, subject: string): Promise<IdentityRow | undefined> {
    return this.db
      .selectFrom('social_identities')
      .selectAll()
      .where('provider', '=', provider)
      .where('subject', '=', subject)
      .executeTakeFirst();
  }

  listForUser(userId: string): Promise<IdentityRow[]> {
    return this.db
      .selectFrom('social_identities')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('linked_at')
      .execute();
  }

  /** Links the identity; a unique violation means it is already linked (maybe by a concurrent callback). */
  async insert(row: IdentityRow, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('social_identities').values(row).execute();
  }

  async touch(provider: string, subject: string, email: string | null, now: number): Promise<void> {
    await this.db
      .updateTable('social_identities')
      .set({ email, last_used_at: now })
      .where('provider', '=', provider)
      .where('subject', '=', subject)
      .execute();
  }

  /**
   * Unlinks an identity unless it is the account's last way to sign in (no password, no other identity).
   * The user row is written first inside the transaction: that takes its lock (PostgreSQL row lock, SQLite
   * write lock), so two concurrent unlinks of a password-less account's two identities run one after the
   * other and the second sees it would remove the last one.
   */
  remove(
    userId: string,
    provider: string,
    subject: string,
  ): Promise<'removed' | 'not_found' | 'last_sign_in_method'> {
    return inTransaction(this.db, async (trx) => {
      const user = await trx
        .updateTable('users')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', userId)
        .returning(['password_hash'])
        .executeTakeFirst();
      if (!user) return 'not_found';
      const identities = await trx
        .selectFrom('social_identities')
        .select(['provider', 'subject'])
        .where('user_id', '=', userId)
        .execute();
      if (!identities.some((i) => i.provider === provider && i.subject === subject)) return 'not_found';
      if (user.password_hash === null && identities.length === 1) return 'last_sign_in_method';
      await trx
        .deleteFrom('social_identities')
        .where('user_id', '=', userId)
        .where('provider', '=', provider)
        .where('subject', '=', subject)
        .execute();
      return 'removed';
    });
  }
}
