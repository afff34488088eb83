import { type Kysely, sql } from 'kysely';
import type { ActiveWorkspace } from '../../http/auth-context.js';
import { precompiled } from '../../storage/precompiled.js';
import type { Database } from '../../storage/schema.js';

/** What decides the workspace a new session starts in (`chosenWorkspace`). */
export interface WorkspaceChoice {
  /** The workspace the client asked for: the session starts there, or the sign-in is refused. */
  requested: string | null;
  /** The user's last used workspace (users.last_workspace_id). */
  last: string | null;
}

/**
 * The workspace a new session starts in, as one query: the one asked for (when a member), else the last
 * used (when still a member), else the user's oldest membership. No row: asked for one the user is not in,
 * or the user is in none. Used on its own (MembershipStore.chosen) and inside the statement that starts a
 * cookie session (sessions/store.ts), so the rule lives here once.
 */
export function chosenWorkspace(db: Kysely<Database>, userId: string, choice: WorkspaceChoice) {
  return (
    db
      .selectFrom('workspace_members as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['w.id as id', 'w.name as name', 'm.role as role'])
      .where('m.user_id', '=', userId)
      // CAST: PostgreSQL cannot type a parameter that is only compared with NULL.
      .where(
        sql<boolean>`(CAST(${choice.requested} AS TEXT) IS NULL OR m.workspace_id = ${choice.requested})`,
      )
      .orderBy(sql`CASE WHEN m.workspace_id = ${choice.last} THEN 0 ELSE 1 END`)
      .orderBy('m.created_at', 'asc')
      .orderBy('w.id', 'asc')
      .limit(1)
  );
}

/** Membership look-ups every credential needs to resolve the active workspace. */
export class MembershipStore {
  constructor(private readonly db: Kysely<Database>) {}

  async findMembership(userId: string, workspaceId: string): Promise<ActiveWorkspace | undefined> {
    return (await FIND(this.db, { userId, workspaceId })).rows[0];
  }

  /** The workspace a new session starts in (`chosenWorkspace`); one round trip where there were up to three. */
  async chosen(userId: string, choice: WorkspaceChoice): Promise<ActiveWorkspace | undefined> {
    return (await CHOSEN(this.db, { userId, ...choice })).rows[0];
  }
}

// Every request whose principal is not cached runs FIND, every sign-in CHOSEN: compiled once
// (storage/precompiled.ts) and prepared on PostgreSQL (look-ups by key, one plan for any values).
const FIND = precompiled(
  { userId: 'string', workspaceId: 'string' },
  (db, { userId, workspaceId }) =>
    db
      .selectFrom('workspace_members as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['w.id as id', 'w.name as name', 'm.role as role'])
      .where('m.user_id', '=', userId)
      .where('m.workspace_id', '=', workspaceId),
  { prepareOnPostgres: true },
);

export const CHOSEN = precompiled(
  { userId: 'string', requested: 'string | null', last: 'string | null' },
  (db, { userId, ...choice }) => chosenWorkspace(db, userId, choice),
  { prepareOnPostgres: true },
);
