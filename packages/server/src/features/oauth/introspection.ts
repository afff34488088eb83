import type { FastifyInstance } from 'fastify';
import { sha256 } from '../../lib/crypto.js';
import { TokenStore } from '../tokens/store.js';
import { authenticateClient } from './client-auth.js';
import type { OAuthClient } from './clients/service.js';
import { invalidRequest } from './errors.js';
import type { OAuthFeature } from './feature.js';
import { singleValued } from './token/form.js';

const INACTIVE = { active: false } as const;

/**
 * POST /oauth2/introspect (RFC 7662). Only confidential clients may ask. A token is described to the client
 * it was issued to, or to a client registered for the resource (audience) it is for; to anyone else, and
 * for anything expired, revoked, malformed or unknown, the answer is exactly `{"active":false}`.
 */
export async function introspectionRoutes(
  app: FastifyInstance,
  { oauth }: { oauth: OAuthFeature },
): Promise<void> {
  const store = new TokenStore(oauth.ctx.storage.db);
  const now = () => oauth.ctx.now();
  const seconds = (ms: number) => Math.floor(ms / 1000);

  const refreshToken = async (client: OAuthClient, token: string) => {
    const row = await store.findToken(sha256(token));
    if (!row || row.consumed_at !== null || row.expires_at <= now()) return undefined;
    const family = await oauth.grantContext.tokens.liveFamily(row.family_id, true);
    if (!family || family.client_id !== client.id) return undefined;
    return {
      active: true,
      token_type: 'refresh_token',
      client_id: client.id,
      scope: family.scope ?? '',
      sub: family.user_id,
      iss: oauth.accessTokens.issuer,
      iat: seconds(Number(row.created_at)),
      exp: seconds(Number(row.expires_at)),
    };
  };

  const accessToken = async (client: OAuthClient, token: string) => {
    const claims = await oauth.accessTokens.verify(token);
    if (!claims) return undefined;
    const mayKnow =
      claims.clientId === client.id || claims.audience.some((aud) => client.resources.includes(aud));
    if (!mayKnow) return undefined;
    // A deleted client's tokens are over, its client_credentials ones included (they have no grant to end).
    // The asking client authenticated from the same cache, so its own tokens need no second look then.
    const ownAndCurrent = claims.clientId === client.id && oauth.cachesCurrent;
    if (!ownAndCurrent && !(await oauth.tokenClientExists(claims.clientId))) return undefined;
    // Revocation state comes from the bus-invalidated caches (docs/deployment.md: a revocation on another
    // instance is refused within the delivery bound), from the database while the listener reconnects.
    // On SQLite a grant ended from the command line (`gatehouse users disable`) reaches these caches at the
    // start of the request (storage/external-changes.ts).
    if (claims.familyId) {
      const family = await oauth.grantContext.tokens.liveFamily(claims.familyId, !oauth.cachesCurrent);
      if (!family || family.user_id !== claims.subject) return undefined;
    } else if (await oauth.accessTokenRevoked(claims.tokenId)) return undefined;
    return {
      active: true,
      token_type: 'Bearer',
      client_id: claims.clientId,
      scope: claims.scope,
      sub: claims.subject,
      aud: claims.audience.length === 1 ? claims.audience[0] : claims.audience,
      iss: oauth.accessTokens.issuer,
      jti: claims.tokenId,
      iat: seconds(claims.issuedAt),
      exp: seconds(claims.expiresAt),
    };
  };

  app.post('/oauth2/introspect', async (request, reply) => {
    const form = singleValued(request.body);
    const { client } = await authenticateClient(request, form, oauth.clients, { allowPublic: false });
    const token = form['token'];
    if (!token) throw invalidRequest('token is required');
    reply.header('cache-control', 'no-store');
    // A JWT has dots (two); an opaque refresh token (base64url) none: no need to try both.
    const answer = token.includes('.') ? await accessToken(client, token) : await refreshToken(client, token);
    return answer ?? INACTIVE;
  });
}
