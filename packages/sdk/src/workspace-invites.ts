import type { GatehouseClient } from './client.js';
import type { RequestOptions } from './options.js';
import { segment } from './path.js';
import type { Workspace } from './types.js';

/** A pending invite link; its secret is never listed. */
export interface WorkspaceInvite {
  _id: string;
  /** The role the person gets on accepting. */
  role: string;
  /** When set, only the account with this email can accept. */
  email: string | null;
  expiresAt: string;
  created: string;
}

export interface CreatedWorkspaceInvite {
  /** The link's secret, shown only here, once: send it to the person you invite. */
  token: string;
  invite: WorkspaceInvite;
}

/**
 * Invite links of one workspace: a manager (owner or admin) creates a single-use link, the person signs in
 * and accepts it. Available as `sdk.workspaces.invites`.
 */
export class WorkspaceInvites {
  /** @internal */
  constructor(private readonly client: GatehouseClient) {}

  /**
   * Lists a workspace's pending invites (managers only).
   *
   * @example
   * ```ts
   * const pending = await sdk.workspaces.invites.list(workspaceId);
   * ```
   */
  async list(workspaceId: string, options?: RequestOptions): Promise<WorkspaceInvite[]> {
    return this.client.request({ method: 'GET', path: invitesPath(workspaceId), options });
  }

  /**
   * Creates an invite link; `token` is in this answer only. Put it in a link your app (or the console's
   * `/console/invites/<token>` page) accepts with {@link WorkspaceInvites.accept}.
   *
   * @example
   * ```ts
   * const { token } = await sdk.workspaces.invites.create(workspaceId, { role: 'member' });
   * const link = `https://auth.example.com/console/invites/${token}`;
   * ```
   */
  async create(
    workspaceId: string,
    invite: { role?: string; email?: string } = {},
    options?: RequestOptions,
  ): Promise<CreatedWorkspaceInvite> {
    return this.client.request({ method: 'POST', path: invitesPath(workspaceId), body: invite, options });
  }

  /**
   * Revokes a pending invite; its link stops working.
   *
   * @example
   * ```ts
   * await sdk.workspaces.invites.revoke(workspaceId, invite._id);
   * ```
   */
  async revoke(workspaceId: string, inviteId: string, options?: RequestOptions): Promise<void> {
    await this.client.request({
      method: 'DELETE',
      path: `${invitesPath(workspaceId)}/${segment(inviteId)}`,
      options,
    });
  }

  /**
   * Accepts an invite as the signed-in user and returns the workspace joined. Each link works once.
   *
   * @example
   * ```ts
   * const workspace = await sdk.workspaces.invites.accept(tokenFromTheLink);
   * ```
   */
  async accept(token: string, options?: RequestOptions): Promise<Workspace> {
    return this.client.request({ method: 'POST', path: `/api/invites/${segment(token)}/accept`, options });
  }
}

function invitesPath(workspaceId: string): string {
  return `/api/workspaces/${segment(workspaceId)}/invites`;
}
