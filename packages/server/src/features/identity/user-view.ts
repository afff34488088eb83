import type { ActiveWorkspace, AuthUser } from '../../http/auth-context.js';
import type { UserRow } from './user-store.js';

/** The public user object of the Qelos wire: `{_id, username, email, firstName, lastName, fullName, roles, workspace, …}`. */
export interface UserView {
  _id: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  fullName: string;
  roles: string[];
  workspace: WorkspaceView | null;
  metadata: Record<string, unknown>;
  phone: string | null;
  /** `YYYY-MM-DD`. */
  birthDate: string | null;
  created: string;
  /** True once the owner confirmed the address (a verification link, an invitation, a reset link). */
  emailVerified: boolean;
  /** True when sign-in asks for a second factor (TOTP). */
  secondFactorEnabled: boolean;
}

export interface WorkspaceView {
  _id: string;
  name: string;
  roles: string[];
}

export function workspaceView(workspace: ActiveWorkspace | null): WorkspaceView | null {
  return workspace ? { _id: workspace.id, name: workspace.name, roles: [workspace.role] } : null;
}

export function parseRoles(row: Pick<UserRow, 'roles'>): string[] {
  return JSON.parse(row.roles) as string[];
}

/** Never includes the password hash: the view is built field by field, not spread from the row. */
export function userView(row: UserRow, workspace: ActiveWorkspace | null): UserView {
  const fullName = [row.first_name, row.last_name].filter(Boolean).join(' ') || row.username;
  return {
    _id: row.id,
    username: row.username,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    fullName,
    roles: parseRoles(row),
    workspace: workspaceView(workspace),
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    phone: row.phone,
    birthDate: row.birth_date,
    created: new Date(row.created_at).toISOString(),
    emailVerified: row.email_verified_at !== null,
    secondFactorEnabled: row.second_factor_at !== null,
  };
}

/**
 * Views built from a cached row, kept with it: the principal cache (principals.ts) hands every request the
 * same row object until the user changes, so parsing its JSON columns and formatting its dates again on
 * every request would only rebuild the same values. A changed user is a new row object (read afresh after
 * the invalidation), so a view never outlives the row it was made from. Frozen: it is shared by requests.
 */
const authUsers = new WeakMap<UserRow, AuthUser>();
const userViews = new WeakMap<UserRow, { workspace: ActiveWorkspace | null; view: UserView }>();

/** The user as a request's AuthContext carries it, from the principal's current row (shared, read-only). */
export function authUser(row: UserRow): AuthUser {
  let user = authUsers.get(row);
  if (!user) {
    user = Object.freeze({
      id: row.id,
      email: row.email,
      roles: Object.freeze(parseRoles(row)),
      secondFactor: row.second_factor_at !== null,
      emailVerified: row.email_verified_at !== null,
    });
    authUsers.set(row, user);
  }
  return user;
}

/**
 * userView of a cached principal (GET /api/me, on every check of a credential): built once per row and
 * workspace membership, and read-only, since it is only serialized.
 */
export function sharedUserView(row: UserRow, workspace: ActiveWorkspace | null): UserView {
  const cached = userViews.get(row);
  if (cached && cached.workspace === workspace) return cached.view;
  const view = userView(row, workspace);
  userViews.set(row, { workspace, view });
  return view;
}

/** A user as the admin API shows them (AdminUserDetail): the user view plus whether the account is disabled. */
export function adminUserView(row: UserRow) {
  return {
    ...userView(row, null),
    disabled: row.disabled_at !== null,
    disabledAt: row.disabled_at === null ? null : new Date(row.disabled_at).toISOString(),
  };
}
