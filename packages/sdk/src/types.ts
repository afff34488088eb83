/**
 * Wire objects of the `/api` endpoints (HTTP-API.md). Shapes follow the Qelos SDK so code written
 * against it keeps compiling; fields the server may add later are allowed through the index signature.
 */

import type { WorkspaceInvite } from './workspace-invites.js';

/** The signed-in user, as `GET /api/me` returns it. */
export interface User {
  _id: string;
  username: string;
  email: string;
  firstName?: string;
  lastName?: string;
  fullName?: string;
  roles: string[];
  /** The active workspace with the user's roles in it, or null when none is active. */
  workspace?: Workspace | null;
  /** Free-form profile data the application owns. */
  metadata?: Record<string, unknown>;
  phone?: string | null;
  /** `YYYY-MM-DD`. */
  birthDate?: string | null;
  /** ISO 8601 creation time. */
  created?: string;
  /** True once the owner confirmed the address. */
  emailVerified?: boolean;
  /** True when sign-in asks for a second factor. */
  secondFactorEnabled?: boolean;
  [field: string]: unknown;
}

export interface Workspace {
  _id: string;
  name: string;
  /** The caller's roles in this workspace (`owner`, `admin`, `member` or a custom role). */
  roles?: string[];
  /** True when the caller manages this workspace (owner or admin). */
  isPrivilegedUser?: boolean;
  membersCount?: number;
  /** ISO 8601 creation time. */
  created?: string;
  [field: string]: unknown;
}

export interface WorkspaceMember {
  /** The member's user id. */
  user: string;
  roles: string[];
  email?: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  fullName?: string;
  /** When the user joined the workspace (ISO 8601). */
  created?: string;
  [field: string]: unknown;
}

/** An API token as listed; the secret itself is only ever returned once, by `createApiToken`. */
export interface ApiToken {
  _id: string;
  nickname: string;
  /** The first characters of the secret, so a user can tell tokens apart. */
  tokenPrefix: string;
  scopes: string[];
  workspace: { _id: string; name: string } | null;
  /** ISO 8601; null for a token that never expires (when the server allows those). */
  expiresAt: string | null;
  lastUsedAt: string | null;
  usageCount: number;
  created: string;
  /** `rotating` while a rotation's overlap runs (see `rotation`); `expired` past `expiresAt`. */
  status?: 'active' | 'rotating' | 'expired';
  /** True when the token stops working within 7 days. */
  expiresSoon?: boolean;
  /** On a token being rotated out: its successor's id and when this token stops working (ISO 8601). */
  rotation?: { successor: string; endsAt: string } | null;
  /** On a successor: the id of the token it replaces, while that one is listed. */
  replaces?: string | null;
}

/** What `rotateApiToken` answers. */
export interface RotatedApiToken {
  /** The successor's raw secret. Shown only here, once: store it now. */
  token: string;
  /** The successor. */
  apiToken: ApiToken;
  /** The old token, now rotating: it works until `rotation.endsAt`. */
  rotated: ApiToken;
}

/** The challenge a password sign-in answers when a second factor must complete it. */
export interface SecondFactorChallenge {
  /** Pass it to `completeSignin` with a code; it works once, for `expiresIn` seconds. */
  challenge: string;
  expiresIn: number;
  methods: Array<'totp' | 'recovery_code'>;
}

/** A code from the authenticator app, or one of the recovery codes. */
export type SecondFactorProof = { code: string } | { recoveryCode: string };

/** Proof for sensitive changes: a current second-factor code, or the password (or a recent sign-in). */
export interface SensitiveChangeProof {
  code?: string;
  recoveryCode?: string;
  password?: string;
}

export interface SecondFactorStatus {
  enabled: boolean;
  /** True between `enrolTotp` and `confirmTotp`. */
  pending: boolean;
  recoveryCodesLeft: number;
}

export interface TotpEnrolment {
  /** Base32 secret, for typing into an app by hand. */
  secret: string;
  /** `otpauth://totp/…`: render it as a QR code for the app to scan. */
  otpauthUri: string;
}

/** Everything the server keeps about the signed-in account (`GET /api/me/export`). */
export interface AccountExport {
  exportedAt: string;
  profile: User & { emailVerifiedAt: string | null; updated: string; hasPassword: boolean };
  memberships: Array<{ workspace: { _id: string; name: string }; role: string; joined: string }>;
  sessions: Array<{
    _id: string;
    createdAt: string;
    lastSeenAt: string;
    userAgent: string | null;
    ip: string | null;
  }>;
  tokenSessions: Array<{
    _id: string;
    createdAt: string;
    expiresAt: string;
    userAgent: string | null;
    ip: string | null;
  }>;
  apiTokens: ApiToken[];
  secondFactor: { enabled: boolean; enabledAt: string | null; recoveryCodesLeft: number };
  linkedIdentities: Array<{ provider: string; subject: string; email: string | null; linkedAt: string }>;
}

