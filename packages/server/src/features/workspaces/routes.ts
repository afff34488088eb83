import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import { OWNER } from '../identity/roles.js';
import { userView } from '../identity/user-view.js';
import type { TokenSignIn } from '../tokens/sign-in.js';
import type { ActivationService } from './activation.js';
import type { WorkspaceGuards } from './guard.js';
import {
  Activation,
  CreateBody,
  ListQuery,
  Message,
  PatchBody,
  PutBody,
  WorkspaceItem,
  WorkspaceParams,
} from './schemas.js';
import type { WorkspaceService } from './service.js';
import { MANAGER_ROLES } from './workspace-roles.js';

export interface WorkspaceRouteDeps {
  workspaces: WorkspaceService;
  activation: ActivationService;
  guards: WorkspaceGuards;
  /** Gives a token session its new pair when it switches workspace. */
  tokens: TokenSignIn;
}

/** /api/workspaces and /api/workspaces/:id (HTTP-API.md); members and invites are in member-routes.ts. */
export async function workspaceRoutes(
  plugin: FastifyInstance,
  { workspaces, activation, guards, tokens }: WorkspaceRouteDeps,
): Promise<void> {
  // Handlers are typed by their schemas: `request.params.id` is a string because WorkspaceParams says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const read = requireAuth({ scope: 'workspaces:read' });
  const write = requireAuth({ scope: 'workspaces:write' });

  app.get(
    '/api/workspaces',
    { schema: { querystring: ListQuery, response: { 200: Type.Array(WorkspaceItem) } }, preHandler: read },
    async (request) => {
      const { bypassAdmin } = request.query;
      return workspaces.list(authOf(request), bypassAdmin === true);
    },
  );

  app.post(
    '/api/workspaces',
    { schema: { body: CreateBody, response: { 201: WorkspaceItem } }, preHandler: write },
    async (request, reply) => {
      const { name } = request.body;
      reply.status(201);
      return workspaces.create(authOf(request), name.trim());
    },
  );

  app.get(
    '/api/workspaces/:id',
    {
      schema: { params: WorkspaceParams, response: { 200: WorkspaceItem } },
      preHandler: [read, guards.requireWorkspaceRead()],
    },
    async (request) => workspaces.get(authOf(request), request.params.id),
  );

  const renameOptions = {
    params: WorkspaceParams,
    response: { 200: WorkspaceItem },
  };
  const manage = [write, guards.requireWorkspaceRole(...MANAGER_ROLES)];

  app.patch(
    '/api/workspaces/:id',
    { schema: { ...renameOptions, body: PatchBody }, preHandler: manage },
    async (request) => {
      const { name } = request.body;
      return workspaces.rename(authOf(request), request.params.id, name.trim());
    },
  );

  // The published Qelos SDK's `update` uses PUT.
  app.put(
    '/api/workspaces/:id',
    { schema: { ...renameOptions, body: PutBody }, preHandler: manage },
    async (request) => {
      const { id } = request.params;
      const { name } = request.body;
      const auth = authOf(request);
      return name === undefined ? workspaces.get(auth, id) : workspaces.rename(auth, id, name.trim());
    },
  );

  app.delete(
    '/api/workspaces/:id',
    {
      schema: { params: WorkspaceParams, response: { 200: Message } },
      preHandler: [write, guards.requireWorkspaceRole(OWNER)],
    },
    async (request) => {
      await workspaces.remove(request.params.id);
      return { message: 'Workspace deleted' };
    },
  );

  app.post(
    '/api/workspaces/:id/activate',
    {
      schema: { params: WorkspaceParams, response: { 200: Activation } },
      preHandler: requireAuth(),
    },
    async (request, reply) => {
      const auth = authOf(request);
      const { id } = request.params;
      const result = await activation.activate(auth, id, tokens);
      // A token session's answer carries a new pair (RFC 6749 §5.1: no caching of token responses).
      reply.header('cache-control', 'no-store');
      const user = userView(result.user, result.workspace);
      return {
        ...(await workspaces.get(auth, id)),
        payload: {
          ...(result.tokens && { ...result.tokens }),
          user,
          workspace: user.workspace,
        },
      };
    },
  );
}
