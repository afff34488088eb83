import type { AppContext } from '../../context.js';
import type { ActiveWorkspace, AuthContext } from '../../http/auth-context.js';
import { newId } from '../../lib/crypto.js';
import { AppError, forbidden } from '../../lib/errors.js';
import { type PrincipalLoader, userTag, workspaceTag } from '../identity/principals.js';
import { GLOBAL_ADMIN } from '../identity/roles.js';
import { WorkspaceStore } from './store.js';
import { type WorkspaceItem, workspaceItem } from './view.js';

/** One answer for "does not exist" and "not yours", so ids cannot be probed for existence. */
export const workspaceNotFound = () => new AppError(404, 'WORKSPACE_NOT_FOUND', 'Workspace not found');

export interface AccessNeed {
  /** Workspace roles allowed; empty or absent means any member. */
  roles?: readonly string[];
  /** A global admin may read a workspace they are not a member of (the admin view). */
  adminMayRead?: boolean;
}

const isGlobalAdmin = (auth: AuthContext) => auth.user.roles.includes(GLOBAL_ADMIN);

/** Workspaces themselves: listing (with the admin view), reading, creating, renaming, deleting. */
export class WorkspaceService {
  readonly store: WorkspaceStore;

  constructor(
    private readonly ctx: AppContext,
    private readonly principals: PrincipalLoader,
  ) {
    this.store = new WorkspaceStore(ctx.storage.db);
  }

  /**
   * The caller's membership in a workspace, checked against what a route needs. Non-members get 404 (the
   * workspace's existence does not leak), members without the role 403. A workspace-bound API token reaches
   * only its own workspace. Served from the principal cache, which every membership change invalidates, so
   * a role change applies on the very next request. Returns null for a global admin reading as admin.
   */
  async access(
    auth: AuthContext,
    workspaceId: string,
    need: AccessNeed = {},
  ): Promise<ActiveWorkspace | null> {
    if (auth.workspaceLocked && auth.workspace?.id !== workspaceId) throw workspaceNotFound();
    const principal = await this.principals.load(auth.user.id, workspaceId);
    const membership = principal?.workspace ?? null;
    if (!membership) {
      const adminView = need.adminMayRead && !auth.workspaceLocked && isGlobalAdmin(auth);
      if (adminView && (await this.store.exists(workspaceId))) return null;
      throw workspaceNotFound();
    }
    if (need.roles?.length && !need.roles.includes(membership.role)) {
      throw forbidden(
        `This action requires the ${need.roles.join(' or ')} role in this workspace`,
        'INSUFFICIENT_WORKSPACE_ROLE',
      );
    }
    return membership;
  }

  /**
   * GET /api/workspaces (HTTP-API.md): a global admin sees every workspace unless `bypassAdmin`; everyone
   * else sees their own whatever they send; a workspace-bound API token sees only its workspace.
   */
  async list(auth: AuthContext, bypassAdmin: boolean): Promise<WorkspaceItem[]> {
    if (auth.workspaceLocked) {
      if (!auth.workspace) return [];
      const row = await this.store.findForViewer(auth.workspace.id, auth.user.id);
      return row?.role ? [workspaceItem(row)] : [];
    }
    const rows =
      isGlobalAdmin(auth) && !bypassAdmin
        ? await this.store.listAll(auth.user.id)
        : await this.store.listForMember(auth.user.id);
    return rows.map(workspaceItem);
  }

  async get(auth: AuthContext, workspaceId: string): Promise<WorkspaceItem> {
    const row = await this.store.findForViewer(workspaceId, auth.user.id);
    if (!row) throw workspaceNotFound();
    return workspaceItem(row);
  }

  /** The creator becomes the owner. A workspace-bound API token cannot reach outside its workspace. */
  async create(auth: AuthContext, name: string): Promise<WorkspaceItem> {
    if (auth.workspaceLocked)
      throw forbidden('This credential is bound to one workspace', 'WORKSPACE_LOCKED');
    const id = newId();
    await this.store.create({ id, name, ownerId: auth.user.id, now: this.ctx.now() });
    await this.ctx.bus.publish(userTag(auth.user.id));
    return this.get(auth, id);
  }

  async rename(auth: AuthContext, workspaceId: string, name: string): Promise<WorkspaceItem> {
    await this.store.rename(workspaceId, name, this.ctx.now());
    // Cached principals carry the workspace name.
    await this.ctx.bus.publish(workspaceTag(workspaceId));
    return this.get(auth, workspaceId);
  }

  async remove(workspaceId: string): Promise<void> {
    await this.store.delete(workspaceId);
    await this.ctx.bus.publish(workspaceTag(workspaceId));
  }
}
