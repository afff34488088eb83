import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { AuthContext, Authenticator } from '../../http/auth-context.js';
import { assertSameOrigin } from '../../http/same-origin.js';
import { unauthorized } from '../../lib/errors.js';
import type { PrincipalLoader } from '../identity/principals.js';
import { authUser } from '../identity/user-view.js';
import { sessionCookieName } from './cookie.js';
import type { SessionService } from './service.js';

/** Authenticates a request by its session cookie, and refuses cookie-authenticated cross-site writes. */
export function sessionAuthenticator(
  ctx: AppContext,
  sessions: SessionService,
  principals: PrincipalLoader,
): Authenticator {
  const name = sessionCookieName(ctx.config);
  return {
    kind: 'session',
    extract: (request: FastifyRequest) => request.cookies[name] || undefined,
    async verify(token: string, request: FastifyRequest): Promise<AuthContext> {
      const session = await sessions.verify(token);
      if (!session) throw unauthorized('Your session has ended; sign in again', 'SESSION_EXPIRED');
      assertSameOrigin(request, ctx.config.allowedOrigins);
      const principal = await principals.load(session.user_id, session.workspace_id);
      if (!principal) throw unauthorized('Your session has ended; sign in again', 'SESSION_EXPIRED');
      return {
        kind: 'session',
        user: authUser(principal.user),
        authenticatedAt: session.created_at,
        workspace: principal.workspace,
        scopes: null,
        sessionId: session.id,
      };
    },
  };
}
