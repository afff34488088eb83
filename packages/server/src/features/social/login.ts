import type { AppContext } from '../../context.js';
import { constantTimeEqual, randomSecret, sha256 } from '../../lib/crypto.js';
import { AppError, badRequest, unauthorized } from '../../lib/errors.js';
import { AccountStore } from '../accounts/store.js';
import type { UserRow } from '../identity/user-store.js';
import { LinkRefused, type SocialIdentities } from './identities.js';
import { LoginStore } from './login-store.js';
import type { ResolvedProvider, SocialProviders } from './providers.js';
import { allowedReturnUrl, returnWith } from './return-url.js';
import { openidClient, type UpstreamClients, UpstreamFailure } from './upstream.js';

/** SECURITY.md: a social login must come back within 10 minutes; the `rt` code lives 60 seconds. */
export const STATE_TTL_SECONDS = 10 * 60;
export const CODE_TTL_SECONDS = 60;

/** Unknown, disabled, or disabled while the login was under way: seed 001's `?error=disabled`. */
export class ProviderUnavailable extends Error {
  constructor(readonly provider: string) {
    super(`provider ${provider} is not enabled`);
    this.name = 'ProviderUnavailable';
  }
}

export const invalidState = () =>
  new AppError(
    400,
    'INVALID_STATE',
    'This sign-in link is missing its state, was already used, expired, or was started in another browser; start again',
  );

export interface StartedLogin {
  /** The provider's authorization URL. */
  redirect: string;
  /** Our upstream state, for the browser-binding cookie. */
  state: string;
}

/** Where the callback sends the browser: the application with `rt` (or `error`) and its own `state`. */
export interface FinishedLogin {
  redirect: string;
  /** True when the redirect carries a one-time code (the response must then not be cached or referred). */
  carriesCode: boolean;
}

/**
 * The social login flow (seed 001, with SECURITY.md's fixes): start → provider → callback → one-time `rt`
 * → exchange for a session. The upstream `state` is ours, bound to the browser by a cookie and consumed
 * once; the application's `state` travels beside it untouched.
 */
export class SocialLogin {
  /** Dead states and codes are deleted by the housekeeping sweep (features/housekeeping). */
  readonly #store: LoginStore;

  constructor(
    private readonly ctx: AppContext,
    private readonly providers: SocialProviders,
    private readonly upstream: UpstreamClients,
    private readonly identities: SocialIdentities,
  ) {
    this.#store = new LoginStore(ctx.storage.db);
  }

  /** The return URL a login may use: on the provider's allow-list (or our own origin), else the default. */
  returnUrlFor(provider: ResolvedProvider, raw: string | undefined): string {
    const own = this.ctx.config.publicUrl.origin;
    const fallback = `${provider.returnOrigins[0] ?? own}/`;
    return allowedReturnUrl(raw, [...provider.returnOrigins, own], fallback);
  }

