import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import type { InvitationService } from './invitations.js';
import { InvitationParams, InvitationView, Message, WorkspaceItem } from './schemas.js';
import type { WorkspaceService } from './service.js';

/** The signed-in user's own invitations: list them, accept or decline one (docs/workspaces.md). */
export async function invitationRoutes(
  app: FastifyInstance,
  { invitations, workspaces }: { invitations: InvitationService; workspaces: WorkspaceService },
): Promise<void> {
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
      const { id } = request.params as { id: string };
      return workspaces.get(auth, await invitations.accept(auth.user, id));
    },
  );

  app.post(
    '/api/me/invitations/:id/decline',
    { schema: { params: InvitationParams, response: { 200: Message } }, preHandler: personal },
    async (request) => {
      const auth = authOf(request);
      await invitations.decline(auth.user, (request.params as { id: string }).id);
      return { message: 'Invitation declined' };
    },
  );
}
