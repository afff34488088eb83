import { AccountLifecycle } from './account-lifecycle.js';
import { GatehouseError } from './errors.js';
import type { RequestOptions } from './options.js';
import { adoptSessionSignin } from './sign-in-result.js';
import type { SessionSignin, SocialLoginOptions, SocialProvider } from './types.js';

/** Where {@link SocialLogin.startSocialLogin} keeps the `state` that {@link SocialLogin.completeSocialLogin} checks. */
const STATE_KEY = 'gatehouse_social_state';

/** The browser globals a redirect flow needs; `UNSUPPORTED_ENVIRONMENT` elsewhere. */
function browser() {
  if (typeof document === 'undefined')
    throw new GatehouseError({
      status: 0,
      code: 'UNSUPPORTED_ENVIRONMENT',
      message: 'Social login needs a browser',
    });
  return globalThis as unknown as Window;
}

/**
 * Social login (seed 001): the browser goes to `/api/auth/:provider`, comes back to `returnUrl` with a
 * one-time `rt`, and swaps it for a cookie session. Part of `sdk.authentication`.
 */
export class SocialLogin extends AccountLifecycle {
  /**
   * The absolute URL that starts a social login; no navigation happens.
   *
   * @example
   * ```ts
   * const state = crypto.randomUUID();
   * sessionStorage.setItem('oauth_state', state);
   * const url = sdk.authentication.getSocialLoginUrl('google', { state, returnUrl: 'https://app.example.com/auth/finish' });
   * ```
   */
  getSocialLoginUrl(provider: SocialProvider, { state, returnUrl }: SocialLoginOptions = {}): string {
    const url = new URL(`${this.client.appUrl}/api/auth/${encodeURIComponent(provider)}`);
    if (state !== undefined) url.searchParams.set('state', state);
    if (returnUrl !== undefined) url.searchParams.set('returnUrl', returnUrl);
    return url.href;
  }

  /**
   * Navigates the browser to {@link Authentication.getSocialLoginUrl}. The `state` (a random one when not
   * given) is kept in `sessionStorage` for {@link Authentication.completeSocialLogin} to check. Throws
   * `UNSUPPORTED_ENVIRONMENT` outside a browser.
   *
   * @example
   * ```ts
   * loginButton.onclick = () =>
   *   sdk.authentication.startSocialLogin('github', { returnUrl: 'https://app.example.com/auth/finish' });
   * ```
   */
  startSocialLogin(provider: SocialProvider, options: SocialLoginOptions = {}): void {
    const { location, sessionStorage } = browser();
    const state = options.state ?? crypto.randomUUID();
    sessionStorage.setItem(STATE_KEY, state);
    location.href = this.getSocialLoginUrl(provider, { ...options, state });
  }

  /**
   * On the `returnUrl` page: reads `rt` and `state` from the address, checks `state` against the one
   * {@link Authentication.startSocialLogin} stored, swaps `rt` for a cookie session, and removes the
   * query (`rt`, `state`, `error`) from the address bar with `history.replaceState`, whatever happens.
   * Rejects with `SOCIAL_STATE_MISMATCH` (a login this tab did not start), `SOCIAL_CODE_MISSING`, the server's `error`
   * (`access_denied`, `SOCIAL_EMAIL_UNVERIFIED`, …), or the exchange's error (401 `INVALID_CODE`).
   *
   * @example
   * ```ts
   * // on https://app.example.com/auth/finish?rt=…&state=…
   * const { payload } = await sdk.authentication.completeSocialLogin();
   * console.log(`signed in as ${payload.user.email}`);
   * ```
   */
  async completeSocialLogin(options?: RequestOptions): Promise<SessionSignin> {
    const { location, history, sessionStorage } = browser();
    const query = new URLSearchParams(location.search);
    const rt = query.get('rt');
    const state = query.get('state');
    const error = query.get('error');
    const expected = sessionStorage.getItem(STATE_KEY);
    sessionStorage.removeItem(STATE_KEY);
    // The return page's query is Gatehouse's (rt, state, error): all of it goes, so rt never reaches history.
    history.replaceState(null, '', location.pathname + location.hash);
    const code =
      !expected || state !== expected ? 'SOCIAL_STATE_MISMATCH' : error || (rt ? '' : 'SOCIAL_CODE_MISSING');
    if (code) throw new GatehouseError({ status: 0, code, message: `Social sign-in: ${code}` });
    return this.exchangeAuthCallback(rt as string, options);
  }

  /**
   * Swaps the one-time `rt` from a social login's return URL for a cookie session.
   *
   * @example
   * ```ts
   * const rt = new URLSearchParams(location.search).get('rt');
   * if (rt) await sdk.authentication.exchangeAuthCallback(rt);
   * history.replaceState({}, '', location.pathname); // keep rt out of history and Referer
   * ```
   */
  async exchangeAuthCallback(rt: string, options?: RequestOptions): Promise<SessionSignin> {
    const response = await this.client.request<SessionSignin>({
      method: 'POST',
      path: '/api/auth/callback',
      query: { rt },
      anonymous: true,
      options,
    });
    return adoptSessionSignin(this.client, response);
  }
}
