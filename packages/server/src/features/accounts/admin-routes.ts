import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import { AdminUserDetail, RoleName, UserParams } from '../identity/schemas.js';
import { adminUserView } from '../identity/user-view.js';
import type { AdminAct, UserAdministration } from './administration.js';
import type { SoleOwnedWorkspaces } from './deletion.js';
import { Message } from './schemas.js';

const CreateUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    /** Omit to send an invitation e-mail that lets the person choose their password. */
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    roles: Type.Optional(Type.Array(RoleName, { maxItems: 20 })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
    firstName: Type.Optional(Type.String({ maxLength: 200 })),
    lastName: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

const DeleteUserBody = Type.Object(
  {
    /** What to do with workspaces the user is the only owner of: refuse (default), delete, or transfer. */
    soleOwnedWorkspaces: Type.Optional(
      Type.Union([Type.Literal('refuse'), Type.Literal('delete'), Type.Literal('transfer')]),
    ),
    /** The new owner when transferring. */
    transferTo: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
type DeleteUserBody = Static<typeof DeleteUserBody>;

const SetPasswordBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

const emptyBody = async (request: FastifyRequest) => {
  request.body ??= {};
};

function soleOwned(body: DeleteUserBody): SoleOwnedWorkspaces {
  if (body.soleOwnedWorkspaces === 'transfer') return { action: 'transfer', to: body.transferTo ?? '' };
  return { action: body.soleOwnedWorkspaces ?? 'refuse' };
}

/**
 * Account administration for global admins (issue 13), never with an API token. Each action is in the
 * audit trail, readable at GET /api/admin/audit.
 */
export async function adminUserRoutes(
  plugin: FastifyInstance,
  { userAdmin }: { userAdmin: UserAdministration },
): Promise<void> {
  // Handlers are typed by their schemas: `request.params.id` is a string because UserParams says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = requireAuth({ role: 'admin', refuse: ['api_token'] });
  const act = (request: FastifyRequest): AdminAct => ({ actor: authOf(request).user, ip: request.ip });

  app.post(
    '/api/admin/users',
    { schema: { body: CreateUserBody, response: { 201: AdminUserDetail } }, preHandler: adminOnly },
    async (request, reply) => {
      const { user } = await userAdmin.create(act(request), request.body);
      reply.status(201);
      return adminUserView(user);
    },
  );

  app.get(
    '/api/admin/users/:id',
    { schema: { params: UserParams, response: { 200: AdminUserDetail } }, preHandler: adminOnly },
    async (request) => adminUserView(await userAdmin.find(request.params.id)),
  );

  app.post(
    '/api/admin/users/:id/disable',
    { schema: { params: UserParams, response: { 200: AdminUserDetail } }, preHandler: adminOnly },
    async (request) => adminUserView(await userAdmin.disable(act(request), request.params.id)),
  );

  app.post(
    '/api/admin/users/:id/enable',
    { schema: { params: UserParams, response: { 200: AdminUserDetail } }, preHandler: adminOnly },
    async (request) => adminUserView(await userAdmin.enable(act(request), request.params.id)),
  );

  app.delete(
    '/api/admin/users/:id',
    {
      schema: { params: UserParams, body: DeleteUserBody, response: { 200: Message } },
      preHandler: adminOnly,
      preValidation: emptyBody,
    },
    async (request) => {
      await userAdmin.delete(act(request), request.params.id, soleOwned(request.body));
      return { message: 'User deleted' };
    },
  );

  app.delete(
    '/api/admin/users/:id/sessions',
    { schema: { params: UserParams, response: { 200: Message } }, preHandler: adminOnly },
    async (request) => {
      await userAdmin.endSessions(act(request), request.params.id);
      return { message: 'Every session of the user was ended' };
    },
  );

  app.put(
    '/api/admin/users/:id/password',
    {
      schema: { params: UserParams, body: SetPasswordBody, response: { 200: Message } },
      preHandler: adminOnly,
    },
    async (request) => {
      await userAdmin.setPassword(act(request), request.params.id, request.body.password);
      return { message: 'Password set; every session of the user was ended' };
    },
  );

  app.post(
    '/api/admin/users/:id/reset-link',
    { schema: { params: UserParams, response: { 202: Message } }, preHandler: adminOnly },
    async (request, reply) => {
      await userAdmin.sendResetLink(act(request), request.params.id);
      reply.status(202);
      return { message: 'A password-reset link is on its way to the user' };
    },
  );
}
