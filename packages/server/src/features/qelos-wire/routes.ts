import { Type } from '@sinclair/typebox';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import { AppError, unauthorized } from '../../lib/errors.js';
import { SessionPayload } from '../accounts/schemas.js';
import type { PrincipalLoader } from '../identity/principals.js';
import { userView, workspaceView } from '../identity/user-view.js';

/**
 * Routes the published `@qelos/sdk` 3.11 calls for users, workspaces and invitations that Gatehouse does
 * not serve (docs/qelos-compatibility.md says why and what to use instead). They answer 501 NOT_SUPPORTED
 * with that advice, so a Qelos app fails with a clear message instead of a 404 that looks like a typo.
 */
export const UNSUPPORTED_QELOS_ROUTES: readonly { method: HTTPMethods; url: string; instead: string }[] = [
  { method: 'GET', url: '/api/invites', instead: 'GET /api/me/invitations' },
  { method: 'POST', url: '/api/invites', instead: 'POST /api/me/invitations/:id/accept or /decline' },
  { method: 'GET', url: '/api/users', instead: 'GET /api/admin/users' },
  { method: 'POST', url: '/api/users', instead: 'POST /api/admin/users' },
  { method: 'GET', url: '/api/users/:id', instead: 'GET /api/admin/users/:id' },
  { method: 'PUT', url: '/api/users/:id', instead: 'the /api/admin/users/:id routes' },
  { method: 'DELETE', url: '/api/users/:id', instead: 'DELETE /api/admin/users/:id' },
  {
    method: 'GET',
    url: '/api/users/:id/encrypted',
    instead: 'nothing: Gatehouse keeps no encrypted user data',
  },
  {
    method: 'POST',
    url: '/api/users/:id/encrypted',
    instead: 'nothing: Gatehouse keeps no encrypted user data',
  },
  { method: 'GET', url: '/api/workspaces/all', instead: 'GET /api/workspaces as an admin' },
  {
    method: 'GET',
    url: '/api/workspaces/:id/encrypted',
    instead: 'nothing: Gatehouse keeps no encrypted workspace data',
  },
  {
    method: 'POST',
    url: '/api/workspaces/:id/encrypted',
    instead: 'nothing: Gatehouse keeps no encrypted workspace data',
  },
  { method: 'GET', url: '/api/roles', instead: 'GET /api/admin/roles' },
];

/** The `{code, message}` answer of every refused route (HTTP-API.md). */
const NotSupported = Type.Object({ code: Type.Literal('NOT_SUPPORTED'), message: Type.String() });

export async function qelosWireRoutes(app: FastifyInstance, { principals }: { principals: PrincipalLoader }) {
  for (const route of UNSUPPORTED_QELOS_ROUTES) {
    app.route({
      method: route.method,
      url: route.url,
      // Declared like any route, whatever the Qelos SDK sends is accepted and refused; not part of
      // Gatehouse's API, so kept out of the reference at /docs (http/openapi.ts).
      schema: {
        hide: true,
        ...(route.url.includes(':id') && { params: Type.Object({ id: Type.String({ maxLength: 64 }) }) }),
        ...((route.method === 'POST' || route.method === 'PUT') && { body: Type.Unknown() }),
        response: { 501: NotSupported },
      },
      config: { authentication: 'none' },
      handler: async () => {
        throw new AppError(
          501,
          'NOT_SUPPORTED',
          `Gatehouse does not serve ${route.method} ${route.url} of the Qelos API; use ${route.instead}`,
        );
      },
    });
  }

  /**
   * POST /api/cookie/refresh: keeps a cookie session alive and answers who it belongs to. Using the session
   * already slides its idle end (sessions/authenticator.ts), so nothing else needs renewing; the answer is
   * the sign-in payload, as after `signin`.
   */
  app.post(
    '/api/cookie/refresh',
    {
      schema: { response: { 200: SessionPayload } },
      preHandler: requireAuth({ refuse: ['api_token', 'access_token'] }),
      config: { allowWithoutSecondFactor: true },
    },
    async (request) => {
      const auth = authOf(request);
      const principal = await principals.load(auth.user.id, auth.workspace?.id ?? null);
      if (!principal) throw unauthorized();
      return {
        payload: { user: userView(principal.user, auth.workspace), workspace: workspaceView(auth.workspace) },
      };
    },
  );
}
