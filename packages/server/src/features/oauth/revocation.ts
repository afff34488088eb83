import type { FastifyInstance } from 'fastify';
import { sha256 } from '../../lib/crypto.js';
import { TokenStore } from '../tokens/store.js';
import { authenticateClient } from './client-auth.js';
import { invalidRequest } from './errors.js';
import type { OAuthFeature } from './feature.js';
import { singleValued } from './token/form.js';

/**
 * POST /oauth2/revoke (RFC 7009). A client revokes its own tokens only; the answer is 200 whatever the
 * token was (§2.2), so it tells nothing about other clients' tokens. Revoking a refresh token ends the
 * grant and every access token issued from it; revoking an access token ends its grant too (§2.1 lets the
 * server do so, and a client revoking an access token is signing the user out); a client credentials
 * token, which has no grant, is denylisted until it expires.
 */
export async function revocationRoutes(
  app: FastifyInstance,
  { oauth }: { oauth: OAuthFeature },
): Promise<void> {
  const store = new TokenStore(oauth.ctx.storage.db);
  app.post('/oauth2/revoke', async (request, reply) => {
    const form = singleValued(request.body);
    const { client } = await authenticateClient(request, form, oauth.clients, { allowPublic: true });
    const token = form['token'];
    if (!token) throw invalidRequest('token is required');
    reply.header('cache-control', 'no-store');
    const hint = form['token_type_hint'];
    const asRefresh = async () => {
      const row = await store.findToken(sha256(token));
      if (!row) return false;
      const family = await store.findFamily(row.family_id);
      if (family?.client_id === client.id)
        await oauth.grantContext.tokens.revokeFamily(family.id, 'oauth_revoked');
      return true;
    };
    const asAccess = async () => {
      const claims = await oauth.accessTokens.verify(token, true);
      if (!claims || claims.clientId !== client.id) return false;
      if (claims.familyId) await oauth.grantContext.tokens.revokeFamily(claims.familyId, 'oauth_revoked');
      else await oauth.revokeAccessToken(claims.tokenId, claims.expiresAt);
      return true;
    };
    // The hint only decides the order of the look-ups (§2.1).
    if (hint === 'access_token') (await asAccess()) || (await asRefresh());
    else (await asRefresh()) || (await asAccess());
    return reply.status(200).send();
  });
}
