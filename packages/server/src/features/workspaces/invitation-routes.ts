import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import type { AuthConfigService } from '../auth-config/service.js';
import { emailNotVerified } from '../identity/email.js';
import type { InvitationService } from './invitations.js';
import { InvitationParams, InvitationView, Message, WorkspaceItem } from './schemas.js';
import type { WorkspaceService } from './service.js';

/** The signed-in user's own invitations: list them, accept or decline one (docs/workspaces.md). */
export async function invitationRoutes(
  plugin: FastifyInstance,
  {
    invitations,
    workspaces,
    authConfig,
  }: { invitations: InvitationService; workspaces: WorkspaceService; authConfig: AuthConfigService },
): Promise<void> {
  // Handlers are typed by their schemas: `request.params.id` is a string because InvitationParams says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  // Joining or turning down a workspace is the person's own decision, never a script's with an API token.
  const personal = requireAuth({ refuse: ['api_token'] });

  app.get(
    '/api/me/invitations',
    {
      schema: { response: { 200: Type.Array(InvitationView) } },
      preHandler: requireAuth({ scope: 'workspaces:read' }),
    },
    async (request) => invitations.listFor(authOf(request).user),
  );

  app.post(
    '/api/me/invitations/:id/accept',
    { schema: { params: InvitationParams, response: { 200: WorkspaceItem } }, preHandler: personal },
    async (request) => {
      const auth = authOf(request);
      const { id } = request.params;
      // An invitation goes to an address: only someone who proved they own it may take it up. Without
      // this, anyone could sign up with a colleague's address (unverified) and join in their place.
      const { emailVerification } = await authConfig.get();
      if (emailVerification !== 'off' && !auth.user.emailVerified) throw emailNotVerified();
      return workspaces.get(auth, await invitations.accept(auth.user, id));
    },
  );

  app.post(
    '/api/me/invitations/:id/decline',
    { schema: { params: InvitationParams, response: { 200: Message } }, preHandler: personal },
    async (request) => {
      const auth = authOf(request);
      await invitations.decline(auth.user, request.params.id);
      return { message: 'Invitation declined' };
    },
  );
}
