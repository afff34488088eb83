import { type Kysely, type Selectable, sql } from 'kysely';
import type { ApiTokenTable, Database } from '../../storage/schema.js';

export type ApiTokenRow = Selectable<ApiTokenTable>;

/** A token as listed: the row plus the name of its workspace. */
export type ApiTokenListing = ApiTokenRow & { workspace_name: string | null };

/** SQL for API tokens. */
export class ApiTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ApiTokenRow): Promise<void> {
    await this.db.insertInto('api_tokens').values(row).execute();
  }

  findByHash(tokenHash: string): Promise<ApiTokenRow | undefined> {
    return this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  findForUser(userId: string, id: string): Promise<ApiTokenRow | undefined> {
    return this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  /**
   * The user's tokens; a rotated token whose overlap ended is gone for good, so it is not listed (the sweep
   * deletes it later).
   */
  listForUser(userId: string, now: number): Promise<ApiTokenListing[]> {
    return this.db
      .selectFrom('api_tokens as t')
      .leftJoin('workspaces as w', 'w.id', 't.workspace_id')
      .selectAll('t')
      .select('w.name as workspace_name')
      .where('t.user_id', '=', userId)
      .where((eb) => eb.or([eb('t.rotation_ends_at', 'is', null), eb('t.rotation_ends_at', '>', now)]))
      .orderBy('t.created_at', 'desc')
      .orderBy('t.id', 'desc')
      .execute();
  }

  /**
   * Tokens that still authenticate (expired ones are kept for the listing but do not count; a token being
   * rotated out counts until its overlap ends).
   */
  async countLive(userId: string, now: number): Promise<number> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where((eb) => eb.or([eb('rotation_ends_at', 'is', null), eb('rotation_ends_at', '>', now)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Marks a token as rotated out, in ONE conditional statement: only a token not yet rotated matches, so
   * of any number of concurrent rotations exactly one claims it (PostgreSQL: the others wait on the row
   * lock, then see `replaced_by` set; SQLite serialises writers). False when not claimed.
   */
  async claimRotation(userId: string, id: string, successorId: string, endsAt: number): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ replaced_by: successorId, rotation_ends_at: endsAt })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('replaced_by', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Undoes a claim that `successorId` made, when its rotation is refused after all (the per-user limit). */
  async releaseRotation(userId: string, id: string, successorId: string): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({ replaced_by: null, rotation_ends_at: null })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('replaced_by', '=', successorId)
      .execute();
  }

  /** Deletes one of the user's tokens; false when it was not theirs or not there. */
  async deleteForUser(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('api_tokens')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Adds a batch of uses. Additive, and `last_used_at` only moves forward, so several instances flushing
   * their own batches in any order converge on the right totals.
   */
  async recordUsage(id: string, uses: number, lastUsedAt: number): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({
        usage_count: sql<number>`usage_count + ${uses}`,
        last_used_at: sql<number>`CASE WHEN last_used_at IS NULL OR last_used_at < ${lastUsedAt} THEN ${lastUsedAt} ELSE last_used_at END`,
      })
      .where('id', '=', id)
      .execute();
  }
}
