import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import { forbidden, notFound } from '../../lib/errors.js';
import type { OAuthFeature } from './feature.js';

export const OAuthGrantView = Type.Object({
  clientId: Type.String(),
  clientName: Type.String(),
  scopes: Type.Array(Type.String()),
  created: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

const GrantParams = Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 64 }) });

/**
 * The user's connected apps: GET /api/me/oauth-grants lists the OAuth clients holding a grant or a
 * remembered consent; DELETE /api/me/oauth-grants/:clientId ends the app's refresh tokens and access at
 * once (every instance) and forgets the consent. Only the user's own sessions may manage them: neither an
 * API token nor an app's own OAuth token can.
 */
export async function grantRoutes(
  plugin: FastifyInstance,
  { oauth }: { oauth: OAuthFeature },
): Promise<void> {
  // Handlers are typed by their schemas: `request.params.clientId` is a string because GrantParams says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const guard = requireAuth({ refuse: ['api_token'] });
  const owner = (request: FastifyRequest) => {
    const auth = authOf(request);
    if (auth.scopes !== null)
      throw forbidden('Manage connected apps from your own session', 'CREDENTIAL_NOT_ALLOWED');
    return auth.user.id;
  };

  app.get(
    '/api/me/oauth-grants',
    { schema: { response: { 200: Type.Array(OAuthGrantView) } }, preHandler: guard },
    async (request) => {
      const grants = await oauth.store.listGrants(owner(request), oauth.ctx.now());
      return grants.map((grant) => ({
        clientId: grant.client_id,
        clientName: grant.client_name,
        scopes: grant.scope.split(' ').filter(Boolean),
        created: new Date(grant.created_at).toISOString(),
        lastUsedAt: grant.last_used_at === null ? null : new Date(grant.last_used_at).toISOString(),
      }));
    },
  );

  app.delete(
    '/api/me/oauth-grants/:clientId',
    {
      schema: { params: GrantParams, response: { 200: Type.Object({ message: Type.String() }) } },
      preHandler: guard,
    },
    async (request) => {
      const userId = owner(request);
      const { clientId } = request.params;
      const revoked = await oauth.revokeGrant(userId, clientId);
      if (!revoked) throw notFound('No such connected app');
      return { message: 'Access revoked' };
    },
  );
}
