import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { AppError, badRequest, conflict } from '../../lib/errors.js';
import type { Database } from '../../storage/schema.js';
import { GlobalRoleStore } from '../identity/global-role-store.js';
import { MemberStore } from '../identity/member-store.js';
import { userTag, workspaceTag } from '../identity/principals.js';
import { OWNER } from '../identity/roles.js';
import type { UserRow } from '../identity/user-store.js';
import { endEverySignIn } from './sign-in-revocation.js';
import { AccountStore } from './store.js';

/**
 * What happens to workspaces the account is the only owner of: by default deletion is refused (a workspace
 * never exists without an owner); an admin may delete them or hand them to another user.
 */
export type SoleOwnedWorkspaces =
  | { action: 'refuse' }
  | { action: 'delete' }
  | { action: 'transfer'; to: string };

export interface DeletedAccount {
  user: UserRow;
  deletedWorkspaces: string[];
  transferredWorkspaces: string[];
}

/** The workspaces this user is the only owner of, locked against concurrent member changes. */
async function soleOwnedWorkspaces(
  trx: Kysely<Database>,
  ctx: AppContext,
  userId: string,
): Promise<Array<{ id: string; name: string }>> {
  const owned = await trx
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name'])
    .where('m.user_id', '=', userId)
    .where('m.role', '=', OWNER)
    .orderBy('w.id')
    .execute();
  const members = new MemberStore(trx, ctx.storage.dialect);
  const sole: Array<{ id: string; name: string }> = [];
  for (const workspace of owned) {
    // The membership lock of each workspace (MemberStore's convention): an owner added meanwhile is seen.
    await members.lockWorkspace(workspace.id);
    if ((await members.countOwners(workspace.id)) <= 1) sole.push(workspace);
  }
  return sole;
}

/**
 * Deletes an account, all or nothing: refused while it is the last owner of a workspace (the 409 names
 * them) unless the caller chose to delete or transfer those, and refused for the deployment's last admin.
 * Its sessions, token families, API tokens, links and memberships go with the row (foreign keys cascade);
 * the bus tells every instance to drop what it cached, so nothing of it authenticates again.
 */
export async function deleteAccount(
  ctx: AppContext,
  userId: string,
  soleOwned: SoleOwnedWorkspaces,
  inside?: (trx: Kysely<Database>, user: UserRow) => Promise<void>,
): Promise<DeletedAccount> {
  const now = ctx.now();
  const result = await ctx.storage.db.transaction().execute(async (trx) => {
    const admin = new GlobalRoleStore(trx, ctx.storage.dialect);
    await admin.serialiseRoleChanges();
    const admins = await admin.lockAdmins();
    const user = await new AccountStore(trx).findById(userId);
    if (!user) throw new AppError(404, 'USER_NOT_FOUND', 'User not found');
    if (admins.includes(userId) && admins.length <= 1)
      throw conflict(
        'The deployment must keep at least one admin: make someone else admin first',
        'LAST_ADMIN',
      );
    const sole = await soleOwnedWorkspaces(trx, ctx, userId);
    const deleted: string[] = [];
    const transferred: string[] = [];
    if (sole.length > 0 && soleOwned.action === 'refuse') {
      throw new AppError(
        409,
        'LAST_OWNER',
        `This account is the only owner of ${sole.map((w) => `"${w.name}"`).join(', ')}: transfer or delete ${sole.length === 1 ? 'it' : 'them'} first`,
        { workspaces: sole.map((w) => ({ _id: w.id, name: w.name })) },
      );
    }
    if (soleOwned.action === 'transfer' && sole.length > 0) {
      const heir = await new AccountStore(trx).findById(soleOwned.to);
      if (!heir || heir.id === userId || heir.disabled_at !== null)
        throw badRequest('transferTo must be another active user', {
          transferTo: 'is not another active user',
        });
      for (const workspace of sole) {
        await trx
          .insertInto('workspace_members')
          .values({ workspace_id: workspace.id, user_id: heir.id, role: OWNER, created_at: now })
          .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role: OWNER }))
          .execute();
        transferred.push(workspace.id);
      }
    }
    if (soleOwned.action === 'delete') {
      for (const workspace of sole) {
        await trx.deleteFrom('workspaces').where('id', '=', workspace.id).execute();
        deleted.push(workspace.id);
      }
    }
    await inside?.(trx, user);
    await endEverySignIn(trx, userId, now, 'account_disabled');
    await trx.deleteFrom('users').where('id', '=', userId).execute();
    return { user, deletedWorkspaces: deleted, transferredWorkspaces: transferred };
  });
  await ctx.bus.publish(userTag(userId));
  for (const id of [...result.deletedWorkspaces, ...result.transferredWorkspaces])
    await ctx.bus.publish(workspaceTag(id));
  return result;
}
