import { forbidden } from '../../lib/errors.js';

/** Built-in workspace roles. Custom ones (defined by an admin for the deployment) carry member rights here. */
export const OWNER = 'owner';
export const WORKSPACE_ADMIN = 'admin';
export const MEMBER = 'member';
export const BUILT_IN_WORKSPACE_ROLES: readonly string[] = [OWNER, WORKSPACE_ADMIN, MEMBER];

/** Roles that may rename the workspace, manage its members and create invite links. */
export const MANAGER_ROLES: readonly string[] = [OWNER, WORKSPACE_ADMIN];

/** `isPrivilegedUser` on the Qelos wire: the caller manages this workspace. */
export function isPrivileged(role: string | null): boolean {
  return role !== null && MANAGER_ROLES.includes(role);
}

/**
 * Ownership is handed out and taken away only by an owner; an admin manages everyone else. Without this,
 * a workspace admin could promote themselves to owner or remove the owners (privilege escalation).
 */
export function assertMayAssign(actorRole: string, currentRole: string | null, newRole: string | null): void {
  if (actorRole === OWNER) return;
  if (!MANAGER_ROLES.includes(actorRole))
    throw forbidden('Only owners and admins manage members', 'INSUFFICIENT_WORKSPACE_ROLE');
  if (currentRole === OWNER || newRole === OWNER)
    throw forbidden('Only an owner can grant or take away ownership', 'INSUFFICIENT_WORKSPACE_ROLE');
}
