import { AccountLifecycle } from './account-lifecycle.js';
import { GatehouseError } from './errors.js';
import type { RequestOptions } from './options.js';
import { adoptSessionSignin } from './sign-in-result.js';
import type { SessionSignin, SocialLoginOptions, SocialProvider } from './types.js';

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
   * Navigates the browser to {@link Authentication.getSocialLoginUrl}. Throws `UNSUPPORTED_ENVIRONMENT`
   * outside a browser.
   *
   * @example
   * ```ts
   * loginButton.onclick = () => sdk.authentication.startSocialLogin('github', { state, returnUrl });
   * ```
   */
  startSocialLogin(provider: SocialProvider, options: SocialLoginOptions = {}): void {
    const location = (globalThis as { location?: { href: string } }).location;
    if (typeof document === 'undefined' || !location) {
      throw new GatehouseError({
        status: 0,
        code: 'UNSUPPORTED_ENVIRONMENT',
        message: 'startSocialLogin needs a browser; use getSocialLoginUrl and redirect yourself',
      });
    }
    location.href = this.getSocialLoginUrl(provider, options);
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
