import type { ActiveWorkspace, AuthContext } from '../../http/auth-context.js';
import type { UserRow } from '../identity/user-store.js';

/** What `authType: 'oauth'` sign-in returns (HTTP-API.md). */
export interface IssuedTokens {
  token: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/** What other features need of token sessions (implemented by features/tokens/service.ts). */
export interface TokenSignIn {
  /** Starts a token session (a new refresh family) for a user who just proved who they are. */
  issue(
    user: UserRow,
    workspace: ActiveWorkspace | null,
    request: { ip: string; userAgent: string | undefined },
  ): Promise<IssuedTokens>;
  /** Ends the token session of this request (logout with a bearer token). */
  revokeCurrent(auth: AuthContext): Promise<void>;
  /** Logout with an expired access token or a refresh token in the body: ends the family they name. */
  revokePresented(presented: {
    accessToken?: string | undefined;
    refreshToken?: string | undefined;
  }): Promise<void>;
  /** Moves the token session of this request to another workspace; returns a fresh pair carrying it. */
  switchWorkspace(auth: AuthContext, workspace: ActiveWorkspace): Promise<IssuedTokens>;
}
