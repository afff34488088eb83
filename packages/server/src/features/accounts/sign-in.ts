import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.js';
import { secondFactorRequired } from '../second-factor/service.js';
import { sessionCookieName, sessionCookieOptions } from '../sessions/cookie.js';
import { assertMaySignIn as assertMaySignInPolicy } from './sign-in-policy.js';
import type { UserRow } from './store.js';
import { userView, workspaceView } from './user-view.js';

export interface SessionOptions {
  authType?: 'cookie' | 'oauth' | undefined;
  workspace?: string | undefined;
  remember?: boolean | undefined;
}

/**
 * What every way of signing in (password, second factor, social) checks once the person is identified
 * (sign-in-policy.ts, shared with the OAuth login page): a disabled account is refused, and so is an
 * unverified one when the admin requires verification.
 */
export function assertMaySignIn(services: Services, user: UserRow): Promise<void> {
  return assertMaySignInPolicy(services.authConfig, user);
}

/** Finishes a successful sign-in in the mode asked for: a cookie session, or a token pair. */
export async function startSession(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  options: SessionOptions,
) {
  const { accounts, sessions, ctx } = services;
  const workspace = await accounts.resolveWorkspace(user, options.workspace);
  const view = userView(user, workspace);
  if (workspace?.id !== user.last_workspace_id && workspace)
    await accounts.rememberWorkspace(user.id, workspace.id);
  if (options.authType === 'oauth') {
    const tokens = await services.tokens.issue(user, workspace, {
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    });
    // RFC 6749 §5.1: a response carrying tokens must not be cached.
    reply.header('cache-control', 'no-store');
    return { payload: { ...tokens, user: view, workspace: view.workspace } };
  }
  const { token } = await sessions.create({
    userId: user.id,
    workspaceId: workspace?.id ?? null,
    remember: options.remember === true,
    userAgent: request.headers['user-agent'],
    ip: request.ip,
  });
  const maxAge = options.remember ? ctx.config.session.rememberTtl : undefined;
  reply.setCookie(sessionCookieName(ctx.config), token, sessionCookieOptions(ctx.config, maxAge));
  reply.header('cache-control', 'no-store');
  return { payload: { user: view, workspace: workspaceView(workspace) } };
}

/**
 * The person proved a first factor (a password, a social provider): the account checks, then the second
 * factor when the account has one (the answer is then the challenge, not a session), else the session.
 */
export async function completeFirstFactor(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRow,
  options: SessionOptions,
) {
  await assertMaySignIn(services, user);
  if (user.second_factor_at !== null) {
    const challenge = await services.secondFactor.startChallenge({
      user,
      authType: options.authType ?? 'cookie',
      remember: options.remember === true,
      workspace: options.workspace,
    });
    reply.header('cache-control', 'no-store');
    throw secondFactorRequired(challenge);
  }
  return startSession(services, request, reply, user, options);
}
