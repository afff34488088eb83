import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import { AppError } from '../../lib/errors.js';
import { TokenSessionParams, TokenSessionView } from './schemas.js';
import type { TokenService } from './service.js';
import type { TokenSessionListing } from './store.js';

const iso = (ms: number) => new Date(ms).toISOString();

function tokenSessionView(row: TokenSessionListing, currentFamilyId: string | undefined): TokenSessionView {
  return {
    _id: row.id,
    current: row.id === currentFamilyId,
    createdAt: iso(row.created_at),
    lastUsedAt: iso(row.last_used_at),
    expiresAt: iso(row.expires_at),
    userAgent: row.user_agent,
    ip: row.ip,
    workspace: row.workspace_id ? { _id: row.workspace_id, name: row.workspace_name ?? '' } : null,
  };
}

/**
 * The user's token sign-ins (refresh-token families started by `authType: 'oauth'` sign-in): listed and
 * revocable like browser sessions. Refused with an API token, as session management is (HTTP-API.md).
 */
export async function tokenSessionRoutes(
  plugin: FastifyInstance,
  { tokens }: { tokens: TokenService },
): Promise<void> {
  // Handlers are typed by their schemas: `request.params.id` is a string because TokenSessionParams says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const guard = requireAuth({ refuse: ['api_token'] });

  app.get(
    '/api/me/token-sessions',
    { schema: { response: { 200: Type.Array(TokenSessionView) } }, preHandler: guard },
    async (request) => {
      const auth = authOf(request);
      const rows = await tokens.listForUser(auth.user.id);
      return rows.map((row) => tokenSessionView(row, auth.familyId));
    },
  );

  app.delete(
    '/api/me/token-sessions/:id',
    {
      schema: { params: TokenSessionParams, response: { 200: Type.Object({ message: Type.String() }) } },
      preHandler: guard,
    },
    async (request) => {
      const auth = authOf(request);
      const { id } = request.params;
      // Another user's family and an unknown id get the same answer: ids are not probed for existence.
      if (!(await tokens.revokeForUser(auth.user.id, id)))
        throw new AppError(404, 'TOKEN_SESSION_NOT_FOUND', 'No active token sign-in with this id');
      return { message: 'Token sign-in revoked' };
    },
  );
}
