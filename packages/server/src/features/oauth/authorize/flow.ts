import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import { constantTimeEqual, randomSecret, sha256 } from '../../../lib/crypto.js';
import { secondFactorRequired } from '../../auth-config/configuration.js';
import type { AuthConfigService } from '../../auth-config/service.js';
import type { PrincipalLoader } from '../../identity/principals.js';
import type { UserRow } from '../../identity/user-store.js';
import { parseAmr } from '../../sessions/amr.js';
import { sessionCookieName } from '../../sessions/cookie.js';
import type { SessionService } from '../../sessions/service.js';
import type { OAuthClient, OAuthClients } from '../clients/service.js';
import { OAuthError } from '../errors.js';
import { issuerOf } from '../issuer.js';
import { formatResources } from '../resources.js';
import { formatScope, parseScope } from '../scopes.js';
import type { InteractionRow, OAuthStore } from '../store.js';
import { errorPage, type FormContext } from './pages.js';
import { AuthorizationRefusal, type AuthorizationRequest, callbackUrl } from './request.js';

/** RFC 6749 §4.1.2 / SECURITY.md: a code lives 60 seconds. */
export const CODE_TTL_MS = 60_000;
/** How long the login and consent steps may take. */
const INTERACTION_TTL_MS = 15 * 60_000;

/** Who is signed in, for an authorization decision. */
export interface SignedIn {
  user: UserRow;
  /** Epoch ms of the sign-in (OIDC `auth_time`). */
  authTime: number;
  /** Authentication methods (RFC 8176): `pwd` or `fed` (social), plus `otp` and `mfa` with a second factor. */
  amr: string[];
  /** True when the user signed in during this very authorization (`prompt=login`, `max_age` satisfied). */
  fresh: boolean;
}

/** A page the flow answers with instead of a redirect. */
export class PageError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * The methods of a sign-in whose first step is not known: a Gatehouse session from before sessions recorded
 * how they began (migration 0028), or an interaction without one. An account without a
 * password can only have signed in through a social provider (`fed`); otherwise a password is assumed.
 */
export const amrFor = (user: UserRow) => [
  user.password_hash === null ? 'fed' : 'pwd',
  ...(user.second_factor_at !== null ? ['otp', 'mfa'] : []),
];

export interface FlowDependencies {
  clients: OAuthClients;
  store: OAuthStore;
  sessions: SessionService;
  principals: PrincipalLoader;
  authConfig: AuthConfigService;
}

/**
 * The authorization endpoint's decisions, shared by its steps (named as in node-oidc-provider's
 * interaction policy): `login` when nobody is signed in (or `prompt=login`, or `max_age` has passed),
 * `consent` when the client is not trusted and the user has not granted these scopes, then the code. Each
 * step is an interaction bound to the browser by a cookie and carried through the pages by id and CSRF token.
 */
export class AuthorizationFlow {
  readonly issuer: string;
  readonly #cookieName: string;

  constructor(
    private readonly ctx: AppContext,
    private readonly deps: FlowDependencies,
  ) {
    this.issuer = issuerOf(ctx.config);
    this.#cookieName = ctx.config.secureCookies ? '__Host-gatehouse_oauth' : 'gatehouse_oauth';
  }

  get productName(): string {
    return this.ctx.config.mail.productName;
  }

  /** The user of the browser's Gatehouse session, if any (a disabled account counts as nobody). */
  async currentUser(request: FastifyRequest): Promise<SignedIn | undefined> {
    const token = request.cookies[sessionCookieName(this.ctx.config)];
    if (!token) return undefined;
    const session = await this.deps.sessions.verify(token);
    if (!session) return undefined;
    const principal = await this.deps.principals.load(session.user_id, null).catch(() => null);
    if (!principal) return undefined;
    return {
      user: principal.user,
      authTime: Number(session.created_at),
      // How this session began, as its sign-in recorded it; a session from before 0028 falls back to the guess.
      amr: parseAmr(session.amr) ?? amrFor(principal.user),
      fresh: false,
    };
  }

