import type { GatehouseClient } from './client.js';
import type { RequestOptions } from './options.js';
import { segment } from './path.js';
import type { WorkspaceMember } from './types.js';

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
   * Adds an existing user, by email, with a role (the server's default role when omitted). A 404
   * `USER_NOT_FOUND` means no account uses that email.
   *
   * @example
   * ```ts
   * await sdk.workspaces.members.add(workspaceId, { email: 'grace@example.com', role: 'member' });
   * ```
   */
  async add(
    workspaceId: string,
    member: { email: string; role?: string },
    options?: RequestOptions,
  ): Promise<WorkspaceMember> {
    return this.client.request({ method: 'POST', path: membersPath(workspaceId), body: member, options });
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

export function membersPath(workspaceId: string): string {
  return `/api/workspaces/${segment(workspaceId)}/members`;
}
