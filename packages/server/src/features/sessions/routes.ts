import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import { notFound } from '../../lib/errors.js';
import type { Services } from '../../services.js';
import { sessionCookieName, sessionCookieOptions } from './cookie.js';

const SessionView = Type.Object({
  _id: Type.String(),
  current: Type.Boolean(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
});

const SessionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** Logout and the user's own session list (devices). */
export async function sessionRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
): Promise<void> {
  const { sessions, ctx } = services;
  const cookieName = sessionCookieName(ctx.config);

  app.post('/api/logout', { config: { authentication: 'lenient' } }, async (request, reply) => {
    const auth = request.auth;
    if (auth?.kind === 'session' && auth.sessionId) await sessions.revoke(auth.user.id, auth.sessionId);
    if (auth?.kind === 'access_token' && services.tokenSignIn) await services.tokenSignIn.revokeCurrent(auth);
    if (request.cookies[cookieName] !== undefined)
      reply.clearCookie(cookieName, sessionCookieOptions(ctx.config));
    return {};
  });

  app.get(
    '/api/me/sessions',
    {
      schema: { response: { 200: Type.Array(SessionView) } },
      preHandler: requireAuth({ refuse: ['api_token'] }),
    },
    async (request) => {
      const auth = authOf(request);
      const rows = await sessions.list(auth.user.id);
      return rows.map((row) => ({
        _id: row.id,
        current: row.id === auth.sessionId,
        createdAt: new Date(row.created_at).toISOString(),
        lastSeenAt: new Date(row.last_seen_at).toISOString(),
        expiresAt: new Date(Math.min(row.expires_at, row.last_seen_at + row.idle_ttl_ms)).toISOString(),
        userAgent: row.user_agent,
        ip: row.ip,
      }));
    },
  );

  app.delete(
    '/api/me/sessions/:id',
    { schema: { params: SessionIdParams }, preHandler: requireAuth({ refuse: ['api_token'] }) },
    async (request, reply) => {
      const auth = authOf(request);
      const { id } = request.params as { id: string };
      if (!(await sessions.revoke(auth.user.id, id))) throw notFound('Session not found');
      if (id === auth.sessionId) reply.clearCookie(cookieName, sessionCookieOptions(ctx.config));
      return { message: 'Session revoked' };
    },
  );
}
