import { AppError } from '../../lib/errors.js';
import type { CustomRoleRow, RoleKind, RoleStore } from './role-store.js';
import { BUILT_IN_GLOBAL_ROLES, BUILT_IN_WORKSPACE_ROLES } from './roles.js';

/** A role as the admin API lists it. */
export interface RoleView {
  name: string;
  builtIn: boolean;
  description: string;
  created: string | null;
}

export const builtInRoles = (kind: RoleKind): readonly string[] =>
  kind === 'global' ? BUILT_IN_GLOBAL_ROLES : BUILT_IN_WORKSPACE_ROLES;

export function roleViews(kind: RoleKind, custom: readonly CustomRoleRow[]): RoleView[] {
  return [
    ...builtInRoles(kind).map((name) => ({ name, builtIn: true, description: '', created: null })),
    ...custom.map((row) => ({
      name: row.name,
      builtIn: false,
      description: row.description,
      created: new Date(row.created_at).toISOString(),
    })),
  ];
}

/**
 * Refuses any name that is neither built in nor defined. Call it inside the transaction that assigns the
 * roles: on PostgreSQL the role rows are share-locked there, so they cannot be deleted under the assignment.
 */
export async function assertRolesDefined(
  store: RoleStore,
  kind: RoleKind,
  names: readonly string[],
  field = 'role',
): Promise<void> {
  const builtIn = builtInRoles(kind);
  const custom = [...new Set(names.filter((name) => !builtIn.includes(name)))];
  const defined = await store.existing(kind, custom);
  const unknown = custom.find((name) => !defined.has(name));
  if (unknown !== undefined) {
    throw new AppError(400, 'UNKNOWN_ROLE', `"${unknown}" is not a defined ${kind} role`, {
      errors: { [field]: 'is not a defined role' },
    });
  }
}
