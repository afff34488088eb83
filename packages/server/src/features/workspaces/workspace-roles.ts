import { forbidden } from '../../lib/errors.js';
import { OWNER, WORKSPACE_ADMIN } from '../identity/roles.js';

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
