import type { FastifyRequest } from 'fastify';
import type { AuthContext, Authenticator } from '../../http/auth-context.js';
import { unauthorized } from '../../lib/errors.js';
import type { AuthConfigService } from '../auth-config/service.js';
import { authUser } from '../identity/user-view.js';
import type { ApiTokenService, VerifiedApiToken } from './service.js';

const HEADER = 'x-api-key';
const QUERY_PARAMETER = 'api_key';

function queryParameter(request: FastifyRequest): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[QUERY_PARAMETER];
  if (value === undefined || value === '') return undefined;
  // A repeated parameter is not a token: pass it on so that it fails the format check.
  return Array.isArray(value) ? value.join(',') : String(value);
}

/**
 * Authenticates a request by its API token: the `x-api-key` header, or `?api_key=` when the admin turned
 * the query parameter on (seed 004; off by default because URLs are written to proxy logs and browser
 * history). A query-parameter token on a server that refuses them is a 401, not ignored, so the caller
 * learns at once instead of silently acting anonymously.
 */
export function apiTokenAuthenticator(
  apiTokens: ApiTokenService,
  authConfig: AuthConfigService,
): Authenticator {
  return {
    kind: 'api_token',
    extract(request: FastifyRequest) {
      const header = request.headers[HEADER];
      if (header !== undefined && header !== '') return Array.isArray(header) ? header.join(',') : header;
      return queryParameter(request);
    },
    verifyCached(token: string, request: FastifyRequest): AuthContext | undefined {
      if (!request.headers[HEADER]) {
        const config = authConfig.cached();
        if (!config) return undefined;
        assertQueryParameterAllowed(config.allowQueryParameter);
      }
      const verified = apiTokens.verifyCached(token);
      return verified && apiTokenContext(verified);
    },
    async verify(token: string, request: FastifyRequest): Promise<AuthContext> {
      if (!request.headers[HEADER]) assertQueryParameterAllowed((await authConfig.get()).allowQueryParameter);
      return apiTokenContext(await apiTokens.verify(token));
    },
  };
}

function assertQueryParameterAllowed(allowed: boolean): void {
  if (!allowed) {
    throw unauthorized(
      `The ${QUERY_PARAMETER} query parameter is disabled on this server; send the token in the ${HEADER} header`,
      'API_KEY_QUERY_DISABLED',
    );
  }
}

function apiTokenContext({ token: row, scopes, principal, warning }: VerifiedApiToken): AuthContext {
  const context: AuthContext = {
    kind: 'api_token',
    // The owner's current roles: a token narrows what its owner can do, it never widens it.
    user: authUser(principal.user),
    workspace: principal.workspace,
    scopes,
    apiTokenId: row.id,
  };
  if (row.workspace_id !== null) context.workspaceLocked = true;
  if (warning) context.warning = warning;
  return context;
}
