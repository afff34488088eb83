import type { GatehouseClient } from './client.js';
import type { RequestOptions } from './options.js';
import { segment } from './path.js';

/** A user as the admin list shows it: no active workspace, no metadata. */
export interface AdminUser {
  _id: string;
  username: string;
  email: string;
  firstName?: string;
  lastName?: string;
  fullName?: string;
  /** Global roles. */
  roles: string[];
  /** ISO 8601 creation time. */
  created?: string;
  /** A disabled account can neither sign in nor use any credential until enabled again. */
  disabled?: boolean;
  emailVerified?: boolean;
  secondFactorEnabled?: boolean;
  [field: string]: unknown;
}

/** A new account; without `password` the person gets an invitation e-mail to choose one. */
export interface NewUser {
  email: string;
  password?: string;
  roles?: string[];
  username?: string;
  firstName?: string;
  lastName?: string;
}

/** What happens to workspaces only the deleted user owns: refused (409 `LAST_OWNER`), deleted, or handed over. */
export type SoleOwnedWorkspaces =
  | { soleOwnedWorkspaces?: 'refuse' | 'delete' }
  | { soleOwnedWorkspaces: 'transfer'; transferTo: string };

/** One admin action in the audit trail (`user.disable`, `auth_configuration.update`, …). */
export interface AuditRecord {
  _id: string;
  action: string;
  /** Null for command-line actions. */
  actor: { _id: string; email: string } | null;
  target: { _id: string; email: string } | null;
  detail: Record<string, unknown>;
  ip: string | null;
  /** ISO 8601. */
  created: string;
}

export interface AuditQuery {
  /** Only actions on this user. */
  targetId?: string;
  /** Only actions by this admin. */
  actorId?: string;
  /** 1 to 200, default 50. */
  limit?: number;
  offset?: number;
}

/** `global` roles are held by users (`admin`, `user`, custom); `workspace` roles by members of a workspace. */
export type RoleKind = 'global' | 'workspace';

export interface Role {
  name: string;
  /** Built-in roles (`admin`, `user`; `owner`, `admin`, `member`) cannot be deleted. */
  builtIn: boolean;
  description: string;
  /** ISO 8601; null for a built-in role. */
  created: string | null;
}

/** The admin-editable authentication settings (the Qelos `auth-configuration` names). */
export interface AuthConfiguration {
  /** Master switch for API tokens: off refuses creating them and stops every existing one. */
  allowUserTokenAuthentication: boolean;
  /** Who may use API tokens: a global role in `roles`, or a workspace role in `wsRoles`; `*` is any role. */
  tokenAuthenticationPermissions: { roles: string[]; wsRoles: string[] };
  /** Live tokens one user may hold. */
  maxTokensPerUser: number;
  /** Allows `expiresAt: 'never'` and dates more than a year away. */
  allowNeverExpiring: boolean;
  /** Accepts `?api_key=` besides the `x-api-key` header. */
  allowQueryParameter: boolean;
  /** `required` refuses sign-in until the address is confirmed; `off` sends no links. */
  emailVerification: 'off' | 'optional' | 'required';
  /** Who must have a second factor before doing anything but enrolling. */
  requireSecondFactor: 'off' | 'admins' | 'everyone';
}

/** A partial change; lists inside `tokenAuthenticationPermissions` replace the stored ones. */
export type AuthConfigurationChanges = Partial<
  Omit<AuthConfiguration, 'tokenAuthenticationPermissions'> & {
    tokenAuthenticationPermissions: Partial<AuthConfiguration['tokenAuthenticationPermissions']>;
  }
>;

/**
 * Settings fixed by the deployment's environment (`GATEHOUSE_*` variables, read at start); durations in
 * seconds. Read-only: change the variable and restart.
 */
export interface DeploymentSettings {
  signup: 'open' | 'closed';
  publicUrl: string;
  sessions: { idleTtl: number; absoluteTtl: number; rememberTtl: number };
  tokens: { accessTtl: number; refreshTtl: number; refreshIdleTtl: number };
  /** `decaySeconds`: failed guesses older than this no longer count. */
  lockout: {
    threshold: number;
    baseSeconds: number;
    maxSeconds: number;
    decaySeconds: number;
    signinRatePerMinute: number;
  };
  inviteTtl: number;
}