  /** The next step of an authorization: a page, or the redirect back with a code or an error. */
  async proceed(
    request: FastifyRequest,
    reply: FastifyReply,
    client: OAuthClient,
    authorization: AuthorizationRequest,
    signedIn: SignedIn | undefined,
    interactionId?: string,
  ): Promise<FastifyReply> {
    const now = this.ctx.now();
    const refuse = (error: string, description: string) =>
      this.refuse(
        reply,
        new AuthorizationRefusal(
          new OAuthError(error, description),
          authorization.redirectUri,
          authorization.state,
        ),
      );
    const tooOld =
      authorization.maxAge !== undefined &&
      signedIn !== undefined &&
      now - signedIn.authTime > authorization.maxAge * 1000;
    if (!signedIn || (!signedIn.fresh && (authorization.prompt.includes('login') || tooOld))) {
      if (authorization.prompt.includes('none')) return refuse('login_required', 'The user is not signed in');
      const id = interactionId ?? (await this.#newInteraction(request, reply, client, authorization));
      return reply.redirect(`/oauth2/login?interaction=${encodeURIComponent(id)}`, 303);
    }
    const { user } = signedIn;
    // The admin's "second factor required" policy holds a user without one back here as everywhere else.
    if (
      secondFactorRequired(await this.deps.authConfig.get(), JSON.parse(user.roles) as string[]) &&
      user.second_factor_at === null
    )
      return refuse(
        'access_denied',
        'An administrator requires a second factor: set one up in your account first',
      );
    const consented = client.trusted || (await this.#consented(user.id, client.id, authorization.scopes));
    if (!consented || authorization.prompt.includes('consent')) {
      if (authorization.prompt.includes('none'))
        return refuse('consent_required', 'The user has not consented');
      let id = interactionId;
      if (id === undefined) id = await this.#newInteraction(request, reply, client, authorization, signedIn);
      return reply.redirect(`/oauth2/consent?interaction=${encodeURIComponent(id)}`, 303);
    }
    if (interactionId !== undefined && !(await this.deps.store.consumeInteraction(interactionId, now)))
      throw new PageError('This sign-in request was already completed or has expired');
    return this.issueCode(reply, authorization, signedIn);
  }

  /** The redirect back with a fresh code (60 s, single use, bound to client, redirect URI and PKCE). */
  async issueCode(
    reply: FastifyReply,
    authorization: AuthorizationRequest,
    signedIn: SignedIn,
  ): Promise<FastifyReply> {
    const code = randomSecret();
    const now = this.ctx.now();
    await this.deps.store.insertCode({
      code_hash: sha256(code),
      client_id: authorization.clientId,
      user_id: signedIn.user.id,
      redirect_uri: authorization.redirectUri,
      scope: formatScope(authorization.scopes),
      resource: formatResources(authorization.resources),
      nonce: authorization.nonce ?? null,
      code_challenge: authorization.codeChallenge ?? null,
      auth_time: signedIn.authTime,
      amr: JSON.stringify(signedIn.amr),
      created_at: now,
      expires_at: now + CODE_TTL_MS,
      consumed_at: null,
      family_id: null,
    });
    reply.header('referrer-policy', 'no-referrer');
    return reply.redirect(
      callbackUrl(authorization.redirectUri, this.issuer, { code, state: authorization.state }),
      303,
    );
  }

  /** RFC 6749 §4.1.2.1: the error goes back to the client, with the exact `state`. */
  refuse(reply: FastifyReply, refusal: AuthorizationRefusal): FastifyReply {
    return reply.redirect(
      callbackUrl(refusal.redirectUri, this.issuer, {
        error: refusal.error.error,
        error_description: refusal.error.description,
        state: refusal.state,
      }),
      303,
    );
  }

  async #consented(userId: string, clientId: string, scopes: readonly string[]): Promise<boolean> {
    const consent = await this.deps.store.findConsent(userId, clientId);
    if (!consent) return false;
    const granted = new Set(parseScope(consent.scope));
    return scopes.every((scope) => granted.has(scope));
  }

  /** The browser's interaction secret (one cookie for all its pending authorizations), set if missing. */
  #browserSecret(request: FastifyRequest, reply: FastifyReply): string {
    const existing = request.cookies[this.#cookieName];
    if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
    const secret = randomSecret();
    reply.setCookie(this.#cookieName, secret, {
      httpOnly: true,
      secure: this.ctx.config.secureCookies,
      sameSite: 'lax',
      path: '/',
    });
    return secret;
  }

