import type { Kysely, Selectable } from 'kysely';
import type { AccountLinkPurpose, AccountLinkTable, Database } from '../../storage/schema.js';

export type AccountLinkRow = Selectable<AccountLinkTable>;

/** SQL for one-time account links. Using a link is one conditional UPDATE: of any concurrent uses, one wins. */
export class AccountLinkStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: AccountLinkRow): Promise<void> {
    await this.db.insertInto('account_links').values(row).execute();
  }

  /**
   * Uses a link: sets `consumed_at` only while it is unused, unexpired and of an accepted purpose, in ONE
   * statement. On PostgreSQL a concurrent second use waits on the row lock, then finds `consumed_at` set
   * and matches nothing; SQLite serialises writers. Undefined means "not usable", whatever the reason, so
   * an expired, used, superseded or unknown link all look the same to the caller.
   */
  consume(
    tokenHash: string,
    purposes: readonly AccountLinkPurpose[],
    now: number,
  ): Promise<AccountLinkRow | undefined> {
    return this.db
      .updateTable('account_links')
      .set({ consumed_at: now })
      .where('token_hash', '=', tokenHash)
      .where('purpose', 'in', purposes)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }

  /** A usable link, without using it (the account pages check a link before showing their form). */
  findUsable(
    tokenHash: string,
    purposes: readonly AccountLinkPurpose[],
    now: number,
  ): Promise<AccountLinkRow | undefined> {
    return this.db
      .selectFrom('account_links')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('purpose', 'in', purposes)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  /** Drops the user's pending links of these purposes: a newer link, or a password change, supersedes them. */
  async deletePending(userId: string, purposes: readonly AccountLinkPurpose[]): Promise<void> {
    await this.db
      .deleteFrom('account_links')
      .where('user_id', '=', userId)
      .where('purpose', 'in', purposes)
      .where('consumed_at', 'is', null)
      .execute();
  }
}