export interface UserListQuery {
  /** Matches email, username and names. */
  q?: string;
  /** 1 to 200, default 50. */
  limit?: number;
  offset?: number;
}

/**
 * Deployment administration: users' global roles, the role catalogue and the authentication settings.
 * Every call needs a global `admin` signed in with a session or token (never an API token); anyone else
 * gets 403. Available as `sdk.admin`.
 */
export class Admin {
  /** @internal The request core, shared with `@gatehouse/sdk/integrations`. */
  constructor(readonly client: GatehouseClient) {}

  /**
   * Lists users, newest first, optionally filtered. Ask for one more than a page to know whether a next
   * page exists.
   *
   * @example
   * ```ts
   * const page = await sdk.admin.listUsers({ q: 'example.com', limit: 25, offset: 0 });
   * ```
   */
  async listUsers(query: UserListQuery = {}, options?: RequestOptions): Promise<AdminUser[]> {
    return this.client.request({
      method: 'GET',
      path: '/api/admin/users',
      query: { q: query.q, limit: query.limit, offset: query.offset },
      options,
    });
  }

  /**
   * Replaces a user's global roles. Refused (409 `LAST_ADMIN`) when it would leave no admin.
   *
   * @example
   * ```ts
   * await sdk.admin.setUserRoles(userId, ['user', 'admin']);
   * ```
   */
  async setUserRoles(userId: string, roles: string[], options?: RequestOptions): Promise<AdminUser> {
    return this.client.request({
      method: 'PUT',
      path: `/api/admin/users/${segment(userId)}/roles`,
      body: { roles },
      options,
    });
  }

  /**
   * Creates an account. Without `password`, the person is e-mailed an invitation to choose one.
   *
   * @example
   * ```ts
   * const user = await sdk.admin.createUser({ email: 'grace@example.com', roles: ['user'] });
   * ```
   */
  async createUser(user: NewUser, options?: RequestOptions): Promise<AdminUser> {
    return this.client.request({ method: 'POST', path: '/api/admin/users', body: user, options });
  }

  /**
   * Reads one user, with `disabled`.
   *
   * @example
   * ```ts
   * const { disabled } = await sdk.admin.getUser(userId);
   * ```
   */
  async getUser(userId: string, options?: RequestOptions): Promise<AdminUser> {
    return this.client.request({ method: 'GET', path: userPath(userId), options });
  }

  /**
   * Disables (`true`) or enables (`false`) an account. Disabling ends its sessions at once and refuses
   * every credential of it, API tokens included, until it is enabled again.
   *
   * @example
   * ```ts
   * await sdk.admin.setUserDisabled(userId, true);
   * ```
   */
  async setUserDisabled(userId: string, disabled: boolean, options?: RequestOptions): Promise<AdminUser> {
    const path = `${userPath(userId)}/${disabled ? 'disable' : 'enable'}`;
    return this.client.request({ method: 'POST', path, options });
  }

  /**
   * Deletes an account. Refused (409 `LAST_OWNER`, naming them) while it is the only owner of workspaces,
   * unless told to delete them or hand them over; the last admin cannot be deleted (409 `LAST_ADMIN`).
   *
   * @example
   * ```ts
   * await sdk.admin.deleteUser(userId, { soleOwnedWorkspaces: 'transfer', transferTo: heirId });
   * ```
   */
  async deleteUser(
    userId: string,
    choice: SoleOwnedWorkspaces = {},
    options?: RequestOptions,
  ): Promise<void> {
    await this.client.request({ method: 'DELETE', path: userPath(userId), body: choice, options });
  }

