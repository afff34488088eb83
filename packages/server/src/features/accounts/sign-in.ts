import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/load.js';
import type { ActiveWorkspace } from '../../http/auth-context.js';
import type { AuthConfigService } from '../auth-config/service.js';
import type { UserRow } from '../identity/user-store.js';
import { userView, workspaceView } from '../identity/user-view.js';
import { type SecondFactorService, secondFactorRequired } from '../second-factor/service.js';
import { sessionCookieName, sessionCookieOptions } from '../sessions/cookie.js';
import type { SessionService } from '../sessions/service.js';
import type { TokenSignIn } from '../tokens/sign-in.js';
import type { SessionPayload, TokenPayload } from './schemas.js';
import { type AccountService, notAMember } from './service.js';
import { assertMaySignIn as assertMaySignInPolicy } from './sign-in-policy.js';
import type { RightGuess } from './throttle.js';

export interface SessionOptions {
  authType?: 'cookie' | 'oauth' | undefined;
  workspace?: string | undefined;
  remember?: boolean | undefined;
  /** How the person proved who they are (RFC 8176), recorded with the session; the first step's, for a challenge. */
  amr?: readonly string[] | undefined;
  /** A right password whose lockout budget starts over in the cookie session's own write (throttle.ts). */
  guess?: RightGuess | undefined;
}

/** What finishing a sign-in needs: the route plugins that sign people in pass these along. */
export interface SignInDeps {
  config: Config;
  accounts: AccountService;
  sessions: SessionService;
  tokens: TokenSignIn;
  secondFactor: SecondFactorService;
  authConfig: AuthConfigService;
}

/** A token sign-in answers with a pair (HTTP-API.md); the overloads below let its callers rely on that. */
type TokenSignInOptions = SessionOptions & { authType: 'oauth' };

/**
 * What every way of signing in (password, second factor, social) checks once the person is identified
 * (sign-in-policy.ts, shared with the OAuth login page): a disabled account is refused, and so is an
 * unverified one when the admin requires verification.
 */
export function assertMaySignIn(deps: Pick<SignInDeps, 'authConfig'>, user: UserRow): Promise<void> {
  return assertMaySignInPolicy(deps.authConfig, user);
}

/** Finishes a successful sign-in in the mode asked for: a cookie session, or a token pair. */
export function startSession(
  deps: SignInDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  options: TokenSignInOptions,
): Promise<TokenPayload>;
export function startSession(
  deps: SignInDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  options: SessionOptions,
): Promise<TokenPayload | SessionPayload>;
export async function startSession(
  deps: SignInDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  options: SessionOptions,
): Promise<TokenPayload | SessionPayload> {
  const { accounts, sessions, config } = deps;
  if (options.authType === 'oauth') {
    const workspace = await accounts.resolveWorkspace(user, options.workspace);
    await rememberWorkspace(deps, user, workspace);
    const view = userView(user, workspace);
    const tokens = await deps.tokens.issue(user, workspace, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
    // RFC 6749 §5.1: a response carrying tokens must not be cached.
    reply.header('cache-control', 'no-store');
    return { payload: { ...tokens, user: view, workspace: view.workspace } };
  }
  // The workspace is chosen, the session inserted (and a right password's budget cleared) in one write.
  const started = await sessions.start(
    {
      userId: user.id,
      remember: options.remember === true,
      userAgent: request.headers['user-agent'],
      ip: request.ip,
      amr: options.amr,
    },
    { requested: options.workspace || null, last: user.last_workspace_id },
    options.guess?.budget ?? null,
  );
  options.guess?.cleared();
  if (!started) throw notAMember();
  const { token, workspace } = started;
  await rememberWorkspace(deps, user, workspace);
  const view = userView(user, workspace);
  const maxAge = options.remember ? config.session.rememberTtl : undefined;
  reply.setCookie(sessionCookieName(config), token, sessionCookieOptions(config, maxAge));
  reply.header('cache-control', 'no-store');
  return { payload: { user: view, workspace: workspaceView(workspace) } };
}

/** The workspace a session starts in becomes the user's last used, for their next sign-in. */
async function rememberWorkspace(
  deps: Pick<SignInDeps, 'accounts'>,
  user: UserRow,
  workspace: ActiveWorkspace | null,
): Promise<void> {
  if (workspace && workspace.id !== user.last_workspace_id)
    await deps.accounts.rememberWorkspace(user.id, workspace.id);
}

/**
 * The person proved a first factor (a password, a social provider): the account checks, then the second
 * factor when the account has one (the answer is then the challenge, not a session), else the session.
 */
export function completeFirstFactor(
  deps: SignInDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  options: TokenSignInOptions,
): Promise<TokenPayload>;
export function completeFirstFactor(
  deps: SignInDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  options: SessionOptions,
): Promise<TokenPayload | SessionPayload>;
export async function completeFirstFactor(
  deps: SignInDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  options: SessionOptions,
): Promise<TokenPayload | SessionPayload> {
  await assertMaySignIn(deps, user);
  if (user.second_factor_at !== null) {
    const challenge = await deps.secondFactor.startChallenge({
      user,
      authType: options.authType ?? 'cookie',
      remember: options.remember === true,
      workspace: options.workspace,
      firstFactor: options.amr,
    });
    reply.header('cache-control', 'no-store');
    throw secondFactorRequired(challenge);
  }
  return startSession(deps, request, reply, user, options);
}
