/** Built-in global roles; an admin may define more (custom_roles, kind 'global'). */
export const GLOBAL_ADMIN = 'admin';
export const GLOBAL_USER = 'user';
export const BUILT_IN_GLOBAL_ROLES: readonly string[] = [GLOBAL_ADMIN, GLOBAL_USER];

/** Built-in workspace roles. Custom ones (defined by an admin for the deployment) carry member rights. */
export const OWNER = 'owner';
export const WORKSPACE_ADMIN = 'admin';
export const MEMBER = 'member';
export const BUILT_IN_WORKSPACE_ROLES: readonly string[] = [OWNER, WORKSPACE_ADMIN, MEMBER];
