import type { FastifyInstance } from 'fastify';
import { authenticateClient } from '../client-auth.js';
import { invalidRequest, unsupportedGrantType } from '../errors.js';
import type { OAuthFeature } from '../feature.js';
import { resourceParameter } from '../resources.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { formBody, singleValued } from './form.js';
import { refreshTokenGrant } from './refresh-token.js';

/** POST /oauth2/token (RFC 6749 §3.2): one grant per file, dispatched on `grant_type`. */
export async function tokenEndpointRoutes(
  app: FastifyInstance,
  { oauth }: { oauth: OAuthFeature },
): Promise<void> {
  app.post('/oauth2/token', async (request, reply) => {
    // RFC 6749 §5.1: token responses (and errors) are never cached.
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const body = formBody(request.body);
    const form = singleValued(body, ['resource']);
    // RFC 8707 §2: `resource` may repeat; each grant checks the list against what it may cover.
    const resources = resourceParameter(body['resource']);
    const grantType = form['grant_type'];
    if (!grantType) throw invalidRequest('grant_type is required');
    const { client } = await authenticateClient(request, form, oauth.clients, { allowPublic: true });
    const grant = oauth.grantContext;
    switch (grantType) {
      case 'authorization_code':
        return authorizationCodeGrant(grant, client, form, resources, {
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
      case 'refresh_token':
        return refreshTokenGrant(grant, client, form, resources);
      case 'client_credentials':
        return clientCredentialsGrant(grant, client, form, resources);
      default:
        throw unsupportedGrantType(`grant_type "${grantType.slice(0, 64)}" is not supported`);
    }
  });
}
