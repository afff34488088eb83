import { type Static, Type } from '@sinclair/typebox';
import { UserView } from '../accounts/schemas.js';
import type { UserRow } from '../accounts/store.js';
import { userView } from '../accounts/user-view.js';
import { RoleName } from '../workspaces/schemas.js';

export const UserListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 320 })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
export type UserListQuery = Static<typeof UserListQuery>;

export const UserParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const RoleParams = Type.Object({ name: RoleName });

export const SetRolesBody = Type.Object(
  { roles: Type.Array(RoleName, { maxItems: 20 }) },
  { additionalProperties: false },
);
export type SetRolesBody = Static<typeof SetRolesBody>;

export const CreateRoleBody = Type.Object(
  { name: RoleName, description: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export type CreateRoleBody = Static<typeof CreateRoleBody>;

/** A user as the admin list shows it: no workspace, no metadata, never a hash. */
export const AdminUser = Type.Omit(UserView, ['workspace', 'metadata']);

export const Role = Type.Object({
  name: Type.String(),
  builtIn: Type.Boolean(),
  description: Type.String(),
  created: Type.Union([Type.String(), Type.Null()]),
});

export const Message = Type.Object({ message: Type.String() });

/** A user as the admin API shows them: the listing fields plus whether the account is disabled. */
export const AdminUserDetail = Type.Composite([
  AdminUser,
  Type.Object({ disabled: Type.Boolean(), disabledAt: Type.Union([Type.String(), Type.Null()]) }),
]);

export function adminUserView(row: UserRow) {
  return {
    ...userView(row, null),
    disabled: row.disabled_at !== null,
    disabledAt: row.disabled_at === null ? null : new Date(row.disabled_at).toISOString(),
  };
}
