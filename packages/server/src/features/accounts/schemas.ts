import { type Static, Type } from '@sinclair/typebox';

/** Generous outer bounds: checked by the schema before any hashing, so a huge password never reaches argon2. */
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Name = Type.String({ maxLength: 200 });

/** Free-form profile data the application owns: bounded, as it is stored and returned with every profile. */
const Metadata = Type.Record(Type.String({ maxLength: 200 }), Type.Unknown(), {
  maxProperties: 100,
  maxDepth: 8,
  maxBytes: 16 * 1024,
});

export const AuthType = Type.Union([Type.Literal('cookie'), Type.Literal('oauth')]);

export const SignupBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    password: Password,
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    firstName: Type.Optional(Name),
    lastName: Type.Optional(Name),
    authType: Type.Optional(AuthType),
  },
  { additionalProperties: false },
);
export type SignupBody = Static<typeof SignupBody>;

export const SigninBody = Type.Object(
  {
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    password: Password,
    authType: Type.Optional(AuthType),
    workspace: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** "Remember me": a persistent cookie living up to GATEHOUSE_SESSION_REMEMBER_TTL. */
    remember: Type.Optional(Type.Boolean()),
    /** Qelos clients may send roles; they are never trusted, only tolerated. */
    roles: Type.Optional(Type.Array(Type.String(), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type SigninBody = Static<typeof SigninBody>;

export const UpdateMeBody = Type.Object(
  {
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    firstName: Type.Optional(Name),
    lastName: Type.Optional(Name),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

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
  created: Type.String(),
});

export const SessionPayload = Type.Object({
  payload: Type.Object({ user: UserView, workspace: WorkspaceView }),
});

export const TokenPayload = Type.Object({
  payload: Type.Object({
    token: Type.String(),
    refreshToken: Type.String(),
    expiresIn: Type.Number(),
    tokenType: Type.Literal('Bearer'),
    user: UserView,
    workspace: WorkspaceView,
  }),
});
