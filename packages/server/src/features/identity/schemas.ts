import { Type } from '@sinclair/typebox';

/** Role names: lower-case, so they are safe in messages and in the JSON role lists. */
export const RoleName = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,39}$' });

/** `/api/admin/users/:id`. */
export const UserParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const WorkspaceView = Type.Union([
  Type.Object({ _id: Type.String(), name: Type.String(), roles: Type.Array(Type.String()) }),
  Type.Null(),
]);

/** The user object on the wire; used as a compiled response schema (fast serialisation, and nothing else leaks). */
export const UserView = Type.Object({
  _id: Type.String(),
  username: Type.String(),
  email: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  fullName: Type.String(),
  roles: Type.Array(Type.String()),
  workspace: WorkspaceView,
  metadata: Type.Record(Type.String(), Type.Unknown()),
  phone: Type.Union([Type.String(), Type.Null()]),
  birthDate: Type.Union([Type.String(), Type.Null()]),
  created: Type.String(),
  emailVerified: Type.Boolean(),
  secondFactorEnabled: Type.Boolean(),
});

/** A user as the admin list shows it: no workspace, no metadata, never a hash. */
export const AdminUser = Type.Omit(UserView, ['workspace', 'metadata']);

/** A user as the admin API shows them: the listing fields plus whether the account is disabled. */
export const AdminUserDetail = Type.Composite([
  AdminUser,
  Type.Object({ disabled: Type.Boolean(), disabledAt: Type.Union([Type.String(), Type.Null()]) }),
]);
