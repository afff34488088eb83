import type { GatehouseClient } from './client.js';
import type { RequestOptions } from './options.js';
import { segment } from './path.js';
import type { MemberAddition, WorkspaceMember } from './types.js';
import type { WorkspaceInvite } from './workspace-invites.js';

/** Membership of one workspace. Available as `sdk.workspaces.members`. */
export class WorkspaceMembers {
  /** @internal */
  constructor(private readonly client: GatehouseClient) {}

  /**
   * Lists a workspace's members and their roles.
   *
   * @example
   * ```ts
   * const members = await sdk.workspaces.members.list(workspaceId);
   * const owners = members.filter((m) => m.roles.includes('owner'));
   * ```
   */
  async list(workspaceId: string, options?: RequestOptions): Promise<WorkspaceMember[]> {
    return this.client.request({ method: 'GET', path: membersPath(workspaceId), options });
  }

  /**
   * Adds someone by e-mail with a workspace role (the server's default role when omitted). For anyone but a
   * global admin this sends an invitation, which the person accepts or declines from
   * `sdk.workspaces.invitations`; they are not a member until then. The answer is the same whether or not
   * the address has an account. A global admin adds an existing account at once (a 404 `USER_NOT_FOUND`
   * means no account uses that e-mail). Adding a member again is a 409 `ALREADY_MEMBER`.
   *
   * @example
   * ```ts
   * const result = await sdk.workspaces.members.add(workspaceId, { email: 'grace@example.com', role: 'member' });
   * if (result.status === 'invited') console.log('invitation pending until', result.invitation.expiresAt);
   * else console.log('added', result.member.user);
   * ```
   */
  async add(
    workspaceId: string,
    member: { email: string; role?: string },
    options?: RequestOptions,
  ): Promise<MemberAddition> {
    const body = await this.client.request<WorkspaceMember | { invitation: WorkspaceInvite }>({
      method: 'POST',
      path: membersPath(workspaceId),
      body: member,
      options,
    });
    return 'invitation' in body && isInvite(body.invitation)
      ? { status: 'invited', invitation: body.invitation }
      : { status: 'added', member: body as WorkspaceMember };
  }

  /**
   * Changes a member's role. The server refuses to demote the last owner.
   *
   * @example
   * ```ts
   * await sdk.workspaces.members.updateRole(workspaceId, userId, 'admin');
   * ```
   */
  async updateRole(
    workspaceId: string,
    userId: string,
    role: string,
    options?: RequestOptions,
  ): Promise<WorkspaceMember> {
    const path = `${membersPath(workspaceId)}/${segment(userId)}`;
    return this.client.request({ method: 'PATCH', path, body: { role }, options });
  }

  /**
   * Removes a member. The server refuses to remove the last owner.
   *
   * @example
   * ```ts
   * await sdk.workspaces.members.remove(workspaceId, userId);
   * ```
   */
  async remove(workspaceId: string, userId: string, options?: RequestOptions): Promise<void> {
    await this.client.request({
      method: 'DELETE',
      path: `${membersPath(workspaceId)}/${segment(userId)}`,
      options,
    });
  }
}

function isInvite(value: unknown): value is WorkspaceInvite {
  return typeof value === 'object' && value !== null && typeof (value as { _id?: unknown })._id === 'string';
}

export function membersPath(workspaceId: string): string {
  return `/api/workspaces/${segment(workspaceId)}/members`;
}
