import type { Kysely } from 'kysely';
import type { Dialect } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import { OWNER } from './roles.js';

export interface MemberRow {
  user_id: string;
  role: string;
  created_at: number;
  email: string;
  username: string;
  first_name: string;
  last_name: string;
}

/**
 * SQL for workspace membership. Every change runs in a transaction that first locks the workspace row
 * (`lockWorkspace`): changes to one workspace's members are then serialised on PostgreSQL (SQLite
 * serialises write transactions anyway), so two owners leaving at once cannot both pass the last-owner
 * check, and there is one lock to take, so no deadlock.
 */
export class MemberStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** A workspace's members with the account fields a member list shows. */
  #members(workspaceId: string) {
    return this.db
      .selectFrom('workspace_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.user_id', 'm.role', 'm.created_at', 'u.email', 'u.username', 'u.first_name', 'u.last_name'])
      .where('m.workspace_id', '=', workspaceId);
  }

  list(workspaceId: string): Promise<MemberRow[]> {
    return this.#members(workspaceId).orderBy('m.created_at', 'asc').orderBy('m.user_id', 'asc').execute();
  }

  find(workspaceId: string, userId: string): Promise<MemberRow | undefined> {
    return this.#members(workspaceId).where('m.user_id', '=', userId).executeTakeFirst();
  }

  /** The member with this (normalised) e-mail, if any. */
  findByEmail(workspaceId: string, email: string): Promise<MemberRow | undefined> {
    return this.#members(workspaceId).where('u.email', '=', email).executeTakeFirst();
  }

  /** Takes the workspace's membership lock until the transaction ends; false when it does not exist. */
  async lockWorkspace(workspaceId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('workspaces')
      .select('id')
      .where('id', '=', workspaceId)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
    return row !== undefined;
  }

  async countOwners(workspaceId: string): Promise<number> {
    const rows = await this.db
      .selectFrom('workspace_members')
      .select('user_id')
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', OWNER)
      .execute();
    return rows.length;
  }

  async insert(workspaceId: string, userId: string, role: string, now: number): Promise<void> {
    await this.db
      .insertInto('workspace_members')
      .values({ workspace_id: workspaceId, user_id: userId, role, created_at: now })
      .execute();
  }

  async setRole(workspaceId: string, userId: string, role: string): Promise<void> {
    await this.db
      .updateTable('workspace_members')
      .set({ role })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
  }

  async delete(workspaceId: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom('workspace_members')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
  }

  /** Whether any member of any workspace holds this role (a custom role in use cannot be deleted). */
  async roleInUse(role: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('workspace_members')
      .select('user_id')
      .where('role', '=', role)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }
}
