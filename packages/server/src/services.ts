import type { AppContext } from './context.js';
import { PrincipalLoader } from './features/accounts/principals.js';
import { AccountService } from './features/accounts/service.js';
import type { UserRow } from './features/accounts/store.js';
import { sessionAuthenticator } from './features/sessions/authenticator.js';
import { SessionService } from './features/sessions/service.js';
import type { ActiveWorkspace, AuthContext, Authenticator } from './http/auth-context.js';

/** What `authType: 'oauth'` sign-in returns (HTTP-API.md); provided by the tokens feature. */
export interface IssuedTokens {
  token: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

export interface TokenSignIn {
  /** Starts a token session (a new refresh family) for a user who just proved who they are. */
  issue(
    user: UserRow,
    workspace: ActiveWorkspace | null,
    request: { ip: string; userAgent: string | undefined },
  ): Promise<IssuedTokens>;
  /** Ends the token session of this request (logout with a bearer token). */
  revokeCurrent(auth: AuthContext): Promise<void>;
  /** Moves the token session of this request to another workspace; returns a fresh pair carrying it. */
  switchWorkspace(auth: AuthContext, workspace: ActiveWorkspace): Promise<IssuedTokens>;
}

/** Ends a user's other sessions of one kind when their password changes; `current` is kept. */
export type CredentialRevoker = (userId: string, current: AuthContext) => Promise<void>;

export interface Services {
  ctx: AppContext;
  principals: PrincipalLoader;
  accounts: AccountService;
  sessions: SessionService;
  /** Undefined until the tokens feature is wired; `authType: 'oauth'` is then refused with 400. */
  tokenSignIn: TokenSignIn | undefined;
  /** In the documented order: x-api-key, cookie, bearer. */
  authenticators: Authenticator[];
  revokers: CredentialRevoker[];
}

/** The composition root: every feature's service, built once per app. */
export function createServices(ctx: AppContext): Services {
  const principals = new PrincipalLoader(ctx);
  const accounts = new AccountService(ctx);
  const sessions = new SessionService(ctx);
  return {
    ctx,
    principals,
    accounts,
    sessions,
    tokenSignIn: undefined,
    authenticators: [sessionAuthenticator(ctx, sessions, principals)],
    revokers: [(userId, current) => sessions.revokeAll(userId, current.sessionId)],
  };
}
