import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  preValidationHookHandler,
} from 'fastify';
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
 *
 * A callback hook: a credential whose session, token and user are cached is accepted synchronously
 * (`verifyCached`), with no promise or microtask on the way; anything else goes through `verify`.
 */
export function authenticationHook(
  authenticators: readonly Authenticator[],
  mode: 'lenient' | undefined,
): preValidationHookHandler {
  // Logout with a dead credential still succeeds: there is nothing left to end.
  const refused = (error: unknown): Error | undefined =>
    mode === 'lenient' && error instanceof AppError && error.status === 401 ? undefined : (error as Error);
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    for (const authenticator of authenticators) {
      const credential = authenticator.extract(request);
      if (credential === undefined) continue;
      let cached: AuthContext | undefined;
      try {
        cached = authenticator.verifyCached?.(credential, request);
      } catch (error) {
        return done(refused(error));
      }
      if (cached) return accept(request, reply, cached, done);
      authenticator.verify(credential, request).then(
        (auth) => accept(request, reply, auth, done),
        (error: unknown) => done(refused(error)),
      );
      return;
    }
    done();
  };
}

function accept(
  request: FastifyRequest,
  reply: FastifyReply,
  auth: AuthContext,
  done: HookHandlerDoneFunction,
) {
  request.auth = auth;
  if (auth.warning) reply.header('warning', auth.warning);
  done();
}
