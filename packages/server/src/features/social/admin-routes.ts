import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import { Message } from '../accounts/schemas.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { SocialProviders } from './providers.js';
import { ProviderParams, ProviderSettings, ProviderView } from './schemas.js';

/**
 * Admin configuration of social providers. Refused with an API token: a leaked admin token must not be able
 * to point sign-in at a provider of the thief's choosing. The client secret goes in and never comes out.
 */
export async function socialProviderAdminRoutes(
  plugin: FastifyInstance,
  { providers, audit }: { providers: SocialProviders; audit: AuditTrail },
): Promise<void> {
  // Handlers are typed by their schemas: `request.body` is ProviderSettings, `request.params.name` a string.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const guard = requireAuth({ role: 'admin', refuse: ['api_token'] });

  app.get(
    '/api/admin/social-providers',
    { schema: { response: { 200: Type.Array(ProviderView) } }, preHandler: guard },
    () => providers.list(),
  );

  app.get(
    '/api/admin/social-providers/:name',
    { schema: { params: ProviderParams, response: { 200: ProviderView } }, preHandler: guard },
    (request) => providers.get(request.params.name),
  );

  app.put(
    '/api/admin/social-providers/:name',
    {
      schema: { params: ProviderParams, body: ProviderSettings, response: { 200: ProviderView } },
      preHandler: guard,
    },
    async (request) => {
      const { name } = request.params;
      const { body } = request;
      const view = await providers.set(name, body);
      const { clientSecret, ...detail } = body;
      await audit.record({
        actor: authOf(request).user,
        ip: request.ip,
        action: 'social_provider.set',
        // The secret never reaches the trail: only that it changed.
        detail: { name, ...detail, ...(clientSecret !== undefined && { clientSecret: 'changed' }) },
      });
      return view;
    },
  );

  app.delete(
    '/api/admin/social-providers/:name',
    { schema: { params: ProviderParams, response: { 200: Message } }, preHandler: guard },
    async (request) => {
      const { name } = request.params;
      await providers.delete(name);
      await audit.record({
        actor: authOf(request).user,
        ip: request.ip,
        action: 'social_provider.delete',
        detail: { name },
      });
      return { message: 'Provider deleted' };
    },
  );
}
