import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../../config/load.js';
import { authOf, requireAuth } from '../../http/guards.js';
import { assertSameOrigin } from '../../http/same-origin.js';
import { AppError } from '../../lib/errors.js';
import type { Reauthentication } from '../accounts/reauthentication.js';
import { SessionPayload, TokenPayload } from '../accounts/schemas.js';
import { completeFirstFactor, type SignInDeps } from '../accounts/sign-in.js';
import { SOCIAL_AMR } from '../sessions/amr.js';
import type { SocialIdentities } from './identities.js';
import { ProviderUnavailable, type SocialLogin } from './login.js';
import { StateCookies } from './state-cookie.js';

const LoginParams = Type.Object({ provider: Type.String({ minLength: 1, maxLength: 64 }) });
const StartQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 1024 })),
  returnUrl: Type.Optional(Type.String({ maxLength: 4096 })),
  error: Type.Optional(Type.String({ maxLength: 64 })),
});
const ExchangeQuery = Type.Object({ rt: Type.Optional(Type.String({ maxLength: 512 })) });
const IdentityParams = Type.Object({
  provider: Type.String({ minLength: 1, maxLength: 64 }),
  subject: Type.String({ minLength: 1, maxLength: 512 }),
});
const LinkBody = Type.Object({
  /** The current password, unless the sign-in is recent (GATEHOUSE_REAUTHENTICATION_WINDOW). */
  password: Type.Optional(Type.String({ maxLength: 1024 })),
  returnUrl: Type.Optional(Type.String({ maxLength: 4096 })),
  state: Type.Optional(Type.String({ maxLength: 1024 })),
});
export const LinkedIdentityView = Type.Object({
  provider: Type.String(),
  subject: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  linkedAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});

/** Responses that carry or answer a one-time `rt`: no cache may keep them, no Referer may repeat them. */
function protectCode(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
  reply.header('referrer-policy', 'no-referrer');
}

/** Seed 001: an unknown or disabled provider sends the browser to `/api/auth/<p>?error=disabled`. */
function disabledRedirect(reply: FastifyReply, name: string) {
  return reply.redirect(`/api/auth/${encodeURIComponent(name)}?error=disabled`, 302);
}

/**
 * The social login wire of seed 001: `GET /api/auth/:provider` (start), `GET /api/auth/:provider/callback`
 * (the provider's redirect), `POST /api/auth/callback?rt=` (the exchange), and the signed-in user's linked
 * identities.
 */
export interface SocialLoginRouteDeps {
  config: Config;
  login: SocialLogin;
  identities: SocialIdentities;
  reauthentication: Reauthentication;
  /** The exchange finishes a sign-in like a password would. */
  signIn: SignInDeps;
}

export async function socialLoginRoutes(
  plugin: FastifyInstance,
  { config, login, identities, reauthentication, signIn }: SocialLoginRouteDeps,
): Promise<void> {
  // Handlers are typed by their schemas: `request.params.provider` is a string because LoginParams says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const stateCookies = new StateCookies(config.secureCookies);

  app.get(
    '/api/auth/:provider',
    {
      schema: { params: LoginParams, querystring: StartQuery },
      // A signed-in user links the identity to their account; a dead cookie just means "not signed in".
      config: { authentication: 'lenient', allowWithoutSecondFactor: true },
    },
    async (request, reply) => {
      const { provider: name } = request.params;
      const { query } = request;
      if (query.error === 'disabled')
        throw new AppError(404, 'PROVIDER_DISABLED', `Sign-in with ${name} is not enabled on this server`);
      const auth = request.auth;
      const input = { appState: query.state, returnUrl: query.returnUrl };
      try {
        // Linking is a privileged change (like Ory's "privileged session"): a sign-in older than the
        // reauthentication window must be renewed first, or a borrowed browser could attach an
        // attacker's identity to the account. The explicit link call below also takes the password.
        const linking = auth?.kind === 'session';
        if (linking && !reauthentication.isRecent(auth))
          return reply.redirect(await login.refusal(name, input, 'REAUTHENTICATION_REQUIRED'), 302);
        const started = await login.start(name, { ...input, linkUserId: linking ? auth.user.id : null });
        stateCookies.issue(request, reply, started.state);
        reply.header('referrer-policy', 'no-referrer');
        return reply.redirect(started.redirect, 302);
      } catch (error) {
        if (error instanceof ProviderUnavailable) return disabledRedirect(reply, name);
        throw error;
      }
    },
  );

  app.get(
    '/api/auth/:provider/callback',
    { schema: { params: LoginParams }, config: { authentication: 'none' } },
    async (request, reply) => {
      const { provider: name } = request.params;
      protectCode(reply);
      const query = new URL(request.url, 'http://callback.invalid').searchParams;
      try {
        const finished = await login.callback(
          name,
          query,
          stateCookies.take(request, reply, query.get('state')),
        );
        return reply.redirect(finished.redirect, 302);
      } catch (error) {
        if (error instanceof ProviderUnavailable) return disabledRedirect(reply, name);
        throw error;
      }
    },
  );

  app.post(
    '/api/auth/callback',
    {
      schema: {
        querystring: ExchangeQuery,
        response: { 200: Type.Union([TokenPayload, SessionPayload]) },
      },
      config: { authentication: 'none' },
      // The exchange creates a session: a foreign page must not sign the browser in (login CSRF).
      onRequest: async (_request, reply) => protectCode(reply),
      preValidation: async (request) => assertSameOrigin(request, config.allowedOrigins),
    },
    async (request, reply) => {
      const { rt } = request.query;
      const user = await login.exchange(rt);
      return completeFirstFactor(signIn, request, reply, user, { authType: 'cookie', amr: SOCIAL_AMR });
    },
  );

  app.get(
    '/api/me/social-identities',
    {
      schema: { response: { 200: Type.Array(LinkedIdentityView) } },
      preHandler: requireAuth({ scope: 'profile:read' }),
    },
    (request) => identities.list(authOf(request).user.id),
  );

  app.post(
    '/api/me/social-identities/:provider',
    {
      schema: {
        params: LoginParams,
        body: LinkBody,
        response: { 200: Type.Object({ url: Type.String() }) },
      },
      // Only a browser's cookie session: the state cookie set here must travel with the same browser.
      preHandler: requireAuth({ refuse: ['api_token', 'access_token'] }),
    },
    async (request, reply) => {
      const { provider: name } = request.params;
      const { body } = request;
      const auth = authOf(request);
      await reauthentication.assert(auth, body.password);
      try {
        const started = await login.start(name, {
          appState: body.state,
          returnUrl: body.returnUrl,
          linkUserId: auth.user.id,
          purpose: 'link',
        });
        stateCookies.issue(request, reply, started.state);
        return { url: started.redirect };
      } catch (error) {
        if (error instanceof ProviderUnavailable)
          throw new AppError(404, 'PROVIDER_DISABLED', `Sign-in with ${name} is not enabled on this server`);
        throw error;
      }
    },
  );

  app.delete(
    '/api/me/social-identities/:provider/:subject',
    {
      schema: { params: IdentityParams, response: { 200: Type.Object({ message: Type.String() }) } },
      preHandler: requireAuth({ refuse: ['api_token'] }),
    },
    async (request) => {
      const { provider, subject } = request.params;
      await identities.remove(authOf(request).user.id, provider, subject);
      return { message: 'Identity unlinked' };
    },
  );
}
