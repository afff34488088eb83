/** Built-in global roles; an admin may define more (custom_roles, kind 'global'). */
export const GLOBAL_ADMIN = 'admin';
export const GLOBAL_USER = 'user';
export const BUILT_IN_GLOBAL_ROLES: readonly string[] = [GLOBAL_ADMIN, GLOBAL_USER];
