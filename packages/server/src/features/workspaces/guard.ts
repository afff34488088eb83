import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { ActiveWorkspace } from '../../http/auth-context.js';
import { authOf } from '../../http/guards.js';
import type { AccessNeed, WorkspaceService } from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's membership in the route's workspace, set by the workspace guards (null otherwise). */
    workspaceMembership: ActiveWorkspace | null;
  }
}

/** Declares the request field the guards fill in; once, on the root app, before any route. */
export function registerWorkspaceRequestData(app: FastifyInstance): void {
  app.decorateRequest('workspaceMembership', null);
}

/**
 * Route guards for `/api/workspaces/:id…`, used after `requireAuth(...)` in a route's preHandler list:
 *
 *   preHandler: [requireAuth({ scope: 'workspaces:write' }), guards.requireWorkspaceRole('owner', 'admin')]
 *
 * Non-members get 404 (existence does not leak), members without the role 403; a workspace-bound API token
 * reaches only its own workspace. The membership found is available to the handler via `membershipOf`.
 */
export interface WorkspaceGuards {
  /** Any of these workspace roles; none listed means any member. */
  requireWorkspaceRole(...roles: string[]): preHandlerAsyncHookHandler;
  /** Any member, or a global admin reading a workspace they do not belong to (the admin view). */
  requireWorkspaceRead(): preHandlerAsyncHookHandler;
}

export function workspaceGuards(workspaces: WorkspaceService): WorkspaceGuards {
  const guard =
    (need: AccessNeed): preHandlerAsyncHookHandler =>
    async (request) => {
      const { id } = request.params as { id: string };
      request.workspaceMembership = await workspaces.access(authOf(request), id, need);
    };
  return {
    requireWorkspaceRole: (...roles) => guard({ roles }),
    requireWorkspaceRead: () => guard({ adminMayRead: true }),
  };
}

/** The caller's membership resolved by the guard; null when a global admin reads without being a member. */
export function membershipOf(request: FastifyRequest): ActiveWorkspace | null {
  return request.workspaceMembership;
}

/** The caller's membership on a route guarded by requireWorkspaceRole (never null there). */
export function requiredMembershipOf(request: FastifyRequest): ActiveWorkspace {
  const membership = membershipOf(request);
  if (!membership) throw new Error('requireWorkspaceRole() must guard this route');
  return membership;
}
