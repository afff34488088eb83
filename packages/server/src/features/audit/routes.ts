import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireAuth } from '../../http/guards.js';
import type { AuditTrail } from './audit-trail.js';

const AuditQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  targetId: Type.Optional(Type.String({ maxLength: 64 })),
  actorId: Type.Optional(Type.String({ maxLength: 64 })),
});

const AuditRecord = Type.Object({
  _id: Type.String(),
  action: Type.String(),
  actor: Type.Union([Type.Object({ _id: Type.String(), email: Type.String() }), Type.Null()]),
  target: Type.Union([Type.Object({ _id: Type.String(), email: Type.String() }), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
  created: Type.String(),
});

/** GET /api/admin/audit: the admin audit trail, newest first; global admins only, never with an API token. */
export async function auditRoutes(plugin: FastifyInstance, { audit }: { audit: AuditTrail }): Promise<void> {
  // Handlers are typed by their schemas: `request.query.limit` is a number because AuditQuery says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/admin/audit',
    {
      schema: { querystring: AuditQuery, response: { 200: Type.Array(AuditRecord) } },
      preHandler: requireAuth({ role: 'admin', refuse: ['api_token'] }),
    },
    async (request) => {
      const rows = await audit.list(request.query);
      return rows.map((row) => ({
        _id: row.id,
        action: row.action,
        actor: row.actor_id ? { _id: row.actor_id, email: row.actor_email ?? '' } : null,
        target: row.target_id ? { _id: row.target_id, email: row.target_email ?? '' } : null,
        detail: JSON.parse(row.detail) as Record<string, unknown>,
        ip: row.ip,
        created: new Date(row.created_at).toISOString(),
      }));
    },
  );
}
