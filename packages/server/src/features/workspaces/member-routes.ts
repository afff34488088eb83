import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import { AppError } from '../../lib/errors.js';
import type { Services } from '../../services.js';
import { requiredMembershipOf } from './guard.js';
import type { MemberActor } from './members.js';
import {
  AddMemberBody,
  CreatedInvite,
  InvitationSent,
  InviteBody,
  InviteParams,
  InviteTokenParams,
  InviteView,
  MemberParams,
  MemberView,
  Message,
  RoleBody,
  WorkspaceItem,
  WorkspaceParams,
} from './schemas.js';
import { MANAGER_ROLES, MEMBER } from './workspace-roles.js';

type IdParams = { id: string };
type MemberIdParams = { id: string; userId: string };

/** The caller and their role, on a route guarded by requireWorkspaceRole. */
function actorOf(request: FastifyRequest): MemberActor {
  return { userId: authOf(request).user.id, role: requiredMembershipOf(request).role };
}

/** `me` stands for the caller, as in `/api/me`. */
function targetOf(request: FastifyRequest): string {
  const { userId } = request.params as MemberIdParams;
  return userId.toLowerCase() === 'me' ? authOf(request).user.id : userId;
}

/** Members of a workspace, invite links, and accepting an invite. */
export async function memberRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
): Promise<void> {
  const { members, invites, invitations, workspaces, guards } = services.workspaces;
  const read = requireAuth({ scope: 'workspaces:read' });
  const write = requireAuth({ scope: 'workspaces:write' });
  const manage = [write, guards.requireWorkspaceRole(...MANAGER_ROLES)];
  const anyMember = [write, guards.requireWorkspaceRole()];

  app.get(
    '/api/workspaces/:id/members',
    {
      schema: { params: WorkspaceParams, response: { 200: Type.Array(MemberView) } },
      preHandler: [read, guards.requireWorkspaceRead()],
    },
    async (request) => members.list((request.params as IdParams).id),
  );

  // A global admin adds at once (201); anyone else invites (202, the same answer for any address).
  app.post(
    '/api/workspaces/:id/members',
    {
      schema: {
        params: WorkspaceParams,
        body: AddMemberBody,
        response: { 201: MemberView, 202: InvitationSent },
      },
      preHandler: manage,
    },
    async (request, reply) => {
      const body = request.body as AddMemberBody;
      const { id } = request.params as IdParams;
      const input = { email: body.email, role: body.role ?? MEMBER };
      const added = await invitations.addByEmail(authOf(request), actorOf(request), id, input);
      if ('member' in added) return reply.status(201).send(added.member);
      return reply.status(202).send(added);
    },
  );

  app.patch(
    '/api/workspaces/:id/members/:userId',
    { schema: { params: MemberParams, body: RoleBody, response: { 200: MemberView } }, preHandler: manage },
    async (request) => {
      const { role } = request.body as RoleBody;
      return members.changeRole(actorOf(request), (request.params as IdParams).id, targetOf(request), role);
    },
  );

  // Leaving: any member may remove themselves, except the last owner.
  app.delete(
    '/api/workspaces/:id/members/me',
    { schema: { params: WorkspaceParams, response: { 200: Message } }, preHandler: anyMember },
    async (request) => {
      await members.remove(actorOf(request), (request.params as IdParams).id, authOf(request).user.id);
      return { message: 'You left the workspace' };
    },
  );

  app.delete(
    '/api/workspaces/:id/members/:userId',
    { schema: { params: MemberParams, response: { 200: Message } }, preHandler: anyMember },
    async (request) => {
      await members.remove(actorOf(request), (request.params as IdParams).id, targetOf(request));
      return { message: 'Member removed' };
    },
  );

  app.get(
    '/api/workspaces/:id/invites',
    {
      schema: { params: WorkspaceParams, response: { 200: Type.Array(InviteView) } },
      preHandler: [read, guards.requireWorkspaceRole(...MANAGER_ROLES)],
    },
    async (request) => invites.list((request.params as IdParams).id),
  );

  app.post(
    '/api/workspaces/:id/invites',
    {
      schema: { params: WorkspaceParams, body: InviteBody, response: { 201: CreatedInvite } },
      preHandler: manage,
    },
    async (request, reply) => {
      const body = request.body as InviteBody;
      const created = await invites.create(actorOf(request), (request.params as IdParams).id, {
        role: body.role ?? MEMBER,
        email: body.email,
      });
      // The link's secret is in this body, once.
      reply.status(201).header('cache-control', 'no-store');
      return created;
    },
  );

  app.delete(
    '/api/workspaces/:id/invites/:inviteId',
    { schema: { params: InviteParams, response: { 200: Message } }, preHandler: manage },
    async (request) => {
      const { id, inviteId } = request.params as { id: string; inviteId: string };
      if (!(await invites.revoke(id, inviteId)))
        throw new AppError(404, 'INVITE_NOT_FOUND', 'No pending invite with this id');
      return { message: 'Invite revoked' };
    },
  );

  // Joining is the person's own decision: not something a script holding an API token does for them.
  app.post(
    '/api/invites/:token/accept',
    {
      schema: { params: InviteTokenParams, response: { 200: WorkspaceItem } },
      preHandler: requireAuth({ refuse: ['api_token'] }),
    },
    async (request) => {
      const auth = authOf(request);
      const { token } = request.params as { token: string };
      const workspaceId = await invites.accept(auth.user, token);
      return workspaces.get(auth, workspaceId);
    },
  );
}