  /**
   * Starts a login at the provider. `linkUserId` (a signed-in user who proved a recent sign-in) links the
   * identity to that account; `purpose: 'link'` (the explicit "link an account" of the console and the
   * SDK) also brings the browser back with `?linked=<provider>` instead of a sign-in code: the browser is
   * still signed in, so no `rt` is minted that could leak.
   */
  async start(
    name: string,
    input: {
      appState: string | undefined;
      returnUrl: string | undefined;
      linkUserId: string | null;
      purpose?: 'login' | 'link';
    },
  ): Promise<StartedLogin> {
    const provider = await this.providers.resolveEnabled(name);
    if (!provider) throw new ProviderUnavailable(name);
    const now = this.ctx.now();
    const state = randomSecret();
    const nonce = randomSecret();
    const codeVerifier = (await openidClient()).randomPKCECodeVerifier();
    const url = await this.#upstreamCall(() =>
      this.upstream.authorizationUrl(provider, {
        redirectUri: this.providers.callbackUrl(name),
        state,
        nonce,
        codeVerifier,
      }),
    );
    await this.#store.insertState({
      state_hash: sha256(state),
      provider: name,
      code_verifier_sealed: this.ctx.secrets.seal(codeVerifier),
      nonce,
      return_url: this.returnUrlFor(provider, input.returnUrl),
      app_state: input.appState ?? null,
      link_user_id: input.linkUserId,
      purpose: input.purpose ?? 'login',
      created_at: now,
      expires_at: now + STATE_TTL_SECONDS * 1000,
      consumed_at: null,
    });
    return { redirect: url.href, state };
  }

  /**
   * A login refused before it reaches the provider: back to the (allow-listed) return URL with
   * `?error=<code>` and the application's state, as for refusals after it.
   */
  async refusal(
    name: string,
    input: { appState: string | undefined; returnUrl: string | undefined },
    code: 'REAUTHENTICATION_REQUIRED',
  ): Promise<string> {
    const provider = await this.providers.resolveEnabled(name);
    if (!provider) throw new ProviderUnavailable(name);
    return returnWith(this.returnUrlFor(provider, input.returnUrl), {
      rt: null,
      error: code,
      state: input.appState ?? null,
    });
  }

  /**
   * The provider sent the browser back. Our state must be in the query *and* in this browser's cookie, and
   * still unused, unexpired and issued for this provider; otherwise 400 and nothing else happens.
   */
  async callback(
    name: string,
    query: URLSearchParams,
    cookieState: string | undefined,
  ): Promise<FinishedLogin> {
    const queryState = query.get('state');
    if (!queryState || !cookieState || !constantTimeEqual(queryState, cookieState)) throw invalidState();
    const now = this.ctx.now();
    const login = await this.#store.consumeState(sha256(queryState), name, now);
    if (!login) throw invalidState();
    // Checked after the state is spent: a provider disabled mid-login fails closed and the login is over.
    const provider = await this.providers.resolveEnabled(name);
    if (!provider) throw new ProviderUnavailable(name);
    const back = (params: Record<string, string | null>): FinishedLogin => ({
      redirect: returnWith(login.return_url, { rt: null, error: null, ...params, state: login.app_state }),
      carriesCode: 'rt' in params,
    });

    const callbackUrl = new URL(this.providers.callbackUrl(name));
    callbackUrl.search = query.toString();
    let user: UserRow;
    try {
      const profile = await this.upstream.complete(provider, callbackUrl, {
        redirectUri: this.providers.callbackUrl(name),
        state: queryState,
        nonce: login.nonce,
        codeVerifier: this.ctx.secrets.open(login.code_verifier_sealed),
      });
      user = await this.identities.resolveAccount(provider, profile, login.link_user_id);
    } catch (error) {
      if (error instanceof UpstreamFailure) {
        if (error.reason === 'provider_error')
          this.ctx.log.warn({ provider: name, detail: error.message }, 'social login failed at the provider');
        this.ctx.metrics.signIn('social', 'failure');
        return back({ error: error.reason });
      }
      if (error instanceof LinkRefused) {
        this.ctx.metrics.signIn('social', 'failure');
        return back({ error: error.code });
      }
      throw error;
    }
    if (login.purpose === 'link') return back({ linked: name });
    const code = randomSecret();
    await this.#store.insertCode({
      code_hash: sha256(code),
      user_id: user.id,
      provider: name,
      created_at: now,
      expires_at: this.ctx.now() + CODE_TTL_SECONDS * 1000,
      consumed_at: null,
    });
    this.ctx.metrics.signIn('social', 'success');
    return back({ rt: code });
  }

  /** Swaps a one-time `rt` for its user: 400 without one, 401 when unknown, expired or already used. */
  async exchange(rt: string | undefined): Promise<UserRow> {
    if (!rt) throw badRequest('The rt parameter is required', { rt: 'is required' });
    const user = await this.redeem(rt);
    if (!user) throw unauthorized('The sign-in code is invalid, expired or already used', 'INVALID_CODE');
    return user;
  }

  /** Consumes a one-time code if it is one (also used by /api/token/refresh); undefined otherwise. */
  async redeem(rt: string): Promise<UserRow | undefined> {
    const code = await this.#store.consumeCode(sha256(rt), this.ctx.now());
    if (!code) return undefined;
    return new AccountStore(this.ctx.storage.db).findById(code.user_id);
  }

  /** Discovery or a provider that does not answer must not become a 500: it is the provider's failure. */
  async #upstreamCall<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.ctx.log.warn(
        { detail: error instanceof Error ? error.message : String(error) },
        'social provider unreachable or misconfigured',
      );
      throw new AppError(
        502,
        'PROVIDER_UNAVAILABLE',
        'The sign-in provider could not be reached; try again later',
      );
    }
  }
}
