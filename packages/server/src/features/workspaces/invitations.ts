import type { Static } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import type { AuthContext } from '../../http/auth-context.js';
import { newId, randomSecret, sha256 } from '../../lib/crypto.js';
import { AppError, conflict } from '../../lib/errors.js';
import { normaliseEmail, requireEmail } from '../identity/email.js';
import { assertRolesDefined } from '../identity/role-catalog.js';
import { GLOBAL_ADMIN } from '../identity/roles.js';
import { type InvitationRow, InviteStore } from './invite-store.js';
import { type InviteView, inviteView } from './invites.js';
import type { MemberActor, MemberService } from './members.js';
import type { InvitationView as InvitationViewSchema } from './schemas.js';
import type { MemberView } from './view.js';
import { assertMayAssign } from './workspace-roles.js';

/** A pending invitation as its invitee sees it in `GET /api/me/invitations`. */
export type InvitationView = Static<typeof InvitationViewSchema>;

/** What adding by e-mail did: a global admin adds at once; anyone else invites. */
export type MemberAddition = { member: MemberView } | { invitation: InviteView };

/** Unknown, expired, used, declined, or addressed to someone else: one answer, nothing to tell apart. */
const invitationNotFound = () =>
  new AppError(404, 'INVITATION_NOT_FOUND', 'No pending invitation with this id for you');

export function invitationView(row: InvitationRow): InvitationView {
  const inviter = [row.inviter_first_name, row.inviter_last_name].filter(Boolean).join(' ');
  return {
    _id: row.id,
    workspace: { _id: row.workspace_id, name: row.workspace_name },
    role: row.role,
    invitedBy: inviter || row.inviter_username,
    expiresAt: new Date(row.expires_at).toISOString(),
    created: new Date(row.created_at).toISOString(),
  };
}

/**
 * Membership by consent. Adding someone by e-mail creates an invitation addressed to that address, which
 * the person sees in their own list and accepts or declines; until then they are not in the workspace and
 * their next sign-in does not land there. The answer is the same whether or not the address has an account,
 * so the member form is no oracle for who is registered. Only a global admin adds directly.
 */
export class InvitationService {
  readonly #invites: InviteStore;

  constructor(
    private readonly ctx: AppContext,
    private readonly members: MemberService,
  ) {
    this.#invites = new InviteStore(ctx.storage.db);
  }

  /** POST /api/workspaces/:id/members. */
  async addByEmail(
    auth: AuthContext,
    actor: MemberActor,
    workspaceId: string,
    input: { email: string; role: string },
  ): Promise<MemberAddition> {
    if (auth.user.roles.includes(GLOBAL_ADMIN))
      return { member: await this.members.add(actor, workspaceId, input.email, input.role) };
    return { invitation: await this.invite(actor, workspaceId, input) };
  }

  /**
   * An invitation addressed to the e-mail, not a link: its secret is never shown, and only the account
   * with that address can accept it, from its list. Inviting an address again renews the pending
   * invitation (new role, new expiry) rather than adding a second one.
   */
  async invite(
    actor: MemberActor,
    workspaceId: string,
    input: { email: string; role: string },
  ): Promise<InviteView> {
    assertMayAssign(actor.role, null, input.role);
    const email = requireEmail(input.email);
    const now = this.ctx.now();
    const expiresAt = now + this.ctx.config.workspaces.inviteTtl * 1000;
    return this.members.inWorkspaceTransaction(workspaceId, async (tx) => {
      await assertRolesDefined(tx.roles, 'workspace', [input.role]);
      // The member list already shows members' addresses to whoever may invite: this tells them nothing new.
      if (await tx.members.findByEmail(workspaceId, email))
        throw conflict('This user is already a member', 'ALREADY_MEMBER');
      const pending = await tx.invites.findPendingFor(workspaceId, email, now);
      if (pending) {
        await tx.invites.renew(pending.id, input.role, expiresAt);
        return inviteView({ ...pending, role: input.role, expires_at: expiresAt });
      }
      const row = {
        id: newId(),
        workspace_id: workspaceId,
        token_hash: sha256(randomSecret()),
        role: input.role,
        email,
        created_by: actor.userId,
        created_at: now,
        expires_at: expiresAt,
        consumed_at: null,
        consumed_by: null,
      };
      await tx.invites.insert(row);
      return inviteView(row);
    });
  }

  /** GET /api/me/invitations: pending invitations addressed to the caller's e-mail, invite links included. */
  async listFor(user: { email: string }): Promise<InvitationView[]> {
    const rows = await this.#invites.listAddressedTo(normaliseEmail(user.email), this.ctx.now());
    return rows.map(invitationView);
  }

  /** Joins the invitation's workspace with its role, consuming it atomically; returns the workspace id. */
  async accept(user: { id: string; email: string }, invitationId: string): Promise<string> {
    const email = normaliseEmail(user.email);
    const pending = await this.#invites.findPendingAddressedTo(invitationId, email, this.ctx.now());
    if (!pending) throw invitationNotFound();
    await this.members.joinByInvite(
      pending.workspace_id,
      user.id,
      (tx, now) => tx.invites.consumeAddressedTo(invitationId, email, user.id, now),
      invitationNotFound,
    );
    return pending.workspace_id;
  }

  /** Declining removes the invitation; the workspace's managers no longer see it pending. */
  async decline(user: { email: string }, invitationId: string): Promise<void> {
    if (!(await this.#invites.deleteAddressedTo(invitationId, normaliseEmail(user.email))))
      throw invitationNotFound();
  }
}
