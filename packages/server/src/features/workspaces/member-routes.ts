import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import { AppError } from '../../lib/errors.js';
import { MEMBER } from '../identity/roles.js';
import { requiredMembershipOf, type WorkspaceGuards } from './guard.js';
import type { InvitationService } from './invitations.js';
import type { InviteService } from './invites.js';
import type { MemberActor, MemberService } from './members.js';
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
import type { WorkspaceService } from './service.js';
import { MANAGER_ROLES } from './workspace-roles.js';

export interface MemberRouteDeps {
  members: MemberService;
  invites: InviteService;
  invitations: InvitationService;
  workspaces: WorkspaceService;
  guards: WorkspaceGuards;
}

/** The caller and their role, on a route guarded by requireWorkspaceRole. */
function actorOf(request: FastifyRequest): MemberActor {
  return { userId: authOf(request).user.id, role: requiredMembershipOf(request).role };
}

/** `me` stands for the caller, as in `/api/me`. */
function targetOf(request: FastifyRequest, userId: string): string {
  return userId.toLowerCase() === 'me' ? authOf(request).user.id : userId;
}

/** Members of a workspace, invite links, and accepting an invite. */
export async function memberRoutes(
  plugin: FastifyInstance,
  { members, invites, invitations, workspaces, guards }: MemberRouteDeps,
): Promise<void> {
  // Handlers are typed by their schemas: `request.params.userId` is a string because MemberParams says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
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
    async (request) => members.list(request.params.id),
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
      const { body } = request;
      const { id } = request.params;
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
      const { role } = request.body;
      return members.changeRole(
        actorOf(request),
        request.params.id,
        targetOf(request, request.params.userId),
        role,
      );
    },
  );

  // Leaving: any member may remove themselves, except the last owner.
  app.delete(
    '/api/workspaces/:id/members/me',
    { schema: { params: WorkspaceParams, response: { 200: Message } }, preHandler: anyMember },
    async (request) => {
      await members.remove(actorOf(request), request.params.id, authOf(request).user.id);
      return { message: 'You left the workspace' };
    },
  );

  app.delete(
    '/api/workspaces/:id/members/:userId',
    { schema: { params: MemberParams, response: { 200: Message } }, preHandler: anyMember },
    async (request) => {
      await members.remove(actorOf(request), request.params.id, targetOf(request, request.params.userId));
      return { message: 'Member removed' };
    },
  );

  app.get(
    '/api/workspaces/:id/invites',
    {
      schema: { params: WorkspaceParams, response: { 200: Type.Array(InviteView) } },
      preHandler: [read, guards.requireWorkspaceRole(...MANAGER_ROLES)],
    },
    async (request) => invites.list(request.params.id),
  );

  app.post(
    '/api/workspaces/:id/invites',
    {
      schema: { params: WorkspaceParams, body: InviteBody, response: { 201: CreatedInvite } },
      preHandler: manage,
    },
    async (request, reply) => {
      const { body } = request;
      const created = await invites.create(actorOf(request), request.params.id, {
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
      const { id, inviteId } = request.params;
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
      const { token } = request.params;
      const workspaceId = await invites.accept(auth.user, token);
      return workspaces.get(auth, workspaceId);
    },
  );
}
