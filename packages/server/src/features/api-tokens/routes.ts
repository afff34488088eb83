import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import { notFound } from '../../lib/errors.js';
import { type ApiTokenRotation, parseOverlap } from './rotation.js';
import {
  ApiTokenIdParams,
  ApiTokenView,
  apiTokenView,
  apiTokenViews,
  CreateApiTokenBody,
  CreatedApiToken,
  RotateApiTokenBody,
  RotatedApiToken,
} from './schemas.js';
import type { ApiTokenService } from './service.js';

/**
 * The user's own API tokens. Every route refuses API-token authentication (SECURITY.md): a leaked token
 * must not be able to list its siblings, mint a successor, or revoke the owner's other tokens.
 */
export async function apiTokenRoutes(
  plugin: FastifyInstance,
  {
    apiTokens,
    apiTokenRotation,
    now,
  }: { apiTokens: ApiTokenService; apiTokenRotation: ApiTokenRotation; now: () => number },
): Promise<void> {
  // Handlers are typed by their schemas: `request.body` is a CreateApiTokenBody or a RotateApiTokenBody.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const guard = requireAuth({ refuse: ['api_token'] });

  app.get(
    '/api/me/api-tokens',
    { schema: { response: { 200: Type.Array(ApiTokenView) } }, preHandler: guard },
    async (request) => {
      const rows = await apiTokens.list(authOf(request).user.id);
      return apiTokenViews(rows, now());
    },
  );

  app.post(
    '/api/me/api-tokens',
    { schema: { body: CreateApiTokenBody, response: { 201: CreatedApiToken } }, preHandler: guard },
    async (request, reply) => {
      const { token, apiToken } = await apiTokens.create(authOf(request).user.id, request.body);
      // The raw token is in this body only: no cache or proxy may keep a copy (RFC 9111 §5.2.2.5).
      reply.status(201).header('cache-control', 'no-store');
      return { token, apiToken: apiTokenView(apiToken, now()) };
    },
  );

  app.post(
    '/api/me/api-tokens/:id/rotate',
    {
      schema: { params: ApiTokenIdParams, body: RotateApiTokenBody, response: { 201: RotatedApiToken } },
      preHandler: guard,
      // `{}` or no body at all: the default overlap.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { body } = request;
      const result = await apiTokenRotation.rotate(authOf(request).user.id, id, parseOverlap(body.overlap));
      reply.status(201).header('cache-control', 'no-store');
      const at = now();
      return {
        token: result.token,
        apiToken: apiTokenView(result.apiToken, at, result.rotated.id),
        rotated: apiTokenView(result.rotated, at),
      };
    },
  );

  app.delete(
    '/api/me/api-tokens/:id',
    {
      schema: { params: ApiTokenIdParams, response: { 200: Type.Object({ message: Type.String() }) } },
      preHandler: guard,
    },
    async (request) => {
      const { id } = request.params;
      if (!(await apiTokens.revoke(authOf(request).user.id, id))) throw notFound('API token not found');
      return { message: 'Token revoked' };
    },
  );
}
