import type { Kysely } from 'kysely';
import type { ActiveWorkspace } from '../../http/auth-context.js';
import { precompiled } from '../../storage/precompiled.js';
import type { Database } from '../../storage/schema.js';

/** Membership look-ups every credential needs to resolve the active workspace. */
export class MembershipStore {
  constructor(private readonly db: Kysely<Database>) {}

  async findMembership(userId: string, workspaceId: string): Promise<ActiveWorkspace | undefined> {
    return (await FIND(this.db, { userId, workspaceId })).rows[0];
  }

  /** The user's oldest membership: the default workspace when none is chosen or remembered. */
  async firstMembership(userId: string): Promise<ActiveWorkspace | undefined> {
    return (await FIRST(this.db, { userId })).rows[0];
  }
}

// Every sign-in runs one of these: compiled once (storage/precompiled.ts).
const FIND = precompiled({ userId: 'string', workspaceId: 'string' }, (db, { userId, workspaceId }) =>
  db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id as id', 'w.name as name', 'm.role as role'])
    .where('m.user_id', '=', userId)
    .where('m.workspace_id', '=', workspaceId),
);

const FIRST = precompiled({ userId: 'string' }, (db, { userId }) =>
  db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id as id', 'w.name as name', 'm.role as role'])
    .where('m.user_id', '=', userId)
    .orderBy('m.created_at', 'asc')
    .orderBy('w.id', 'asc')
    .limit(1),
);
