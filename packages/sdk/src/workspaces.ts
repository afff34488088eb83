import type { GatehouseClient } from './client.js';
import type { RequestOptions } from './options.js';
import { segment } from './path.js';
import { isTokenGrant, tokenSetFromGrant } from './token-set.js';
import type { Workspace, WorkspaceActivation, WorkspaceMember } from './types.js';
import { WorkspaceInvitations } from './workspace-invitations.js';
import { WorkspaceInvites } from './workspace-invites.js';
import { membersPath, WorkspaceMembers } from './workspace-members.js';

/** Workspaces (tenants) the signed-in user belongs to. Available as `sdk.workspaces`. */
export class Workspaces {
  /** Membership management: `list`, `add` (an invitation, or direct for a global admin), `updateRole`, `remove`. */
  readonly members: WorkspaceMembers;
  /** Invite links: `list`, `create`, `revoke`, `accept`. */
  readonly invites: WorkspaceInvites;
  /** The signed-in user's own invitations: `list`, `accept`, `decline`. */
  readonly invitations: WorkspaceInvitations;

  /** @internal */
  constructor(private readonly client: GatehouseClient) {
    this.members = new WorkspaceMembers(client);
    this.invites = new WorkspaceInvites(client);
    this.invitations = new WorkspaceInvitations(client);
  }

  /**
   * Lists workspaces. An admin sees every workspace unless `bypassAdmin` is true.
   *
   * @example
   * ```ts
   * const mine = await sdk.workspaces.getList({ bypassAdmin: true });
   * ```
   */
  async getList(query: { bypassAdmin?: boolean } = {}, options?: RequestOptions): Promise<Workspace[]> {
    return this.client.request({
      method: 'GET',
      path: '/api/workspaces',
      query: { bypassAdmin: query.bypassAdmin },
      options,
    });
  }

  /**
   * Reads one workspace; 404 when the caller is not a member (existence does not leak).
   *
   * @example
   * ```ts
   * const workspace = await sdk.workspaces.getWorkspace(workspaceId);
   * ```
   */
  async getWorkspace(workspaceId: string, options?: RequestOptions): Promise<Workspace> {
    return this.client.request({ method: 'GET', path: workspacePath(workspaceId), options });
  }

  /**
   * Creates a workspace owned by the caller.
   *
   * @example
   * ```ts
   * const workspace = await sdk.workspaces.create({ name: 'Acme' });
   * ```
   */
  async create(workspace: { name: string }, options?: RequestOptions): Promise<Workspace> {
    return this.client.request({ method: 'POST', path: '/api/workspaces', body: workspace, options });
  }

  /**
   * Renames a workspace.
   *
   * @example
   * ```ts
   * await sdk.workspaces.update(workspaceId, { name: 'Acme Ltd' });
   * ```
   */
  async update(workspaceId: string, changes: { name: string }, options?: RequestOptions): Promise<Workspace> {
    return this.client.request({ method: 'PATCH', path: workspacePath(workspaceId), body: changes, options });
  }

  /**
   * Deletes a workspace.
   *
   * @example
   * ```ts
   * await sdk.workspaces.remove(workspaceId);
   * ```
   */
  async remove(workspaceId: string, options?: RequestOptions): Promise<void> {
    await this.client.request({ method: 'DELETE', path: workspacePath(workspaceId), options });
  }

  /**
   * Makes a workspace the active one of the current cookie or token session. A token session gets a
   * new pair scoped to it, which the SDK stores. API tokens are bound to one workspace (403).
   *
   * @example
   * ```ts
   * await sdk.workspaces.activate(workspaceId);
   * const user = await sdk.authentication.getLoggedInUser(); // user.workspace is now workspaceId
   * ```
   */
  async activate(workspaceId: string, options?: RequestOptions): Promise<WorkspaceActivation> {
    const path = `${workspacePath(workspaceId)}/activate`;
    const response = await this.client.request<WorkspaceActivation>({ method: 'POST', path, options });
    if (isTokenGrant(response?.payload)) await this.client.vault.set(tokenSetFromGrant(response.payload));
    return response;
  }

  /**
   * Leaves a workspace. The server refuses when the caller is its last owner.
   *
   * @example
   * ```ts
   * await sdk.workspaces.leave(workspaceId);
   * ```
   */
  async leave(workspaceId: string, options?: RequestOptions): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `${membersPath(workspaceId)}/me`, options });
  }

  /**
   * Qelos name for {@link WorkspaceMembers.list}.
   *
   * @deprecated Use `sdk.workspaces.members.list(workspaceId)`.
   * @example
   * ```ts
   * const members = await sdk.workspaces.getMembers(workspaceId);
   * ```
   */
  async getMembers(workspaceId: string, options?: RequestOptions): Promise<WorkspaceMember[]> {
    return this.members.list(workspaceId, options);
  }
}

function workspacePath(workspaceId: string): string {
  return `/api/workspaces/${segment(workspaceId)}`;
}
