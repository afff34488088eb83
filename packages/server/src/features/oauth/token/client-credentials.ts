import type { OAuthClient } from '../clients/service.js';
import { invalidScope, unauthorizedClient } from '../errors.js';
import { allowedResources, audienceOf } from '../resources.js';
import { formatScope, OIDC_SCOPES, parseScope } from '../scopes.js';
import { accessTtlOf, type GrantContext, type TokenResponse } from './context.js';

const USER_SCOPES = new Set<string>(OIDC_SCOPES);

/**
 * The client credentials grant (RFC 6749 §4.4): a token for the client itself. No refresh token, no ID
 * token, no user claims; `sub` is the client. Nothing is stored: the JWT is the whole grant.
 */
export async function clientCredentialsGrant(
  grant: GrantContext,
  client: OAuthClient,
  form: Record<string, string>,
  requestedResources: string[],
): Promise<TokenResponse> {
  if (!client.grantTypes.includes('client_credentials'))
    throw unauthorizedClient('This client may not use the client credentials grant');
  const allowed = client.scopes.filter((scope) => !USER_SCOPES.has(scope));
  const requested = form['scope'] !== undefined ? parseScope(form['scope']) : allowed;
  const userScope = requested.find((scope) => USER_SCOPES.has(scope));
  if (userScope !== undefined)
    throw invalidScope(`"${userScope}" needs a user; client credentials have none`);
  const notAllowed = requested.find((scope) => !allowed.includes(scope));
  if (notAllowed !== undefined)
    throw invalidScope(`The scope "${notAllowed}" is not allowed for this client`);
  const resources = allowedResources(requestedResources, client.resources, 'one this client may ask for');
  const ttlSeconds = accessTtlOf(grant, client);
  const scope = formatScope(requested);
  const { token } = await grant.accessTokens.mint({
    subject: client.id,
    clientId: client.id,
    scope,
    audience: audienceOf(resources, grant.accessTokens.selfAudience),
    ttlSeconds,
  });
  return { access_token: token, token_type: 'Bearer', expires_in: ttlSeconds, scope };
}
