import { type Static, Type } from '@sinclair/typebox';
import { UserView, WorkspaceView } from '../identity/schemas.js';

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

const Phone = Type.String({ maxLength: 40 });
const BirthDate = Type.String({ maxLength: 40 });

export const SignupBody = Type.Object(
  {
    /** Optional on the Qelos wire, where `username` is usually the address; one of the two must be an e-mail. */
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
    password: Password,
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    firstName: Type.Optional(Name),
    lastName: Type.Optional(Name),
    /** Used for the names when `firstName` and `lastName` are absent. */
    fullName: Type.Optional(Name),
    phone: Type.Optional(Phone),
    birthDate: Type.Optional(BirthDate),
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

/** What GET /api/me returns and may come back whole (`updateLoggedInUser`): accepted, never applied. */
const ReadOnlyUserFields = {
  _id: Type.Optional(Type.Unknown()),
  email: Type.Optional(Type.Unknown()),
  fullName: Type.Optional(Type.Unknown()),
  roles: Type.Optional(Type.Unknown()),
  workspace: Type.Optional(Type.Unknown()),
  created: Type.Optional(Type.Unknown()),
  emailVerified: Type.Optional(Type.Unknown()),
  secondFactorEnabled: Type.Optional(Type.Unknown()),
};

export const UpdateMeBody = Type.Object(
  {
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    firstName: Type.Optional(Name),
    lastName: Type.Optional(Name),
    metadata: Type.Optional(Metadata),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    birthDate: Type.Optional(Type.Union([BirthDate, Type.Null()])),
    /** A new password: only from a session that signed in within the re-authentication window. */
    password: Type.Optional(Password),
    ...ReadOnlyUserFields,
  },
  { additionalProperties: false },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const SessionPayload = Type.Object({
  payload: Type.Object({ user: UserView, workspace: WorkspaceView }),
});

export type SessionPayload = Static<typeof SessionPayload>;

/** A token sign-in's answer, and POST /api/token/refresh's (the Qelos wire; `tokenType` is always sent). */
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
export type TokenPayload = Static<typeof TokenPayload>;

/** Sign-up when the address must be confirmed first: no session yet (HTTP 202). */
export const VerificationPending = Type.Object({
  message: Type.String(),
  emailVerificationRequired: Type.Literal(true),
});

/** The second step of a sign-in: the challenge from the 401 SECOND_FACTOR_REQUIRED, and one proof. */
export const SecondFactorSigninBody = Type.Object(
  {
    challenge: Type.String({ minLength: 1, maxLength: 128 }),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    recoveryCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type SecondFactorSigninBody = Static<typeof SecondFactorSigninBody>;

export const EmailBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }) },
  { additionalProperties: false },
);
export type EmailBody = Static<typeof EmailBody>;

export const ResetPasswordBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 128 }), newPassword: Password },
  { additionalProperties: false },
);
export type ResetPasswordBody = Static<typeof ResetPasswordBody>;

export const TokenBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export type TokenBody = Static<typeof TokenBody>;

export const ChangeEmailBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    /** The current password, unless the sign-in is recent (GATEHOUSE_REAUTHENTICATION_WINDOW). */
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);
export type ChangeEmailBody = Static<typeof ChangeEmailBody>;

export const DeleteMeBody = Type.Object(
  {
    password: Type.Optional(Password),
    /** `delete` also deletes the workspaces this account is the only owner of; otherwise they block it. */
    soleOwnedWorkspaces: Type.Optional(Type.Union([Type.Literal('refuse'), Type.Literal('delete')])),
  },
  { additionalProperties: false },
);
export type DeleteMeBody = Static<typeof DeleteMeBody>;

export const Message = Type.Object({ message: Type.String() });
