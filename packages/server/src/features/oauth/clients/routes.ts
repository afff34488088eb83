import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../../http/guards.js';
import type { AuditTrail } from '../../audit/audit-trail.js';
import type { OAuthFeature } from '../feature.js';
import {
  ClientParams,
  ClientViewSchema,
  ClientWithSecret,
  CreateClientBody,
  UpdateClientBody,
} from './schemas.js';
import { clientView, type OAuthClient } from './service.js';

const withSecret = (client: OAuthClient, secret: string | undefined) => ({
  client: clientView(client),
  client_id: client.id,
  ...(secret !== undefined && { client_secret: secret }),
});

/**
 * /api/admin/oauth/clients: registering OAuth clients. Global admins only, never with an API token. The
 * secret appears in the creation and rotation responses only (`no-store`), never in a listing or a log.
 */
export async function clientAdminRoutes(
  plugin: FastifyInstance,
  { oauth, audit: trail }: { oauth: OAuthFeature; audit: AuditTrail },
): Promise<void> {
  // Handlers are typed by their schemas: `request.body` is what CreateClientBody / UpdateClientBody allow.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = requireAuth({ role: 'admin', refuse: ['api_token'] });
  const audit = (request: Parameters<typeof authOf>[0], action: string, client: OAuthClient) =>
    trail.record({
      actor: authOf(request).user,
      ip: request.ip,
      target: null,
      action,
      detail: { clientId: client.id, name: client.name },
    });

  app.get(
    '/api/admin/oauth/clients',
    { schema: { response: { 200: Type.Array(ClientViewSchema) } }, preHandler: adminOnly },
    async () => (await oauth.clients.list()).map(clientView),
  );

  app.post(
    '/api/admin/oauth/clients',
    { schema: { body: CreateClientBody, response: { 201: ClientWithSecret } }, preHandler: adminOnly },
    async (request, reply) => {
      const { client, secret } = await oauth.clients.create(request.body);
      await audit(request, 'oauth_client.create', client);
      reply.status(201);
      return withSecret(client, secret);
    },
  );

  app.get(
    '/api/admin/oauth/clients/:id',
    { schema: { params: ClientParams, response: { 200: ClientViewSchema } }, preHandler: adminOnly },
    async (request) => clientView(await oauth.clients.get(request.params.id)),
  );

  app.patch(
    '/api/admin/oauth/clients/:id',
    {
      schema: { params: ClientParams, body: UpdateClientBody, response: { 200: ClientViewSchema } },
      preHandler: adminOnly,
    },
    async (request) => {
      const client = await oauth.clients.update(request.params.id, request.body);
      await audit(request, 'oauth_client.update', client);
      return clientView(client);
    },
  );

  app.post(
    '/api/admin/oauth/clients/:id/rotate-secret',
    { schema: { params: ClientParams, response: { 200: ClientWithSecret } }, preHandler: adminOnly },
    async (request) => {
      const { client, secret } = await oauth.clients.rotateSecret(request.params.id);
      await audit(request, 'oauth_client.rotate_secret', client);
      return withSecret(client, secret);
    },
  );

  app.delete(
    '/api/admin/oauth/clients/:id',
    {
      schema: { params: ClientParams, response: { 200: Type.Object({ message: Type.String() }) } },
      preHandler: adminOnly,
    },
    async (request) => {
      const client = await oauth.clients.get(request.params.id);
      await oauth.deleteClient(client.id);
      await audit(request, 'oauth_client.delete', client);
      return { message: 'Client deleted' };
    },
  );
}
