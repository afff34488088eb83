/**
 * Wire objects of the `/api` endpoints (HTTP-API.md). Shapes follow the Qelos SDK so code written
 * against it keeps compiling; fields the server may add later are allowed through the index signature.
 */

/** The signed-in user, as `GET /api/me` returns it. */
export interface User {
  _id: string;
  username: string;
  email: string;
  firstName?: string;
  lastName?: string;
  fullName?: string;
  roles: string[];
  /** The active workspace: its id, the workspace itself, or null when none is active. */
  workspace?: string | Workspace | null;
  [field: string]: unknown;
}

export interface Workspace {
  _id: string;
  name: string;
  /** The caller's roles in this workspace. */
  roles?: string[];
  [field: string]: unknown;
}

export interface WorkspaceMember {
  /** The member's user id. */
  user: string;
  roles: string[];
  email?: string;
  fullName?: string;
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
  expiresAt: string;
  lastUsedAt: string | null;
  usageCount: number;
  created: string;
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

/** `{ payload: { user, workspace } }`: what cookie sign-in, sign-up and the social callback answer. */
export interface SessionSignin {
  payload: { user: User; workspace: Workspace | null };
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
}

export interface SignupInformation {
  email: string;
  password: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  [field: string]: unknown;
}

export interface NewApiToken {
  nickname: string;
  /** ISO 8601 date-time. */
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
 * `POST /api/workspaces/:id/activate`. For a token session the server also mints a new pair carrying
 * the new workspace, which the SDK stores.
 */
export interface WorkspaceActivation {
  payload?: {
    workspace?: Workspace;
    user?: User;
    token?: string;
    refreshToken?: string;
    expiresIn?: number;
  };
  [field: string]: unknown;
}
