import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../config/load.js';
import { assertSameOrigin } from '../../../http/same-origin.js';
import { AppError } from '../../../lib/errors.js';
import type { AccountService } from '../../accounts/service.js';
import { assertMaySignIn } from '../../accounts/sign-in-policy.js';
import type { AuthConfigService } from '../../auth-config/service.js';
import type { PrincipalLoader } from '../../identity/principals.js';
import type { UserRow } from '../../identity/user-store.js';
import type { SecondFactorProof, SecondFactorService } from '../../second-factor/service.js';
import { PASSWORD_AMR, parseAmr, SOCIAL_AMR } from '../../sessions/amr.js';
import { sessionCookieName, sessionCookieOptions } from '../../sessions/cookie.js';
import type { SessionService } from '../../sessions/service.js';
import type { SocialLogin } from '../../social/login.js';
import type { SocialProviders } from '../../social/providers.js';
import { OAuthError } from '../errors.js';
import type { OAuthFeature } from '../feature.js';
import { formatScope, parseScope } from '../scopes.js';
import { type AuthorizationFlow, amrFor, PageError, type SignedIn } from './flow.js';
import { consentPage, type FormContext, loginPage, type SocialButton, secondFactorPage } from './pages.js';
import { AuthorizationRefusal, parseAuthorizationRequest, UntrustedRedirect } from './request.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An OAuth route that answers people with pages: its errors are pages too, never JSON. */
    oauthPage?: boolean;
  }
}

const AuthorizeQuery = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]));
const InteractionQuery = Type.Object({ interaction: Type.String({ minLength: 1, maxLength: 64 }) });
/** Where a social login started from the login page comes back: its `state` is the interaction's CSRF token. */
const SocialReturnQuery = Type.Object({
  interaction: Type.String({ minLength: 1, maxLength: 64 }),
  state: Type.String({ minLength: 1, maxLength: 128 }),
  rt: Type.Optional(Type.String({ maxLength: 128 })),
  error: Type.Optional(Type.String({ maxLength: 64 })),
});
const LoginForm = Type.Object({
  interaction: Type.String({ minLength: 1, maxLength: 64 }),
  csrf: Type.String({ minLength: 1, maxLength: 128 }),
  username: Type.Optional(Type.String({ maxLength: 320 })),
  password: Type.Optional(Type.String({ maxLength: 256 })),
  challenge: Type.Optional(Type.String({ maxLength: 128 })),
  code: Type.Optional(Type.String({ maxLength: 64 })),
});
type LoginForm = Static<typeof LoginForm>;
const ConsentForm = Type.Object({
  interaction: Type.String({ minLength: 1, maxLength: 64 }),
  csrf: Type.String({ minLength: 1, maxLength: 128 }),
  decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
});

/** A code from the authenticator app is digits; anything else typed in the box is a recovery code. */
const proofOf = (code: string): SecondFactorProof =>
  /^\d{6,8}$/.test(code.replace(/\s/g, ''))
    ? { code: code.replace(/\s/g, '') }
    : { recoveryCode: code.trim() };

export interface AuthorizeRouteDeps {
  oauth: OAuthFeature;
  config: Config;
  now: () => number;
  /** The login page signs people in to Gatehouse itself, as /api/signin does. */
  accounts: AccountService;
  authConfig: AuthConfigService;
  secondFactor: SecondFactorService;
  sessions: SessionService;
  principals: PrincipalLoader;
  /** "Continue with …" on the login page: the enabled providers, and the swap of the login's one-time code. */
  social: { providers: Pick<SocialProviders, 'enabled'>; login: Pick<SocialLogin, 'exchange'> };
}

/**
 * GET /oauth2/authorize and its pages, /oauth2/login and /oauth2/consent. The pages' POSTs answer 303
 * (a reload never re-posts credentials), check the browser's interaction cookie, the CSRF token and the
 * Origin, and are never framed (the app-wide CSP has `frame-ancestors 'none'`, plus X-Frame-Options).
 */
