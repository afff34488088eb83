import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, SessionTable } from '../../storage/schema.js';

export type SessionRow = Selectable<SessionTable>;

/** SQL for cookie sessions. */
export class SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
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
