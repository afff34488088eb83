import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, preHandlerHookHandler } from 'fastify';
import { AppError, forbidden, unauthorized } from '../lib/errors.js';
import type { AuthContext, CredentialKind } from './auth-context.js';

export interface Requirement {
  /** Credential kinds refused on this route, e.g. token management is refused with an API token. */
  refuse?: CredentialKind[];
  /** A scope the credential must carry (API tokens are scoped; sessions carry the user's full rights). */
  scope?: string;
  /** A global role the user must hold, e.g. 'admin'. */
  role?: string;
}

const KIND_NAMES: Record<CredentialKind, string> = {
  session: 'a cookie session',
  access_token: 'an access token',
  api_token: 'an API token',
};

/** Checks a requirement against an authenticated request; throws the documented 401/403. */
export function assertAllowed(auth: AuthContext | null, need: Requirement): AuthContext {
  if (!auth) throw unauthorized();
  if (need.refuse?.includes(auth.kind)) {
    throw forbidden(
      `This action cannot be performed with ${KIND_NAMES[auth.kind]}`,
      'CREDENTIAL_NOT_ALLOWED',
    );
  }
  if (need.scope && auth.scopes !== null && !auth.scopes.includes(need.scope)) {
    throw new AppError(
      403,
      'insufficient_scope',
      `This action requires the "${need.scope}" scope`,
      { scope: need.scope },
      {
        'www-authenticate': `Bearer error="insufficient_scope", scope="${need.scope}"`,
      },
    );
  }
  if (need.role && !auth.user.roles.includes(need.role))
    throw forbidden(`This action requires the ${need.role} role`);
  return auth;
}

/**
 * Declares what a route needs, in the route options: `{ preHandler: requireAuth({ scope: 'profile:read' }) }`.
 * A route with this pre-handler can rely on `request.auth` being set.
 */
export function requireAuth(need: Requirement = {}): preHandlerHookHandler {
  // A callback hook, not an async one: no promise and no extra microtask on every authenticated request.
  // Fastify's hook runner turns what assertAllowed throws into the error reply, as for an async hook.
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    assertAllowed(request.auth, need);
    done();
  };
}

/** `request.auth` on a route guarded by requireAuth(). */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw unauthorized();
  return request.auth;
}
