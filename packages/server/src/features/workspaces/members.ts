import type { AppContext } from '../../context.js';
import { AppError, conflict } from '../../lib/errors.js';
import { isUniqueViolation } from '../../storage/database.js';
import { normaliseEmail } from '../identity/email.js';
import { MemberStore } from '../identity/member-store.js';
import { userTag, workspaceTag } from '../identity/principals.js';
import { assertRolesDefined } from '../identity/role-catalog.js';
import { RoleStore } from '../identity/role-store.js';
import { OWNER } from '../identity/roles.js';
import { UserStore } from '../identity/user-store.js';
import { type InviteRow, InviteStore } from './invite-store.js';
import { workspaceNotFound } from './service.js';
import { type MemberView, memberView } from './view.js';
import { assertMayAssign } from './workspace-roles.js';

/** Who is changing the membership, and their role in the workspace. */
export interface MemberActor {
  userId: string;
  role: string;
}

export const memberNotFound = () =>
  new AppError(404, 'MEMBER_NOT_FOUND', 'This user is not a member of the workspace');

export const lastOwner = () =>
  conflict(
    'A workspace must keep at least one owner: make another member owner first, or delete the workspace',
    'LAST_OWNER',
  );

/** Stores bound to one transaction. */
export interface MembershipTx {
  members: MemberStore;
  roles: RoleStore;
  invites: InviteStore;
}

/** Membership of one workspace: list, add by email, change role, remove, leave. */
export class MemberService {
  readonly #members: MemberStore;
  readonly #users: UserStore;

  constructor(private readonly ctx: AppContext) {
    this.#members = new MemberStore(ctx.storage.db, ctx.storage.dialect);
    this.#users = new UserStore(ctx.storage.db);
  }

  /** Runs `work` in a transaction holding the workspace's membership lock (see MemberStore). */
  async inWorkspaceTransaction<T>(workspaceId: string, work: (tx: MembershipTx) => Promise<T>): Promise<T> {
    const { dialect } = this.ctx.storage;
    return this.ctx.storage.db.transaction().execute(async (trx) => {
      const tx = {
        members: new MemberStore(trx, dialect),
        roles: new RoleStore(trx, dialect),
        invites: new InviteStore(trx),
      };
      if (!(await tx.members.lockWorkspace(workspaceId))) throw workspaceNotFound();
      return work(tx);
    });
  }

  /** Drops every cached principal the change touches, on every instance, before the response goes out. */
  async published(workspaceId: string, userId: string): Promise<void> {
    await this.ctx.bus.publish(workspaceTag(workspaceId));
    await this.ctx.bus.publish(userTag(userId));
  }

  /**
   * Joins the user to the workspace with the role of the invite that `consume` marks used, under the
   * workspace lock. `consume` is one atomic statement (invite-store.ts), so an invite admits one person
   * however many accept it at once; `gone` is the answer when it was not there to consume.
   */
  async joinByInvite(
    workspaceId: string,
    userId: string,
    consume: (tx: MembershipTx, now: number) => Promise<InviteRow | undefined>,
    gone: () => AppError,
  ): Promise<void> {
    await this.inWorkspaceTransaction(workspaceId, async (tx) => {
      if (await tx.members.find(workspaceId, userId))
        throw conflict('You are already a member of this workspace', 'ALREADY_MEMBER');
      const invite = await consume(tx, this.ctx.now());
      if (!invite) throw gone();
      await assertRolesDefined(tx.roles, 'workspace', [invite.role]);
      await tx.members.insert(workspaceId, userId, invite.role, this.ctx.now());
    });
    await this.published(workspaceId, userId);
  }

  async list(workspaceId: string): Promise<MemberView[]> {
    return (await this.#members.list(workspaceId)).map(memberView);
  }

  /**
   * Adds an existing account at once, without asking it: for global admins only (invitations.ts decides).
   * Everyone else's "add by e-mail" is an invitation the person accepts or declines.
   */
  async add(actor: MemberActor, workspaceId: string, email: string, role: string): Promise<MemberView> {
    assertMayAssign(actor.role, null, role);
    const user = await this.#users.findByEmail(normaliseEmail(email));
    if (!user) {
      throw new AppError(404, 'USER_NOT_FOUND', 'No account uses this email; send an invite link instead', {
        errors: { email: 'has no account' },
      });
    }
    await this.inWorkspaceTransaction(workspaceId, async (tx) => {
      await assertRolesDefined(tx.roles, 'workspace', [role]);
      if (await tx.members.find(workspaceId, user.id))
        throw conflict('This user is already a member', 'ALREADY_MEMBER');
      await tx.members.insert(workspaceId, user.id, role, this.ctx.now());
    }).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw conflict('This user is already a member', 'ALREADY_MEMBER');
      throw error;
    });
    await this.published(workspaceId, user.id);
    return this.#view(workspaceId, user.id);
  }

  async changeRole(
    actor: MemberActor,
    workspaceId: string,
    userId: string,
    role: string,
  ): Promise<MemberView> {
    await this.inWorkspaceTransaction(workspaceId, async (tx) => {
      const target = await tx.members.find(workspaceId, userId);
      if (!target) throw memberNotFound();
      assertMayAssign(actor.role, target.role, role);
      await assertRolesDefined(tx.roles, 'workspace', [role]);
      if (target.role === OWNER && role !== OWNER && (await tx.members.countOwners(workspaceId)) <= 1)
        throw lastOwner();
      await tx.members.setRole(workspaceId, userId, role);
    });
    await this.published(workspaceId, userId);
    return this.#view(workspaceId, userId);
  }

  /** Removes a member; removing oneself is leaving, which any member may do (but not the last owner). */
  async remove(actor: MemberActor, workspaceId: string, userId: string): Promise<void> {
    await this.inWorkspaceTransaction(workspaceId, async (tx) => {
      const target = await tx.members.find(workspaceId, userId);
      if (!target) throw memberNotFound();
      if (userId !== actor.userId) assertMayAssign(actor.role, target.role, null);
      if (target.role === OWNER && (await tx.members.countOwners(workspaceId)) <= 1) throw lastOwner();
      await tx.members.delete(workspaceId, userId);
    });
    await this.published(workspaceId, userId);
  }

  async #view(workspaceId: string, userId: string): Promise<MemberView> {
    const row = await this.#members.find(workspaceId, userId);
    if (!row) throw memberNotFound();
    return memberView(row);
  }
}
