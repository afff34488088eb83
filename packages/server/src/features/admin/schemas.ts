import { type Static, Type } from '@sinclair/typebox';
import { RoleName } from '../identity/schemas.js';

export const UserListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 320 })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
export type UserListQuery = Static<typeof UserListQuery>;

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

export const Role = Type.Object({
  name: Type.String(),
  builtIn: Type.Boolean(),
  description: Type.String(),
  created: Type.Union([Type.String(), Type.Null()]),
});

export const Message = Type.Object({ message: Type.String() });