export async function authorizeRoutes(plugin: FastifyInstance, deps: AuthorizeRouteDeps): Promise<void> {
  // Handlers are typed by their schemas: `request.body` is a LoginForm or a ConsentForm, no casts.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { oauth, config } = deps;
  const flow: AuthorizationFlow = oauth.flow;
  const page = { config: { oauthPage: true } };

  /**
   * The login page's social buttons. Each starts a social login (docs/social-login.md) that comes back to
   * /oauth2/social with this interaction and, as the application state Gatehouse echoes untouched, the
   * interaction's CSRF token: only the browser that holds the interaction cookie can finish it there. None
   * for a browser already signed in to Gatehouse (prompt=login, max_age): a social login started from a
   * session links the identity to that account instead of signing in.
   */
  async function socialButtons(request: FastifyRequest, form: FormContext): Promise<SocialButton[]> {
    if (await flow.currentUser(request)) return [];
    const back = new URL('/oauth2/social', config.publicUrl);
    back.searchParams.set('interaction', form.interaction);
    return (await deps.social.providers.enabled()).map((provider) => {
      const url = new URL(`/api/auth/${provider.name}`, config.publicUrl);
      url.searchParams.set('returnUrl', back.href);
      url.searchParams.set('state', form.csrf);
      return { displayName: provider.displayName, url: url.href };
    });
  }

  /** Signs the browser in to Gatehouse for this interaction (a new session id: no fixation), then goes on. */
  async function signBrowserIn(
    request: FastifyRequest,
    reply: FastifyReply,
    interaction: string,
    user: UserRow,
    amr: readonly string[],
  ) {
    const { client, authorization } = await flow.interaction(request, interaction);
    const workspace = await deps.accounts.resolveWorkspace(user, undefined);
    const { token } = await deps.sessions.create({
      userId: user.id,
      workspaceId: workspace?.id ?? null,
      remember: false,
      userAgent: request.headers['user-agent'],
      ip: request.ip,
      amr,
    });
    reply.setCookie(sessionCookieName(config), token, sessionCookieOptions(config));
    const now = deps.now();
    if (!(await oauth.store.interactionSignedIn(interaction, user.id, now, amr, now)))
      throw new PageError('This sign-in request has expired. Go back to the application and start again.');
    const signedIn: SignedIn = { user, authTime: now, amr: [...amr], fresh: true };
    return flow.proceed(request, reply, client, authorization, signedIn, interaction);
  }

  /** Runs a page's work; a refusal or a page error becomes its page, anything else goes on to the handler. */
  async function pageErrors<T>(reply: FastifyReply, work: () => Promise<T>) {
    try {
      return await work();
    } catch (error) {
      if (error instanceof PageError) return flow.errorPage(reply, error);
      if (error instanceof AuthorizationRefusal) return flow.refuse(reply, error);
      throw error;
    }
  }

  app.get('/oauth2/authorize', { ...page, schema: { querystring: AuthorizeQuery } }, async (request, reply) =>
    pageErrors(reply, async () => {
      let parsed: Awaited<ReturnType<typeof parseAuthorizationRequest>>;
      try {
        parsed = await parseAuthorizationRequest(request.query, (id) => oauth.clients.find(id));
      } catch (error) {
        if (error instanceof UntrustedRedirect) throw new PageError(error.message);
        throw error;
      }
      const signedIn = await flow.currentUser(request);
      return flow.proceed(request, reply, parsed.client, parsed.request, signedIn);
    }),
  );

  app.get('/oauth2/login', { ...page, schema: { querystring: InteractionQuery } }, async (request, reply) =>
    pageErrors(reply, async () => {
      const { interaction } = request.query;
      const { form, authorization } = await flow.interaction(request, interaction);
      return flow.page(
        reply,
        loginPage(form, { loginHint: authorization.loginHint, social: await socialButtons(request, form) }),
        200,
        authorization.redirectUri,
      );
    }),
  );

  app.post('/oauth2/login', { ...page, schema: { body: LoginForm } }, async (request, reply) =>
    pageErrors(reply, async () => {
      const { body } = request;
      const { form, authorization } = await flow.interaction(request, body.interaction, body.csrf);
      assertSameOriginPage(request, config.allowedOrigins);
      let user: UserRow;
      let amr: readonly string[];
      try {
        if (body.challenge !== undefined) {
          // The second step of a sign-in with a second factor: the same challenge as /api/signin/second-factor.
          // Its amr is the first step's (`pwd`, or `fed` after a social login) plus the second factor's.
          const completed = await deps.secondFactor.completeChallenge(
            body.challenge,
            proofOf(body.code ?? ''),
          );
          user = completed.user;
          amr = completed.amr;
        } else {
          user = await authenticate(deps.accounts, body, request.ip);
          amr = PASSWORD_AMR;
        }
        await assertMaySignIn(deps.authConfig, user);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (body.challenge !== undefined && error.code === 'INVALID_SECOND_FACTOR')
          return flow.page(
            reply,
            secondFactorPage(form, body.challenge, error.message),
            error.status,
            authorization.redirectUri,
          );
        return flow.page(
          reply,
          loginPage(form, {
            loginHint: body.username,
            error: error.message,
            social: await socialButtons(request, form),
          }),
          error.status,
        );
      }
      if (body.challenge === undefined && user.second_factor_at !== null) {
        const { challenge } = await deps.secondFactor.startChallenge({
          user,
          authType: 'cookie',
          remember: false,
          workspace: undefined,
          firstFactor: amr,
        });
        return flow.page(reply, secondFactorPage(form, challenge), 200, authorization.redirectUri);
      }
      // Signed in to Gatehouse itself too: later authorizations, `prompt=none` and userinfo with the cookie see it.
      return signBrowserIn(request, reply, body.interaction, user, amr);
    }),
  );

  // The end of a social login started from the login page. Its rt (one-time, 60 s) is swapped here rather
  // than by the application: the CSRF token in `state` proves this browser's login page started it.
  app.get('/oauth2/social', { ...page, schema: { querystring: SocialReturnQuery } }, async (request, reply) =>
    pageErrors(reply, async () => {
      const { interaction, state, rt, error } = request.query;
      const { form, authorization } = await flow.interaction(request, interaction, state);
      const again = (message: string, status: number) =>
        socialButtons(request, form).then((social) =>
          flow.page(reply, loginPage(form, { error: message, social }), status, authorization.redirectUri),
        );
      if (error !== undefined || rt === undefined)
        return again(`Signing in with the provider did not complete (${error ?? 'no sign-in code'}).`, 400);
      let user: UserRow;
      try {
        user = await deps.social.login.exchange(rt);
        await assertMaySignIn(deps.authConfig, user);
      } catch (failure) {
        if (!(failure instanceof AppError)) throw failure;
        return again(failure.message, failure.status);
      }
      if (user.second_factor_at !== null) {
        const { challenge } = await deps.secondFactor.startChallenge({
          user,
          authType: 'cookie',
          remember: false,
          workspace: undefined,
          firstFactor: SOCIAL_AMR,
        });
        return flow.page(reply, secondFactorPage(form, challenge), 200, authorization.redirectUri);
      }
      return signBrowserIn(request, reply, interaction, user, SOCIAL_AMR);
    }),
  );

  app.get('/oauth2/consent', { ...page, schema: { querystring: InteractionQuery } }, async (request, reply) =>
    pageErrors(reply, async () => {
      const { interaction } = request.query;
      const { row, form, authorization } = await flow.interaction(request, interaction);
      const principal = row.user_id ? await deps.principals.load(row.user_id, null).catch(() => null) : null;
      const user = principal?.user;
      if (!user) throw new PageError('Sign in first. Go back to the application and start again.');
      return flow.page(
        reply,
        consentPage(form, user.email, authorization.scopes),
        200,
        authorization.redirectUri,
      );
    }),
  );

  app.post('/oauth2/consent', { ...page, schema: { body: ConsentForm } }, async (request, reply) =>
    pageErrors(reply, async () => {
      const { body } = request;
      const { row, client, authorization } = await flow.interaction(request, body.interaction, body.csrf);
      assertSameOriginPage(request, config.allowedOrigins);
      const principal = row.user_id ? await deps.principals.load(row.user_id, null).catch(() => null) : null;
      if (!principal || row.auth_time === null)
        throw new PageError('Sign in first. Go back to the application and start again.');
      const now = deps.now();
      if (!(await oauth.store.consumeInteraction(row.id, now)))
        throw new PageError('This request was already answered or has expired.');
      if (body.decision === 'deny') {
        throw new AuthorizationRefusal(
          new OAuthError('access_denied', 'The user denied the request'),
          authorization.redirectUri,
          authorization.state,
        );
      }
      // Remembered per user and client; the scopes add up over consents, until the user disconnects.
      const previous = await oauth.store.findConsent(principal.user.id, client.id);
      const scopes = [...new Set([...parseScope(previous?.scope), ...authorization.scopes])];
      await oauth.store.saveConsent(principal.user.id, client.id, formatScope(scopes), now);
      return flow.issueCode(reply, authorization, {
        user: principal.user,
        authTime: Number(row.auth_time),
        amr: parseAmr(row.amr) ?? amrFor(principal.user),
        fresh: true,
      });
    }),
  );
}

async function authenticate(accounts: AccountService, body: LoginForm, ip: string): Promise<UserRow> {
  if (!body.username || !body.password)
    throw new AppError(400, 'VALIDATION_ERROR', 'Enter your email or username and your password');
  return accounts.authenticate(body.username, body.password, ip);
}

/** Login CSRF: the form must come from our own pages (the same check as /api/signin). */
function assertSameOriginPage(request: FastifyRequest, allowedOrigins: readonly string[]): void {
  try {
    assertSameOrigin(request, allowedOrigins);
  } catch {
    throw new PageError('This form was sent from another site and was refused.', 403);
  }
}
