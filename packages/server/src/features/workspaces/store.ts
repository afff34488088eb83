import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { OWNER } from '../identity/roles.js';

/** A workspace as a list shows it: the caller's role (null when an admin sees it without being a member). */
export interface WorkspaceListRow {
  id: string;
  name: string;
  created_at: number;
  role: string | null;
  members_count: number;
}

type ListScope = ExpressionBuilder<Database, 'workspaces'>;

const membersCount = (eb: ListScope) =>
  eb
    .selectFrom('workspace_members as c')
    .select((sub) => sub.fn.countAll<number | string>().as('n'))
    .whereRef('c.workspace_id', '=', 'workspaces.id')
    .as('members_count');

function toListRow(row: {
  id: string;
  name: string;
  created_at: number;
  role: string | null;
  members_count: number | string | null;
}): WorkspaceListRow {
  return { ...row, members_count: Number(row.members_count ?? 0) };
}

/** SQL for the workspaces table. */
export class WorkspaceStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the workspace and its creator as owner, atomically: a workspace never exists without an owner. */
  async create(workspace: { id: string; name: string; ownerId: string; now: number }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('workspaces')
        .values({
          id: workspace.id,
          name: workspace.name,
          created_by: workspace.ownerId,
          created_at: workspace.now,
          updated_at: workspace.now,
        })
        .execute();
      await trx
        .insertInto('workspace_members')
        .values({
          workspace_id: workspace.id,
          user_id: workspace.ownerId,
          role: OWNER,
          created_at: workspace.now,
        })
        .execute();
    });
  }

  async exists(id: string): Promise<boolean> {
    const row = await this.db.selectFrom('workspaces').select('id').where('id', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  /** Workspaces with the viewer's role in each (null where they are not a member) and the member count. */
  #withViewerRole(viewerId: string) {
    return this.db
      .selectFrom('workspaces')
      .leftJoin('workspace_members as m', (join) =>
        join.onRef('m.workspace_id', '=', 'workspaces.id').on('m.user_id', '=', viewerId),
      )
      .select((eb) => [
        'workspaces.id',
        'workspaces.name',
        'workspaces.created_at',
        'm.role',
        membersCount(eb),
      ]);
  }

  /** One workspace with the viewer's role in it (null when not a member). */
  async findForViewer(id: string, viewerId: string): Promise<WorkspaceListRow | undefined> {
    const row = await this.#withViewerRole(viewerId).where('workspaces.id', '=', id).executeTakeFirst();
    return row && toListRow(row);
  }

  /** The viewer's own workspaces, oldest membership first. */
  async listForMember(viewerId: string): Promise<WorkspaceListRow[]> {
    const rows = await this.#withViewerRole(viewerId)
      .where('m.user_id', 'is not', null)
      .orderBy('m.created_at', 'asc')
      .orderBy('workspaces.id', 'asc')
      .execute();
    return rows.map(toListRow);
  }

  /** Every workspace of the deployment (the global admin's view), with the viewer's role where they have one. */
  async listAll(viewerId: string): Promise<WorkspaceListRow[]> {
    const rows = await this.#withViewerRole(viewerId)
      .orderBy('workspaces.created_at', 'asc')
      .orderBy('workspaces.id', 'asc')
      .execute();
    return rows.map(toListRow);
  }

  async rename(id: string, name: string, now: number): Promise<void> {
    await this.db.updateTable('workspaces').set({ name, updated_at: now }).where('id', '=', id).execute();
  }

  /** Members and invites go with it (ON DELETE CASCADE); sessions in it fall back to no workspace. */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('workspaces').where('id', '=', id).execute();
  }
}
