import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.js';
import { isApiRoute } from './api-route.js';
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

/**
 * The one place a request's credential is read (ARCHITECTURE.md). Runs before validation so that an
 * unauthenticated request to a protected route gets 401 rather than a 400 about its body.
 */
export function registerAuthentication(app: FastifyInstance, authenticators: readonly Authenticator[]): void {
  app.decorateRequest('auth', null);
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const mode = request.routeOptions.config.authentication;
    if (mode === 'none' || !isApiRoute(request)) return;
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
  });
}
