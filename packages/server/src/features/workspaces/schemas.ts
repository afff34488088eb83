import { type Static, Type } from '@sinclair/typebox';
import { RoleName, UserView, WorkspaceView } from '../identity/schemas.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });

/** Trimmed by the route; must not be blank. */
const WorkspaceName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });

export const WorkspaceParams = Type.Object({ id: Id });
export const MemberParams = Type.Object({ id: Id, userId: Id });
export const InviteParams = Type.Object({ id: Id, inviteId: Id });
export const InviteTokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 128 }) });

export const ListQuery = Type.Object({ bypassAdmin: Type.Optional(Type.Boolean()) });
export type ListQuery = Static<typeof ListQuery>;

export const CreateBody = Type.Object({ name: WorkspaceName }, { additionalProperties: false });
export type CreateBody = Static<typeof CreateBody>;

export const PatchBody = Type.Object({ name: WorkspaceName }, { additionalProperties: false });
export type PatchBody = Static<typeof PatchBody>;

/**
 * The published Qelos SDK's `update` sends `PUT` with a partial workspace, often the object it read back
 * (`_id`, `roles`, `labels`…). Only `name` is applied; other fields are accepted and ignored.
 */
export const PutBody = Type.Object({ name: Type.Optional(WorkspaceName) });
export type PutBody = Static<typeof PutBody>;

export const AddMemberBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }), role: Type.Optional(RoleName) },
  { additionalProperties: false },
);
export type AddMemberBody = Static<typeof AddMemberBody>;

export const RoleBody = Type.Object({ role: RoleName }, { additionalProperties: false });
export type RoleBody = Static<typeof RoleBody>;

export const InviteBody = Type.Object(
  {
    role: Type.Optional(RoleName),
    /** When set, only the account with this email can accept. */
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
  },
  { additionalProperties: false },
);
export type InviteBody = Static<typeof InviteBody>;

export const WorkspaceItem = Type.Object({
  _id: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  isPrivilegedUser: Type.Boolean(),
  membersCount: Type.Number(),
  created: Type.String(),
});

export const MemberView = Type.Object({
  user: Type.String(),
  roles: Type.Array(Type.String()),
  email: Type.String(),
  username: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  fullName: Type.String(),
  created: Type.String(),
});

export const InviteView = Type.Object({
  _id: Type.String(),
  role: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.String(),
  created: Type.String(),
});

/** POST /api/workspaces/:id/members by anyone but a global admin: the invitation now pending (202). */
export const InvitationSent = Type.Object({ invitation: InviteView });

/** An invitation as its invitee sees it (GET /api/me/invitations). */
export const InvitationView = Type.Object({
  _id: Type.String(),
  workspace: Type.Object({ _id: Type.String(), name: Type.String() }),
  role: Type.String(),
  invitedBy: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.String(),
  created: Type.String(),
});

export const InvitationParams = Type.Object({ id: Id });

export const CreatedInvite = Type.Object({
  /** The link's secret: shown here once, never again. */
  token: Type.String(),
  invite: InviteView,
});

/**
 * The activated workspace (what the Qelos SDK's `activate` returns), plus a sign-in-like `payload`; for a
 * token session the payload carries the new pair.
 */
export const Activation = Type.Object({
  ...WorkspaceItem.properties,
  payload: Type.Object({
    token: Type.Optional(Type.String()),
    refreshToken: Type.Optional(Type.String()),
    expiresIn: Type.Optional(Type.Number()),
    tokenType: Type.Optional(Type.Literal('Bearer')),
    user: UserView,
    workspace: WorkspaceView,
  }),
});

export const Message = Type.Object({ message: Type.String() });
