import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { AppError } from '../lib/errors.js';
import type { AuthContext, Authenticator } from './auth-context.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
  interface FastifyContextConfig {
    /**
     * `none`: the route never reads credentials (sign-in: a stale cookie must not block signing in again).
     * `lenient`: a dead credential leaves the request anonymous instead of failing (logout).
     */
    authentication?: 'none' | 'lenient';
  }
}

/** Declares `request.auth` (null until a credential is verified); once, on the root app, before any route. */
export function registerAuthContext(app: FastifyInstance): void {
  app.decorateRequest('auth', null);
}

/**
 * The one place a request's credential is read (ARCHITECTURE.md): a hook of every `/api` route whose
 * `config.authentication` is not `none` (http/route-hooks.ts), first among its pre-validation hooks, so that
 * an unauthenticated request to a protected route gets 401 rather than a 400 about its body.
 */
export function authenticationHook(
  authenticators: readonly Authenticator[],
  mode: 'lenient' | undefined,
): preValidationAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    for (const authenticator of authenticators) {
      const credential = authenticator.extract(request);
      if (credential === undefined) continue;
      try {
        request.auth = await authenticator.verify(credential, request);
        if (request.auth.warning) reply.header('warning', request.auth.warning);
      } catch (error) {
        // Logout with a dead credential still succeeds: there is nothing left to end.
        if (mode !== 'lenient' || !(error instanceof AppError) || error.status !== 401) throw error;
      }
      return;
    }
  };
}
