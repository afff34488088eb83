import type { AppContext } from '../../context.js';
import { newId, randomSecret, sha256 } from '../../lib/crypto.js';
import { AppError, forbidden } from '../../lib/errors.js';
import { normaliseEmail, requireEmail } from '../identity/email.js';
import { assertRolesDefined } from '../identity/role-catalog.js';
import { RoleStore } from '../identity/role-store.js';
import { type InviteRow, InviteStore } from './invite-store.js';
import type { MemberActor, MemberService } from './members.js';
import { assertMayAssign } from './workspace-roles.js';

export interface InviteView {
  _id: string;
  role: string;
  email: string | null;
  expiresAt: string;
  created: string;
}

/** Invalid, expired and used links get one answer: the link is the secret, so there is nothing to tell apart. */
const inviteInvalid = () =>
  new AppError(404, 'INVITE_INVALID', 'This invite link is invalid, expired or already used');

export function inviteView(row: InviteRow): InviteView {
  return {
    _id: row.id,
    role: row.role,
    email: row.email,
    expiresAt: new Date(row.expires_at).toISOString(),
    created: new Date(row.created_at).toISOString(),
  };
}

/**
 * Invite links: a 256-bit secret shown once to whoever creates it, stored as its SHA-256, expiring after
 * GATEHOUSE_INVITE_TTL, and consumed by one atomic statement so it admits exactly one person.
 */
export class InviteService {
  readonly #invites: InviteStore;
  readonly #roles: RoleStore;

  constructor(
    private readonly ctx: AppContext,
    private readonly members: MemberService,
  ) {
    this.#invites = new InviteStore(ctx.storage.db);
    this.#roles = new RoleStore(ctx.storage.db, ctx.storage.dialect);
  }

  async create(
    actor: MemberActor,
    workspaceId: string,
    input: { role: string; email?: string | undefined },
  ): Promise<{ token: string; invite: InviteView }> {
    assertMayAssign(actor.role, null, input.role);
    await assertRolesDefined(this.#roles, 'workspace', [input.role]);
    const now = this.ctx.now();
    const token = randomSecret();
    const row: InviteRow = {
      id: newId(),
      workspace_id: workspaceId,
      token_hash: sha256(token),
      role: input.role,
      email: input.email ? requireEmail(input.email) : null,
      created_by: actor.userId,
      created_at: now,
      expires_at: now + this.ctx.config.workspaces.inviteTtl * 1000,
      consumed_at: null,
      consumed_by: null,
    };
    await this.#invites.insert(row);
    return { token, invite: inviteView(row) };
  }

  async list(workspaceId: string): Promise<InviteView[]> {
    return (await this.#invites.listPending(workspaceId, this.ctx.now())).map(inviteView);
  }

  async revoke(workspaceId: string, inviteId: string): Promise<boolean> {
    return this.#invites.delete(workspaceId, inviteId);
  }

  /** Joins the invite's workspace with its role; returns the workspace id. */
  async accept(user: { id: string; email: string }, token: string): Promise<string> {
    const tokenHash = sha256(token);
    const pending = await this.#invites.findPending(tokenHash, this.ctx.now());
    if (!pending) throw inviteInvalid();
    // Checked before consuming, so signing in with the wrong account does not burn the link.
    if (pending.email !== null && pending.email !== normaliseEmail(user.email))
      throw forbidden('This invite was sent to another email address', 'INVITE_EMAIL_MISMATCH');
    await this.members.joinByInvite(
      pending.workspace_id,
      user.id,
      (tx, now) => tx.invites.consume(tokenHash, user.id, now),
      inviteInvalid,
    );
    return pending.workspace_id;
  }
}
