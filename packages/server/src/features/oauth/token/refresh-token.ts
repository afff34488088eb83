import { sha256 } from '../../../lib/crypto.js';
import { TokenStore } from '../../tokens/store.js';
import type { OAuthClient } from '../clients/service.js';
import { invalidGrant, invalidRequest, invalidScope, unauthorizedClient } from '../errors.js';
import { allowedResources, parseResources } from '../resources.js';
import { parseScope } from '../scopes.js';
import { type GrantContext, grantUser, type TokenResponse, userTokens } from './context.js';

/**
 * The refresh token grant (RFC 6749 §6) with the rotation of /api/token/refresh: one compare-and-swap
 * consumes the token, a rotated token coming back revokes the grant (RFC 9700 §4.14.2), a retry inside
 * the retry window gets the same successor. A narrower scope is allowed, a wider one refused.
 */
export async function refreshTokenGrant(
  grant: GrantContext,
  client: OAuthClient,
  form: Record<string, string>,
  requestedResources: string[],
): Promise<TokenResponse> {
  if (!client.grantTypes.includes('refresh_token'))
    throw unauthorizedClient('This client may not use refresh tokens');
  const presented = form['refresh_token'];
  if (!presented) throw invalidRequest('refresh_token is required');
  const requested = form['scope'] !== undefined ? parseScope(form['scope']) : undefined;
  if (requested || requestedResources.length > 0) {
    // Checked before rotating: a refused widening must not cost the client its refresh token.
    const store = new TokenStore(grant.ctx.storage.db);
    const token = await store.findToken(sha256(presented));
    const family = token ? await store.findFamily(token.family_id) : undefined;
    if (family && family.client_id === client.id) {
      const granted = new Set(parseScope(family.scope ?? ''));
      const wider = requested?.find((scope) => !granted.has(scope));
      if (wider !== undefined) throw invalidScope(`The scope "${wider}" was not granted`);
      allowedResources(requestedResources, parseResources(family.resource), 'among those granted');
    }
  }
  const rotated = await grant.tokens.rotate(presented, client.id);
  if (!rotated.ok) {
    if (rotated.reused)
      grant.ctx.log.warn(
        { familyId: rotated.familyId, userId: rotated.userId, clientId: client.id },
        'rotated OAuth refresh token reused: grant revoked',
      );
    throw invalidGrant('The refresh token is invalid, expired or revoked');
  }
  const { family } = rotated;
  const user = await grantUser(grant, family.user_id);
  if (!user) {
    await grant.tokens.revokeFamily(family.id, 'account_disabled');
    throw invalidGrant('The user can no longer sign in');
  }
  const granted = parseScope(family.scope ?? '');
  const scopes = requested ? granted.filter((scope) => requested.includes(scope)) : granted;
  // RFC 8707 §2.2: a refresh may ask for a token for fewer of the granted resources (the grant keeps all).
  const grantedResources = parseResources(family.resource);
  const resources =
    requestedResources.length > 0
      ? allowedResources(requestedResources, grantedResources, 'among those granted')
      : grantedResources;
  return userTokens(grant, { client, user, family, scopes, resources, refreshToken: rotated.refreshToken });
}
