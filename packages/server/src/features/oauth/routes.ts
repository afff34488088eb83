import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../../lib/errors.js';
import { isStorageUnavailable } from '../../storage/database.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { PageError } from './authorize/flow.js';
import { type AuthorizeRouteDeps, authorizeRoutes } from './authorize/routes.js';
import { clientAdminRoutes } from './clients/routes.js';
import { discoveryRoutes } from './discovery.js';
import { invalidRequest, OAuthError, temporarilyUnavailable } from './errors.js';
import { grantRoutes } from './grants-routes.js';
import { introspectionRoutes } from './introspection.js';
import { revocationRoutes } from './revocation.js';
import { tokenEndpointRoutes } from './token/routes.js';
import { userinfoRoutes } from './userinfo.js';

/**
 * The protocol endpoints answer RFC 6749 errors: `{"error","error_description"}` (pages: an error page).
 * Client input never yields a 500; storage down is 503 `temporarily_unavailable`; anything unexpected is
 * `server_error` with the detail only logged.
 */
function toOAuthError(error: FastifyError): OAuthError {
  if (error instanceof OAuthError) return error;
  if (isStorageUnavailable(error)) return temporarilyUnavailable();
  if (error instanceof AppError && error.status < 500)
    return new OAuthError('invalid_request', error.message, error.status, error.headers);
  if (error.validation) return invalidRequest('The request parameters are invalid');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    const status = error.statusCode === 413 ? 413 : 400;
    return new OAuthError('invalid_request', 'The request could not be read', status);
  }
  return new OAuthError('server_error', 'Something went wrong on our side', 500);
}

/** What the OAuth routes use: the feature itself, and for the login page what /api/signin uses. */
export interface OAuthRouteDeps extends AuthorizeRouteDeps {
  audit: AuditTrail;
}

async function protocolRoutes(app: FastifyInstance, deps: AuthorizeRouteDeps): Promise<void> {
  const { oauth } = deps;
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const oauthError = toOAuthError(error);
    if (oauthError.status >= 500) request.log.error({ err: error }, `OAuth ${oauthError.error}`);
    if (oauthError.headers) reply.headers(oauthError.headers);
    if (request.routeOptions.config.oauthPage) {
      const message =
        oauthError.status >= 500
          ? 'The service is temporarily unavailable; try again shortly.'
          : 'The request is not valid.';
      return oauth.flow.errorPage(reply, new PageError(message, oauthError.status));
    }
    return reply.status(oauthError.status).header('cache-control', 'no-store').send(oauthError.body);
  });
  await app.register(authorizeRoutes, deps);
  await app.register(tokenEndpointRoutes, { oauth });
  await app.register(revocationRoutes, { oauth });
  await app.register(introspectionRoutes, { oauth });
  await app.register(userinfoRoutes, { oauth });
}

/** Every OAuth route: discovery, the protocol endpoints, clients (admin) and connected apps (users). */
export async function oauthRoutes(app: FastifyInstance, deps: OAuthRouteDeps): Promise<void> {
  await app.register(discoveryRoutes, { config: deps.config });
  await app.register(protocolRoutes, deps);
  await app.register(clientAdminRoutes, { oauth: deps.oauth, audit: deps.audit });
  await app.register(grantRoutes, { oauth: deps.oauth });
}
