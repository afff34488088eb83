import { type Kysely, type Selectable, sql } from 'kysely';
import type { ActiveWorkspace } from '../../http/auth-context.js';
import { onPostgres } from '../../storage/on-postgres.js';
import { precompiled } from '../../storage/precompiled.js';
import type { Database, SessionTable } from '../../storage/schema.js';
import type { SqliteWrite } from '../../storage/sqlite-write.js';
import { clearBudget, RESET } from '../accounts/throttle-store.js';
import { CHOSEN, chosenWorkspace, type WorkspaceChoice } from '../identity/membership-store.js';

export type SessionRow = Selectable<SessionTable>;

/** A signed-in user's new session before its workspace is chosen (`SessionStore.start`). */
export type UnplacedSession = Omit<SessionRow, 'workspace_id'>;

/** What `SessionStore.start` did: the session's workspace and the sessions the cap evicted. */
export interface StartedSession {
  workspace: ActiveWorkspace | null;
  evicted: string[];
}

/** SQL for cookie sessions. */
export class SessionStore {
  readonly #postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    /** SQLite: the write section `start` runs in (storage/sqlite-write.ts). */
    private readonly sqliteWrite?: SqliteWrite,
  ) {
    this.#postgres = onPostgres(db);
  }

  /**
   * A sign-in's session: placed in the workspace `choice` picks (identity/membership-store.ts), inserted,
   * and the cap kept as `insert` keeps it; `budget`, when given, is the right password's lockout budget
   * (accounts/throttle.ts), cleared in the same write. Undefined, with no session inserted, when the
   * workspace asked for is not the user's; the budget is cleared all the same.
   * - PostgreSQL: the budget, the workspace and the insert in one statement, then the eviction (which must
   *   start after the insert is committed, see `insert`): two round trips where there were four, each of
   *   which woke a PostgreSQL backend on the cores the hashes need (docs/performance.md).
   * - SQLite: all of it in one write section, one commit where there were three; SQLite runs one writer at
   *   a time, so the eviction sees every committed insert.
   */
  async start(
    row: UnplacedSession,
    choice: WorkspaceChoice,
    budget: string | null,
    cap: number,
  ): Promise<StartedSession | undefined> {
    if (!this.#postgres) return this.#startSqlite(row, choice, budget, cap);
    const { rows } = await POSTGRES_START(this.db, { ...row, ...choice, budget });
    const placed = rows[0]!;
    if (Number(placed.inserted) === 0) return undefined;
    const workspace = placed.id === null ? null : { id: placed.id, name: placed.name!, role: placed.role! };
    const { rows: evicted } = await EVICT(this.db, { userId: row.user_id, cap });
    return { workspace, evicted: evicted.map((session) => session.id) };
  }

  #startSqlite(
    row: UnplacedSession,
    choice: WorkspaceChoice,
    budget: string | null,
    cap: number,
  ): Promise<StartedSession | undefined> {
    if (!this.sqliteWrite) throw new Error('a sign-in session on SQLite starts in the write section');
    return this.sqliteWrite((statements) => {
      if (budget !== null) statements.run(RESET, { key: budget });
      const workspace = statements.all(CHOSEN, { userId: row.user_id, ...choice })[0] ?? null;
      if (choice.requested !== null && !workspace) return undefined;
      statements.run(INSERT, { ...row, workspace_id: workspace?.id ?? null });
      const evicted = statements.all(EVICT, { userId: row.user_id, cap });
      return { workspace, evicted: evicted.map((session) => session.id) };
    });
  }

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

/** A session row's columns but its workspace, as parameters of the statements below. */
const SESSION_PARAMETERS = {
  id: 'string',
  token_hash: 'string',
  user_id: 'string',
  created_at: 'number',
  last_seen_at: 'number',
  expires_at: 'number',
  idle_ttl_ms: 'number',
  user_agent: 'string | null',
  ip: 'string | null',
  amr: 'string | null',
} as const;

/** The statements of every sign-in, compiled once (storage/precompiled.ts). */
const INSERT = precompiled(
  { ...SESSION_PARAMETERS, workspace_id: 'string | null' },
  (db, row) => db.insertInto('sessions').values(row),
  { prepareOnPostgres: true },
);

/**
 * PostgreSQL's `start` before the eviction, as one statement: the budget's row deleted, the workspace
 * chosen, and the session inserted in it unless a workspace was asked for and the user is not in it. The
 * CASTs type parameters PostgreSQL cannot infer from an INSERT … SELECT. Returns the chosen workspace (its
 * columns null when none) and whether the session went in.
 */
const POSTGRES_START = precompiled(
  {
    ...SESSION_PARAMETERS,
    requested: 'string | null',
    last: 'string | null',
    budget: 'string | null',
  },
  (db, a) => {
    const text = (value: string | null) => sql<string>`CAST(${value} AS TEXT)`;
    const bigint = (value: number) => sql<number>`CAST(${value} AS BIGINT)`;
    return sql<{
      id: string | null;
      name: string | null;
      role: string | null;
      inserted: number;
    }>`WITH cleared AS (${clearBudget(db, a.budget)}),
    workspace AS ${chosenWorkspace(db, a.user_id, a)},
    inserted AS (
      INSERT INTO sessions (id, token_hash, user_id, workspace_id, created_at, last_seen_at, expires_at, idle_ttl_ms, user_agent, ip, amr)
      SELECT ${text(a.id)}, ${text(a.token_hash)}, ${text(a.user_id)}, (SELECT id FROM workspace), ${bigint(a.created_at)},
        ${bigint(a.last_seen_at)}, ${bigint(a.expires_at)}, ${bigint(a.idle_ttl_ms)}, ${text(a.user_agent)}, ${text(a.ip)}, ${text(a.amr)}
      WHERE ${text(a.requested)} IS NULL OR EXISTS (SELECT 1 FROM workspace)
      RETURNING id
    )
    SELECT workspace.id, workspace.name, workspace.role, (SELECT count(*) FROM inserted) AS inserted
    FROM (SELECT 1) AS one LEFT JOIN workspace ON true`;
  },
  { prepareOnPostgres: true },
);

/**
 * The user's sessions past the `cap` newest (at most 1,000 at a time), deleted. On PostgreSQL the rows are
 * first locked in the order of (created_at, id), the same order for every eviction: two evictions of one
 * user running at the same moment otherwise lock overlapping rows in the order each scan meets them and
 * deadlock (40P01, a 500 for a sign-in; seen with 30 sign-ins on two instances). A row another eviction
 * deletes while this one waits for it drops out of the result, which is what this one would have done.
 */
const EVICT = precompiled(
  { userId: 'string', cap: 'number' },
  (db, { userId, cap }) =>
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
          .$if(onPostgres(db), (query) => query.forUpdate()),
      )
      .returning('id'),
  { prepareOnPostgres: true },
);
