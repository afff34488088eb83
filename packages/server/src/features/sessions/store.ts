import { type Kysely, PostgresAdapter, type Selectable, sql } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { Database, SessionTable } from '../../storage/schema.js';

export type SessionRow = Selectable<SessionTable>;

/** SQL for cookie sessions. */
export class SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts the session, then evicts the user's oldest beyond `cap` (issue 17: one account with 50,000
   * sessions slowed every other user). Returns the evicted ids. Two statements, each committed on its own:
   * the insert is committed before its eviction starts, so the eviction that starts last sees every insert
   * and leaves exactly the `cap` newest; an earlier one sees fewer rows and can only delete rows that are
   * past the cap among all of them too. Concurrent sign-ins, on any number of instances, end with the cap
   * kept (test/per-user-caps-concurrent.test.ts) without a transaction or a lock: on PostgreSQL two round
   * trips where BEGIN, a per-user lock, the two statements and COMMIT took five. A crash between the two
   * leaves one session too many until the user's next sign-in.
   */
  async insert(row: SessionRow, cap: number): Promise<string[]> {
    await INSERT(this.db, row);
    const { rows: evicted } = await EVICT(this.db, { userId: row.user_id, cap });
    return evicted.map((session) => session.id);
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

/** The statements of every sign-in, compiled once (storage/precompiled.ts). */
const INSERT = precompiled(
  {
    id: 'string',
    token_hash: 'string',
    user_id: 'string',
    workspace_id: 'string | null',
    created_at: 'number',
    last_seen_at: 'number',
    expires_at: 'number',
    idle_ttl_ms: 'number',
    user_agent: 'string | null',
    ip: 'string | null',
    amr: 'string | null',
  },
  (db, row) => db.insertInto('sessions').values(row),
);

/**
 * The user's sessions past the `cap` newest (at most 1,000 at a time), deleted. On PostgreSQL the rows are
 * first locked in the order of (created_at, id), the same order for every eviction: two evictions of one
 * user running at the same moment otherwise lock overlapping rows in the order each scan meets them and
 * deadlock (40P01, a 500 for a sign-in; seen with 30 sign-ins on two instances). A row another eviction
 * deletes while this one waits for it drops out of the result, which is what this one would have done.
 */
const EVICT = precompiled({ userId: 'string', cap: 'number' }, (db, { userId, cap }) =>
  db
    .deleteFrom('sessions')
    .where(
      'id',
      'in',
      db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1_000)
        .offset(cap)
        .$if(db.getExecutor().adapter instanceof PostgresAdapter, (query) => query.forUpdate()),
    )
    .returning('id'),
);
