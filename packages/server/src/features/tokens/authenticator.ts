import type { FastifyRequest } from 'fastify';
import type { AuthContext, Authenticator } from '../../http/auth-context.js';
import { invalidToken } from '../../lib/errors.js';
import type { PrincipalLoader } from '../identity/principals.js';
import { authUser } from '../identity/user-view.js';
import { apiScopesOf } from '../oauth/scopes.js';
import { FIRST_PARTY_CLIENT_ID } from './access-token.js';
import type { TokenService } from './service.js';

/** The credential of `Authorization: Bearer <token>` (RFC 6750 §2.1); any other scheme is not ours. */
export function bearerCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, ...rest] = header.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== 'bearer') return undefined;
  // "Bearer" with no token, or with stray parts, still counts as a (bad) bearer credential: 401, not anonymous.
  return rest.join(' ');
}

/**
 * Authenticates a request by its access token. Roles and the workspace membership come from the
 * principal loader rather than the token's claims, so a role change or removal applies on the next request.
 */
export function bearerAuthenticator(tokens: TokenService, principals: PrincipalLoader): Authenticator {
  return {
    kind: 'access_token',
    extract: bearerCredential,
    async verify(token: string): Promise<AuthContext> {
      const { claims, family } = await tokens.verifyAccessToken(token);
      // An OAuth client's token for Gatehouse's API acts within its scopes, like an API token's.
      const oauth = claims.clientId !== FIRST_PARTY_CLIENT_ID;
      if (oauth && family.client_id !== claims.clientId) throw invalidToken();
      const principal = await principals.load(claims.userId, family.workspace_id);
      if (!principal) throw invalidToken();
      return {
        kind: 'access_token',
        user: authUser(principal.user),
        authenticatedAt: family.created_at,
        workspace: principal.workspace,
        scopes: oauth ? apiScopesOf(claims.scope) : null,
        familyId: claims.familyId,
      };
    },
  };
}
