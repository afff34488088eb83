import type { MemberRow } from '../identity/member-store.js';
import type { WorkspaceListRow } from './store.js';
import { isPrivileged } from './workspace-roles.js';

/** A workspace on the wire (Qelos `IWorkspace` fields Gatehouse has, plus the caller's standing in it). */
export interface WorkspaceItem {
  _id: string;
  name: string;
  /** The caller's role, once; empty when a global admin sees a workspace they are not a member of. */
  roles: string[];
  isPrivilegedUser: boolean;
  membersCount: number;
  created: string;
}

export interface MemberView {
  /** The member's user id (the Qelos `IWorkspaceMember.user`). */
  user: string;
  roles: string[];
  email: string;
  username: string;
  firstName: string;
  lastName: string;
  fullName: string;
  created: string;
}

export function workspaceItem(row: WorkspaceListRow): WorkspaceItem {
  return {
    _id: row.id,
    name: row.name,
    roles: row.role ? [row.role] : [],
    isPrivilegedUser: isPrivileged(row.role),
    membersCount: row.members_count,
    created: new Date(row.created_at).toISOString(),
  };
}

export function memberView(row: MemberRow): MemberView {
  return {
    user: row.user_id,
    roles: [row.role],
    email: row.email,
    username: row.username,
    firstName: row.first_name,
    lastName: row.last_name,
    fullName: [row.first_name, row.last_name].filter(Boolean).join(' ') || row.username,
    created: new Date(row.created_at).toISOString(),
  };
}
