import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, WorkspaceInviteTable } from '../../storage/schema.js';

export type InviteRow = Selectable<WorkspaceInviteTable>;

/** An invitation as its invitee sees it: which workspace, and who sent it. */
export interface InvitationRow {
  id: string;
  workspace_id: string;
  workspace_name: string;
  role: string;
  expires_at: number;
  created_at: number;
  inviter_username: string | null;
  inviter_first_name: string | null;
  inviter_last_name: string | null;
}

/** Still usable at `now`: neither consumed nor expired. */
const pendingAt = (now: number) => (eb: ExpressionBuilder<Database, 'workspace_invites'>) =>
  eb.and([eb('consumed_at', 'is', null), eb('expires_at', '>', now)]);

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
      .where(pendingAt(now))
      .orderBy('created_at', 'asc')
      .execute();
  }

  findPending(tokenHash: string, now: number): Promise<InviteRow | undefined> {
    return this.db
      .selectFrom('workspace_invites')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where(pendingAt(now))
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
      .where(pendingAt(now))
      .returningAll()
      .executeTakeFirst();
  }

  /** The pending invite addressed to `email` in this workspace, if any (one per address: re-inviting refreshes it). */
  findPendingFor(workspaceId: string, email: string, now: number): Promise<InviteRow | undefined> {
    return this.db
      .selectFrom('workspace_invites')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('email', '=', email)
      .where(pendingAt(now))
      .orderBy('created_at', 'asc')
      .executeTakeFirst();
  }

  async renew(id: string, role: string, expiresAt: number): Promise<void> {
    await this.db
      .updateTable('workspace_invites')
      .set({ role, expires_at: expiresAt })
      .where('id', '=', id)
      .execute();
  }

  /** Pending invites addressed to this e-mail, in every workspace: what the invitee may accept or decline. */
  listAddressedTo(email: string, now: number): Promise<InvitationRow[]> {
    return this.db
      .selectFrom('workspace_invites as i')
      .innerJoin('workspaces as w', 'w.id', 'i.workspace_id')
      .leftJoin('users as u', 'u.id', 'i.created_by')
      .select([
        'i.id',
        'i.workspace_id',
        'w.name as workspace_name',
        'i.role',
        'i.expires_at',
        'i.created_at',
        'u.username as inviter_username',
        'u.first_name as inviter_first_name',
        'u.last_name as inviter_last_name',
      ])
      .where('i.email', '=', email)
      .where('i.consumed_at', 'is', null)
      .where('i.expires_at', '>', now)
      .orderBy('i.created_at', 'asc')
      .orderBy('i.id', 'asc')
      .execute();
  }

  /** A pending invite by id, only if it is addressed to `email`. */
  findPendingAddressedTo(id: string, email: string, now: number): Promise<InviteRow | undefined> {
    return this.db
      .selectFrom('workspace_invites')
      .selectAll()
      .where('id', '=', id)
      .where('email', '=', email)
      .where(pendingAt(now))
      .executeTakeFirst();
  }

  /** As `consume`, for an invite accepted from the invitee's list (by id, bound to their e-mail). */
  consumeAddressedTo(id: string, email: string, userId: string, now: number): Promise<InviteRow | undefined> {
    return this.db
      .updateTable('workspace_invites')
      .set({ consumed_at: now, consumed_by: userId })
      .where('id', '=', id)
      .where('email', '=', email)
      .where(pendingAt(now))
      .returningAll()
      .executeTakeFirst();
  }

  /** Declining: the pending invite addressed to `email` is gone; false when there was none. */
  async deleteAddressedTo(id: string, email: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('workspace_invites')
      .where('id', '=', id)
      .where('email', '=', email)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
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
