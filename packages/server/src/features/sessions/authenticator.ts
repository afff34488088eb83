import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import type { AuthContext, Authenticator } from '../../http/auth-context.js';
import { assertSameOrigin } from '../../http/same-origin.js';
import { unauthorized } from '../../lib/errors.js';
import type { Principal, PrincipalLoader } from '../identity/principals.js';
import { authUser } from '../identity/user-view.js';
import { sessionCookieName } from './cookie.js';
import type { SessionService } from './service.js';
import type { SessionRow } from './store.js';

const sessionEnded = () => unauthorized('Your session has ended; sign in again', 'SESSION_EXPIRED');

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
    verifyCached(token: string, request: FastifyRequest): AuthContext | undefined {
      const session = sessions.cached(token);
      if (!session) return undefined;
      assertSameOrigin(request, ctx.config.allowedOrigins);
      const principal = principals.cached(session.user_id, session.workspace_id);
      return principal === undefined ? undefined : sessionContext(session, principal);
    },
    async verify(token: string, request: FastifyRequest): Promise<AuthContext> {
      const session = await sessions.verify(token);
      if (!session) throw sessionEnded();
      assertSameOrigin(request, ctx.config.allowedOrigins);
      return sessionContext(session, await principals.load(session.user_id, session.workspace_id));
    },
  };
}

function sessionContext(session: SessionRow, principal: Principal | null): AuthContext {
  if (!principal) throw sessionEnded();
  return {
    kind: 'session',
    user: authUser(principal.user),
    authenticatedAt: session.created_at,
    workspace: principal.workspace,
    scopes: null,
    sessionId: session.id,
  };
}