  /** The CSRF token of an interaction's forms: derived from the browser's secret, so only that browser has it. */
  csrfToken(interactionId: string, browserSecret: string): string {
    return sha256(`csrf:${interactionId}:${browserSecret}`);
  }

  async #newInteraction(
    request: FastifyRequest,
    reply: FastifyReply,
    client: OAuthClient,
    authorization: AuthorizationRequest,
    signedIn?: SignedIn,
  ): Promise<string> {
    const secret = this.#browserSecret(request, reply);
    const id = randomSecret();
    const now = this.ctx.now();
    await this.deps.store.insertInteraction({
      id,
      browser_hash: sha256(secret),
      client_id: client.id,
      request: JSON.stringify(authorization),
      user_id: signedIn?.user.id ?? null,
      auth_time: signedIn?.authTime ?? null,
      amr: signedIn ? JSON.stringify(signedIn.amr) : null,
      created_at: now,
      expires_at: now + INTERACTION_TTL_MS,
      consumed_at: null,
    });
    return id;
  }

  /**
   * A pending interaction of this browser, with its client and request; for a form post, its CSRF token
   * must match too. Anything else is an error page (never a redirect: nothing here is trusted yet).
   */
  async interaction(
    request: FastifyRequest,
    id: string,
    csrf?: string,
  ): Promise<{
    row: InteractionRow;
    client: OAuthClient;
    authorization: AuthorizationRequest;
    form: FormContext;
  }> {
    const secret = request.cookies[this.#cookieName];
    const row = await this.deps.store.findInteraction(id, this.ctx.now());
    if (!row || !secret || !constantTimeEqual(sha256(secret), row.browser_hash))
      throw new PageError(
        'This sign-in request has expired or belongs to another browser. Go back to the application and start again.',
      );
    const token = this.csrfToken(id, secret);
    if (csrf !== undefined && !constantTimeEqual(csrf, token))
      throw new PageError('The form has expired. Go back to the application and start again.', 403);
    const client = await this.deps.clients.find(row.client_id);
    if (!client) throw new PageError('The application is no longer registered here');
    // An interaction begun before resources became a list carries `resource` (one, or none).
    const stored = JSON.parse(row.request) as AuthorizationRequest & { resource?: string };
    return {
      row,
      client,
      authorization: { ...stored, resources: stored.resources ?? (stored.resource ? [stored.resource] : []) },
      form: { productName: this.productName, interaction: id, csrf: token, clientName: client.name },
    };
  }

  /**
   * Answers with a server-rendered page; never cached, never framed (the global headers forbid framing).
   * `redirectUri`: where the page's form may end up after its 303. CSP `form-action` also governs the
   * redirects that follow a form submission, so the client's callback must be allowed besides 'self'.
   */
  page(reply: FastifyReply, html: string, status = 200, redirectUri?: string): FastifyReply {
    const policy = reply.getHeader('content-security-policy');
    if (redirectUri && typeof policy === 'string') {
      const target = new URL(redirectUri);
      const source =
        target.protocol === 'http:' || target.protocol === 'https:' ? target.origin : target.protocol;
      reply.header(
        'content-security-policy',
        policy.replace("form-action 'self'", `form-action 'self' ${source}`),
      );
    }
    return (
      reply
        .status(status)
        .header('cache-control', 'no-store')
        // Not no-referrer: that makes browsers send `Origin: null` with the form, which the CSRF check refuses.
        // same-origin still gives other sites (the client's callback included) no Referer at all.
        .header('referrer-policy', 'same-origin')
        .type('text/html; charset=utf-8')
        .send(html)
    );
  }

  errorPage(reply: FastifyReply, error: PageError): FastifyReply {
    return this.page(reply, errorPage(this.productName, error.message), error.status);
  }
}