  /**
   * Signs a user out everywhere: every browser session and token sign-in ends.
   *
   * @example
   * ```ts
   * await sdk.admin.endUserSessions(userId);
   * ```
   */
  async endUserSessions(userId: string, options?: RequestOptions): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `${userPath(userId)}/sessions`, options });
  }

  /**
   * Sets a user's password; every sign-in of the user ends.
   *
   * @example
   * ```ts
   * await sdk.admin.setUserPassword(userId, 'a temporary long secret');
   * ```
   */
  async setUserPassword(userId: string, password: string, options?: RequestOptions): Promise<void> {
    const path = `${userPath(userId)}/password`;
    await this.client.request({ method: 'PUT', path, body: { password }, options });
  }

  /**
   * E-mails the user a link to choose a new password.
   *
   * @example
   * ```ts
   * await sdk.admin.sendPasswordResetLink(userId);
   * ```
   */
  async sendPasswordResetLink(userId: string, options?: RequestOptions): Promise<void> {
    await this.client.request({ method: 'POST', path: `${userPath(userId)}/reset-link`, options });
  }

  /**
   * Reads the audit trail of admin actions, newest first.
   *
   * @example
   * ```ts
   * const history = await sdk.admin.listAudit({ targetId: userId, limit: 20 });
   * ```
   */
  async listAudit(query: AuditQuery = {}, options?: RequestOptions): Promise<AuditRecord[]> {
    return this.client.request({ method: 'GET', path: '/api/admin/audit', query: { ...query }, options });
  }

  /**
   * Lists the built-in and custom roles of one kind.
   *
   * @example
   * ```ts
   * const roles = await sdk.admin.listRoles('global');
   * ```
   */
  async listRoles(kind: RoleKind, options?: RequestOptions): Promise<Role[]> {
    return this.client.request({ method: 'GET', path: rolesPath(kind), options });
  }

  /**
   * Creates a custom role (lower-case letters, digits, `_` and `-`).
   *
   * @example
   * ```ts
   * await sdk.admin.createRole('workspace', { name: 'billing', description: 'Sees invoices' });
   * ```
   */
  async createRole(
    kind: RoleKind,
    role: { name: string; description?: string },
    options?: RequestOptions,
  ): Promise<Role> {
    return this.client.request({ method: 'POST', path: rolesPath(kind), body: role, options });
  }

  /**
   * Deletes a custom role. A global role is taken from every user holding it; a workspace role still
   * held by a member is refused (409 `ROLE_IN_USE`).
   *
   * @example
   * ```ts
   * await sdk.admin.deleteRole('global', 'auditor');
   * ```
   */
  async deleteRole(kind: RoleKind, name: string, options?: RequestOptions): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `${rolesPath(kind)}/${segment(name)}`, options });
  }

  /**
   * Reads the authentication settings.
   *
   * @example
   * ```ts
   * const { allowUserTokenAuthentication } = await sdk.admin.getAuthConfiguration();
   * ```
   */
  async getAuthConfiguration(options?: RequestOptions): Promise<AuthConfiguration> {
    return this.client.request({ method: 'GET', path: '/api/admin/auth-configuration', options });
  }

  /**
   * Changes some authentication settings; every instance applies them on its next request.
   *
   * @example
   * ```ts
   * await sdk.admin.updateAuthConfiguration({ allowUserTokenAuthentication: false });
   * ```
   */
  async updateAuthConfiguration(
    changes: AuthConfigurationChanges,
    options?: RequestOptions,
  ): Promise<AuthConfiguration> {
    return this.client.request({
      method: 'PATCH',
      path: '/api/admin/auth-configuration',
      body: changes,
      options,
    });
  }

  /**
   * Reads the settings fixed by the environment: sign-up, session and token lifetimes, lockout thresholds.
   *
   * @example
   * ```ts
   * const { tokens } = await sdk.admin.getDeploymentSettings();
   * console.log('access tokens live', tokens.accessTtl, 'seconds');
   * ```
   */
  async getDeploymentSettings(options?: RequestOptions): Promise<DeploymentSettings> {
    return this.client.request({ method: 'GET', path: '/api/admin/deployment-settings', options });
  }
}

function userPath(userId: string): string {
  return `/api/admin/users/${segment(userId)}`;
}

function rolesPath(kind: RoleKind): string {
  return kind === 'global' ? '/api/admin/roles' : '/api/admin/workspace-roles';
}
