import type { FastifyRequest } from 'fastify';
import type { AuthContext, Authenticator } from '../../http/auth-context.js';
import { invalidToken } from '../../lib/errors.js';
import type { Principal, PrincipalLoader } from '../identity/principals.js';
import { authUser } from '../identity/user-view.js';
import { apiScopesOf } from '../oauth/scopes.js';
import { FIRST_PARTY_CLIENT_ID, type VerifiedAccessToken } from './access-token.js';
import type { TokenService } from './service.js';
import type { FamilyRow } from './store.js';

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
    verifyCached(token: string): AuthContext | undefined {
      const verified = tokens.cachedAccessToken(token);
      if (!verified) return undefined;
      assertSameClient(verified);
      const principal = principals.cached(verified.claims.userId, verified.family.workspace_id);
      return principal === undefined ? undefined : bearerContext(verified, principal);
    },
    async verify(token: string): Promise<AuthContext> {
      const verified = await tokens.verifyAccessToken(token);
      assertSameClient(verified);
      return bearerContext(
        verified,
        await principals.load(verified.claims.userId, verified.family.workspace_id),
      );
    },
  };
}

interface VerifiedBearer {
  claims: VerifiedAccessToken;
  family: FamilyRow;
}

/** An OAuth client's token for Gatehouse's API acts within its scopes, like an API token's. */
const isOAuth = ({ claims }: VerifiedBearer) => claims.clientId !== FIRST_PARTY_CLIENT_ID;

function assertSameClient(verified: VerifiedBearer): void {
  if (isOAuth(verified) && verified.family.client_id !== verified.claims.clientId) throw invalidToken();
}

function bearerContext(verified: VerifiedBearer, principal: Principal | null): AuthContext {
  if (!principal) throw invalidToken();
  const { claims, family } = verified;
  return {
    kind: 'access_token',
    user: authUser(principal.user),
    authenticatedAt: family.created_at,
    workspace: principal.workspace,
    scopes: isOAuth(verified) ? apiScopesOf(claims.scope) : null,
    familyId: claims.familyId,
  };
}