/** A signed-in device or browser of the current user. */
export interface Session {
  _id: string;
  /** True for the session that made this request. */
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
}

/** What a sign-in page may offer (`GET /api/sign-in-options`). */
export interface SignInOptions {
  /** `open`: anyone may create an account with `signup`; `closed`: an administrator creates them. */
  signup: 'open' | 'closed';
  /** Enabled social providers, for "Continue with …" buttons; `url` starts the sign-in in the browser. */
  providers?: Array<{ name: string; displayName: string; url: string }>;
}

/**
 * A token sign-in of the current user (a refresh-token family started by `oAuthSignin`): a phone app, a
 * CLI, a script that signed in with a password. Never carries a token.
 */
export interface TokenSession {
  _id: string;
  /** True when the access token making this request belongs to it. */
  current: boolean;
  createdAt: string;
  /** The sign-in or its latest refresh, whichever came last. */
  lastUsedAt: string;
  /** Without a refresh by then it ends. */
  expiresAt: string;
  userAgent: string | null;
  ip: string | null;
  workspace: { _id: string; name: string } | null;
}

/** An app the user connected with OAuth (GET /api/me/oauth-grants). */
export interface OAuthGrant {
  clientId: string;
  clientName: string;
  scopes: string[];
  created: string;
  /** The latest token issued to it; null for a consent not used since. */
  lastUsedAt: string | null;
}

/** `{ payload: { user, workspace } }`: what cookie sign-in, sign-up and the social callback answer. */
export interface SessionSignin {
  payload: { user: User; workspace: Workspace | null };
  /**
   * Set only by `signup` when the deployment requires a confirmed address (HTTP 202): there is then no
   * session and no `payload`; `message` says where the confirmation link went.
   */
  emailVerificationRequired?: true;
  message?: string;
}

/** What token sign-in, sign-up and refresh answer: the pair plus the user. */
export interface TokenSignin {
  payload: {
    token: string;
    refreshToken: string;
    /** Access-token lifetime in seconds. */
    expiresIn: number;
    tokenType?: 'Bearer';
    user: User;
    workspace: Workspace | null;
  };
}

export interface SigninCredentials {
  /** The username or email; `email` is accepted instead. */
  username?: string;
  email?: string;
  password: string;
  /** Id of the workspace to activate on sign-in. */
  workspace?: string;
  /** Cookie sessions only: a persistent cookie instead of one that ends with the browser. */
  remember?: boolean;
}

export interface SignupInformation {
  email: string;
  password: string;
  username?: string;
  firstName?: string;
  lastName?: string;
}

/** Fields `updateLoggedInUser` may change. */
export interface ProfileChanges {
  username?: string;
  firstName?: string;
  lastName?: string;
  metadata?: Record<string, unknown>;
}

export interface NewApiToken {
  nickname: string;
  /** An ISO 8601 date-time, or a lifetime the server understands: `30d`, `90d`, `1y`, `never` (if allowed). */
  expiresAt: string;
  /** Bind the token to this workspace; it can then never act in another one. */
  workspace?: string;
  scopes?: string[];
}

export interface CreatedApiToken {
  /** The raw secret. Shown only here, once: store it now. */
  token: string;
  apiToken: ApiToken;
}

/** Providers Gatehouse knows by name; any configured OpenID Connect provider id also works. */
export type SocialProvider = 'google' | 'github' | 'facebook' | 'linkedin' | (string & {});

export interface SocialLoginOptions {
  /** Opaque CSRF value echoed back on return; persist it and compare. */
  state?: string;
  /** Where Gatehouse sends the browser afterwards; its origin must be allow-listed on the server. */
  returnUrl?: string;
}

/**
 * `POST /api/workspaces/:id/activate`: the activated workspace (as Qelos returns it) plus a sign-in-like
 * `payload`. For a token session the payload also carries the new pair scoped to the workspace, which
 * the SDK stores.
 */
export interface WorkspaceActivation extends Workspace {
  payload?: {
    user?: User;
    workspace?: Workspace | null;
    token?: string;
    refreshToken?: string;
    expiresIn?: number;
    tokenType?: 'Bearer';
  };
}

/** A pending invitation addressed to the signed-in user, as `sdk.workspaces.invitations.list()` returns it. */
export interface WorkspaceInvitation {
  _id: string;
  workspace: { _id: string; name: string };
  /** The workspace role accepting gives. */
  role: string;
  /** The name of whoever sent it; null when that account no longer exists. */
  invitedBy: string | null;
  /** ISO 8601. */
  expiresAt: string;
  /** ISO 8601. */
  created: string;
}

/**
 * What `sdk.workspaces.members.add` did. A global admin adds the account at once (`added`); anyone else
 * sends an invitation the person accepts or declines (`invited`), with the same answer whether or not the
 * address has an account.
 */
export type MemberAddition =
  | { status: 'added'; member: WorkspaceMember }
  | { status: 'invited'; invitation: WorkspaceInvite };
