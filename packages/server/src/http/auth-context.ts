import type { FastifyRequest } from 'fastify';

/** How the current request proved who it is. */
export type CredentialKind = 'session' | 'access_token' | 'api_token';

export interface AuthUser {
  id: string;
  email: string;
  roles: readonly string[];
  /** True when the user has a confirmed second factor (the "second factor required" policy reads it). */
  secondFactor: boolean;
  /** True once the user proved they own the address (a verification link, a reset link, or an admin). */
  emailVerified: boolean;
}

export interface ActiveWorkspace {
  id: string;
  name: string;
  /** The user's role in this workspace. */
  role: string;
}

/** Put on every request by the authenticate hook; null when the request carries no credential. */
export interface AuthContext {
  kind: CredentialKind;
  user: AuthUser;
  workspace: ActiveWorkspace | null;
  /** Scopes the credential is limited to; null means the user's full rights (sessions and first-party tokens). */
  scopes: string[] | null;
  /** Public session id (cookie sessions). */
  sessionId?: string;
  /** Refresh-token family (token sessions). */
  familyId?: string;
  /** API token id (x-api-key). */
  apiTokenId?: string;
  /** Set when the credential cannot change workspace (a workspace-bound API token). */
  workspaceLocked?: boolean;
  /** When the user last proved who they are for this credential (sign-in time of a session or token family). */
  authenticatedAt?: number;
  /** A `Warning` response header to send (an API token near its end or being rotated out). */
  warning?: string;
}

/**
 * One way of presenting a credential. The hook asks each in the documented order (x-api-key, cookie,
 * bearer) and the first that finds its credential on the request decides: a bad credential is a 401,
 * never a fall-through to anonymous.
 */
export interface Authenticator {
  kind: CredentialKind;
  /** The raw credential on this request, if any. */
  extract(request: FastifyRequest): string | undefined;
  /** Returns the context, or throws an AppError 401. */
  verify(credential: string, request: FastifyRequest): Promise<AuthContext>;
  /**
   * `verify` answered from memory alone, with the same checks in the same order, when everything it needs
   * is cached (the steady state of a credential in use); undefined when something is not, and `verify`
   * then decides. Throws what `verify` would. Spares an authenticated request its promises and microtasks.
   */
  verifyCached?(credential: string, request: FastifyRequest): AuthContext | undefined;
}
