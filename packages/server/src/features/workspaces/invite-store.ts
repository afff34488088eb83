import type { Kysely, Selectable } from 'kysely';
import type { Database, WorkspaceInviteTable } from '../../storage/schema.js';

export type InviteRow = Selectable<WorkspaceInviteTable>;

/** SQL for workspace invite links. */
export class InviteStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: InviteRow): Promise<void> {
    await this.db.insertInto('workspace_invites').values(row).execute();
  }

  /** Invites still usable: not consumed, not expired. */
  listPending(workspaceId: string, now: number): Promise<InviteRow[]> {
    return this.db
      .selectFrom('workspace_invites')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'asc')
      .execute();
  }

  findPending(tokenHash: string, now: number): Promise<InviteRow | undefined> {
    return this.db
      .selectFrom('workspace_invites')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  /**
   * Marks the invite used, in one statement that only succeeds while it is unused and unexpired
   * (ARCHITECTURE.md: single-use things are consumed atomically, never read-then-write).
   */
  consume(tokenHash: string, userId: string, now: number): Promise<InviteRow | undefined> {
    return this.db
      .updateTable('workspace_invites')
      .set({ consumed_at: now, consumed_by: userId })
      .where('token_hash', '=', tokenHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }

  /** Revokes a pending invite; false when it is not this workspace's or already gone. */
  async delete(workspaceId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('workspace_invites')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
