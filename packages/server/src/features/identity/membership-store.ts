import type { Kysely } from 'kysely';
import type { ActiveWorkspace } from '../../http/auth-context.js';
import type { Database } from '../../storage/schema.js';

/** Membership look-ups every credential needs to resolve the active workspace. */
export class MembershipStore {
  constructor(private readonly db: Kysely<Database>) {}

  findMembership(userId: string, workspaceId: string): Promise<ActiveWorkspace | undefined> {
    return this.db
      .selectFrom('workspace_members as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['w.id as id', 'w.name as name', 'm.role as role'])
      .where('m.user_id', '=', userId)
      .where('m.workspace_id', '=', workspaceId)
      .executeTakeFirst();
  }

  /** The user's oldest membership: the default workspace when none is chosen or remembered. */
  firstMembership(userId: string): Promise<ActiveWorkspace | undefined> {
    return this.db
      .selectFrom('workspace_members as m')
      .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['w.id as id', 'w.name as name', 'm.role as role'])
      .where('m.user_id', '=', userId)
      .orderBy('m.created_at', 'asc')
      .orderBy('w.id', 'asc')
      .limit(1)
      .executeTakeFirst();
  }
}
