import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/load.js';
import { authOf, requireAuth } from '../../http/guards.js';
import { notFound } from '../../lib/errors.js';
import type { AccountService } from '../accounts/service.js';
import { bearerCredential } from '../tokens/authenticator.js';
import type { TokenSignIn } from '../tokens/sign-in.js';
import { sessionCookieName, sessionCookieOptions } from './cookie.js';
import type { SessionService } from './service.js';

export const SessionView = Type.Object({
  _id: Type.String(),
  current: Type.Boolean(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
});

/** A token client may name its refresh token, so logout ends the family even when the access token expired. */
const LogoutBody = Type.Object(
  {
    refreshToken: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { additionalProperties: false },
);

const SessionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export interface SessionRouteDeps {
  config: Config;
  sessions: SessionService;
  /** Logout with a bearer token ends its token session. */
  tokens: TokenSignIn;
  /** "Sign out everywhere else" ends token sign-ins too. */
  accounts: Pick<AccountService, 'signOutElsewhere'>;
}

/** Logout and the user's own session list (devices). */
export async function sessionRoutes(
  plugin: FastifyInstance,
  { config, sessions, tokens, accounts }: SessionRouteDeps,
): Promise<void> {
  // Handlers are typed by their schemas: the body is a LogoutBody, the params carry a string id.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const cookieName = sessionCookieName(config);

  app.post(
    '/api/logout',
    {
      config: { authentication: 'lenient', allowWithoutSecondFactor: true },
      // @qelos/sdk posts no body at all.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: { body: LogoutBody, response: { 200: Type.Object({}) } },
    },
    async (request, reply) => {
      const auth = request.auth;
      const body = request.body;
      if (auth?.kind === 'session' && auth.sessionId) await sessions.revoke(auth.user.id, auth.sessionId);
      if (auth?.kind === 'access_token') await tokens.revokeCurrent(auth);
      const bearer = bearerCredential(request);
      const refreshToken = body.refreshToken ?? body.refresh_token;
      if ((bearer && !auth) || refreshToken) {
        await tokens.revokePresented({ accessToken: auth ? undefined : bearer, refreshToken });
      }
      if (request.cookies[cookieName] !== undefined)
        reply.clearCookie(cookieName, sessionCookieOptions(config));
      return {};
    },
  );

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

  /**
   * "Sign out everywhere else": every other browser session and token sign-in of the user ends; the one
   * making the request stays. API tokens (and OAuth grants) are deliberate, separately listed credentials,
   * revoked one by one: a sign-out must not break the user's CI.
   */
  app.post(
    '/api/me/sessions/revoke-others',
    {
      schema: { response: { 200: Type.Object({ message: Type.String() }) } },
      preHandler: requireAuth({ refuse: ['api_token'] }),
    },
    async (request) => {
      const auth = authOf(request);
      await accounts.signOutElsewhere(auth.user.id, {
        sessionId: auth.sessionId,
        familyId: auth.familyId,
      });
      return { message: 'Signed out everywhere else' };
    },
  );

  app.delete(
    '/api/me/sessions/:id',
    {
      schema: { params: SessionIdParams, response: { 200: Type.Object({ message: Type.String() }) } },
      preHandler: requireAuth({ refuse: ['api_token'] }),
    },
    async (request, reply) => {
      const auth = authOf(request);
      const { id } = request.params;
      if (!(await sessions.revoke(auth.user.id, id))) throw notFound('Session not found');
      if (id === auth.sessionId) reply.clearCookie(cookieName, sessionCookieOptions(config));
      return { message: 'Session revoked' };
    },
  );
}
