import type { AppContext } from '../../context.js';
import type { ActiveWorkspace, AuthContext } from '../../http/auth-context.js';
import { forbidden, unauthorized } from '../../lib/errors.js';
import { MembershipStore } from '../identity/membership-store.js';
import { type UserRow, UserStore } from '../identity/user-store.js';
import type { SessionService } from '../sessions/service.js';
import type { IssuedTokens, TokenSignIn } from '../tokens/sign-in.js';

export interface Activation {
  user: UserRow;
  workspace: ActiveWorkspace;
  /** A fresh pair carrying the new workspace, for a token session; undefined for a cookie session. */
  tokens: IssuedTokens | undefined;
}

/**
 * POST /api/workspaces/:id/activate: moves the current session to another workspace. A cookie session
 * is updated in place; a token session gets a new pair from the tokens feature (the old access token
 * still names the old workspace until it expires). An API token's workspace is fixed at creation (seed 000).
 */
export class ActivationService {
  readonly #memberships: MembershipStore;
  readonly #users: UserStore;

  constructor(
    ctx: AppContext,
    private readonly sessions: SessionService,
  ) {
    this.#memberships = new MembershipStore(ctx.storage.db);
    this.#users = new UserStore(ctx.storage.db);
  }

  async activate(auth: AuthContext, workspaceId: string, tokenSessions: TokenSignIn): Promise<Activation> {
    if (auth.kind === 'api_token' || auth.workspaceLocked)
      throw forbidden('An API token is bound to its workspace and cannot switch', 'WORKSPACE_LOCKED');
    // Read from the database, not the cache: this decides what the new session may reach.
    const workspace = await this.#memberships.findMembership(auth.user.id, workspaceId);
    if (!workspace) throw forbidden('You are not a member of this workspace', 'NOT_A_MEMBER');
    const user = await this.#users.findById(auth.user.id);
    if (!user) throw unauthorized();
    let tokens: IssuedTokens | undefined;
    if (auth.kind === 'session') {
      if (!auth.sessionId) throw unauthorized();
      await this.sessions.setWorkspace({ id: auth.sessionId }, workspace.id);
    } else {
      tokens = await tokenSessions.switchWorkspace(auth, workspace);
    }
    // The next sign-in starts where the user left off (accounts/service.ts resolveWorkspace).
    await this.#users.setLastWorkspace(user.id, workspace.id);
    return { user: { ...user, last_workspace_id: workspace.id }, workspace, tokens };
  }
}
