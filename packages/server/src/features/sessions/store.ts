import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, SessionTable } from '../../storage/schema.js';
import { lockUserState } from '../../storage/user-lock.js';

export type SessionRow = Selectable<SessionTable>;

/** SQL for cookie sessions. */
export class SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts the session and evicts the user's oldest beyond `cap`, in one transaction (issue 17: one account
   * with 50,000 sessions slowed every other user). Returns the evicted ids.
   */
  insert(row: SessionRow, cap: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      // One user's concurrent sign-ins take turns, so each sees the others' sessions when it evicts.
      await lockUserState(trx, row.user_id);
      await trx.insertInto('sessions').values(row).execute();
      const evicted = await trx
        .deleteFrom('sessions')
        .where(
          'id',
          'in',
          trx
            .selectFrom('sessions')
            .select('id')
            .where('user_id', '=', row.user_id)
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            .limit(1_000)
            .offset(cap),
        )
        .returning('id')
        .execute();
      return evicted.map((session) => session.id);
    });
  }

  findByTokenHash(tokenHash: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /** The user's live sessions: before their absolute end and not idle for their whole idle TTL. */
  listForUser(userId: string, now: number): Promise<SessionRow[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .where(sql<number>`last_seen_at + idle_ttl_ms`, '>', now)
      .orderBy('last_seen_at', 'desc')
      .execute();
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }

  async setWorkspace(id: string, workspaceId: string | null): Promise<void> {
    await this.db.updateTable('sessions').set({ workspace_id: workspaceId }).where('id', '=', id).execute();
  }

  /** Deletes one of the user's sessions; returns false when it was not theirs or not there. */
  async deleteForUser(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteById(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteAllForUser(userId: string, exceptId?: string): Promise<void> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId) query = query.where('id', '!=', exceptId);
    await query.execute();
  }
}
