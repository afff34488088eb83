import type { GatehouseClient } from './client.js';
import type { RequestOptions } from './options.js';
import { segment } from './path.js';
import type { Workspace, WorkspaceInvitation } from './types.js';

/**
 * The signed-in user's own invitations to workspaces: nobody joins a workspace without accepting.
 * Available as `sdk.workspaces.invitations`; invite links are accepted with `sdk.workspaces.invites.accept`.
 * Accepting and declining need a cookie or token session (an API token gets 403 `CREDENTIAL_NOT_ALLOWED`).
 */
export class WorkspaceInvitations {
  /** @internal */
  constructor(private readonly client: GatehouseClient) {}

  /**
   * Lists pending invitations addressed to the user's e-mail, invite links sent to it included.
   *
   * @example
   * ```ts
   * for (const invitation of await sdk.workspaces.invitations.list())
   *   console.log(`${invitation.invitedBy ?? 'Someone'} invited you to ${invitation.workspace.name}`);
   * ```
   */
  async list(options?: RequestOptions): Promise<WorkspaceInvitation[]> {
    return this.client.request({ method: 'GET', path: '/api/me/invitations', options });
  }

  /**
   * Accepts an invitation: the user joins the workspace with the invitation's role. A 404
   * `INVITATION_NOT_FOUND` means it expired, was revoked, declined or already used.
   *
   * @example
   * ```ts
   * const [invitation] = await sdk.workspaces.invitations.list();
   * const workspace = await sdk.workspaces.invitations.accept(invitation._id);
   * await sdk.workspaces.activate(workspace._id);
   * ```
   */
  async accept(invitationId: string, options?: RequestOptions): Promise<Workspace> {
    const path = `${invitationPath(invitationId)}/accept`;
    return this.client.request({ method: 'POST', path, options });
  }

  /**
   * Declines an invitation; it disappears from the workspace's pending invitations too.
   *
   * @example
   * ```ts
   * await sdk.workspaces.invitations.decline(invitationId);
   * ```
   */
  async decline(invitationId: string, options?: RequestOptions): Promise<void> {
    await this.client.request({ method: 'POST', path: `${invitationPath(invitationId)}/decline`, options });
  }
}

function invitationPath(invitationId: string): string {
  return `/api/me/invitations/${segment(invitationId)}`;
}
