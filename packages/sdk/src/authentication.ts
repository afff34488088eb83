import { GatehouseError } from './errors.js';
import type { RequestOptions } from './options.js';
import { reasonOf, refreshFailed } from './refresh.js';
import { adoptSessionSignin, adoptTokenSignin } from './sign-in-result.js';
import { SocialLogin } from './social-login.js';
import type {
  ProfileChanges,
  SessionSignin,
  SignInOptions,
  SigninCredentials,
  SignupInformation,
  TokenSignin,
  User,
} from './types.js';

/**
 * Signing in and out and the current user; social login (from {@link SocialLogin}) and API tokens,
 * sessions and the password (from {@link AccountSecurity}) are on the same object, with the Qelos
 * method names. Available as `sdk.authentication`.
 */
export class Authentication extends SocialLogin {
  /**
   * Creates an account and signs in with a cookie session.
   *
   * @example
   * ```ts
   * const { payload } = await sdk.authentication.signup({ email: 'ada@example.com', password: 'correct horse battery' });
   * console.log(payload.user._id);
   * ```
   */
  async signup(information: SignupInformation, options?: RequestOptions): Promise<SessionSignin> {
    return adoptSessionSignin(
      this.client,
      await this.anonymousPost<SessionSignin>('/api/signup', information, options),
    );
  }

  /**
   * Signs in with a cookie session. In a browser the HttpOnly cookie is the browser's; elsewhere the
   * SDK keeps it and sends it on later calls.
   *
   * @example
   * ```ts
   * const { payload } = await sdk.authentication.signin({ username: 'ada@example.com', password: 'correct horse battery' });
   * ```
   */
  async signin(credentials: SigninCredentials, options?: RequestOptions): Promise<SessionSignin> {
    return adoptSessionSignin(
      this.client,
      await this.anonymousPost<SessionSignin>('/api/signin', credentials, options),
    );
  }

  /**
   * Signs in for an access + refresh token pair, which the SDK stores and refreshes from then on.
   *
   * @example
   * ```ts
   * await sdk.authentication.oAuthSignin({ username: 'ada@example.com', password: 'correct horse battery' });
   * const workspaces = await sdk.workspaces.getList(); // sent with Authorization: Bearer …
   * ```
   */
  async oAuthSignin(credentials: SigninCredentials, options?: RequestOptions): Promise<TokenSignin> {
    const body = { ...credentials, authType: 'oauth' };
    return adoptTokenSignin(this.client, await this.anonymousPost<TokenSignin>('/api/signin', body, options));
  }

  /**
   * Creates an account and signs in with a token pair, as {@link Authentication.oAuthSignin}.
   *
   * @example
   * ```ts
   * const { payload } = await sdk.authentication.oAuthSignup({ email: 'ada@example.com', password: 'correct horse battery' });
   * ```
   */
  async oAuthSignup(information: SignupInformation, options?: RequestOptions): Promise<TokenSignin> {
    const body = { ...information, authType: 'oauth' };
    return adoptTokenSignin(this.client, await this.anonymousPost<TokenSignin>('/api/signup', body, options));
  }

  /**
   * Switches to API-token mode (`x-api-key` on every request, never refreshed) and returns the token's
   * user. If the server rejects the token, the SDK keeps its previous credentials.
   *
   * @example
   * ```ts
   * const user = await sdk.authentication.apiTokenSignin(process.env.GATEHOUSE_API_TOKEN!);
   * ```
   */
  async apiTokenSignin(apiToken: string, options?: RequestOptions): Promise<User> {
    const previous = { apiToken: this.client.apiToken, mode: this.client.mode };
    this.client.apiToken = apiToken;
    this.client.mode = 'apiToken';
    try {
      return await this.getLoggedInUser(options);
    } catch (error) {
      Object.assign(this.client, previous);
      throw error;
    }
  }

  /**
   * Returns the signed-in user (`GET /api/me`).
   *
   * @example
   * ```ts
   * const user = await sdk.authentication.getLoggedInUser();
   * console.log(user.email, user.roles);
   * ```
   */
  async getLoggedInUser(options?: RequestOptions): Promise<User> {
    return this.client.request({ method: 'GET', path: '/api/me', options });
  }

  /**
   * Updates profile fields of the signed-in user and returns the updated user.
   *
   * @example
   * ```ts
   * const user = await sdk.authentication.updateLoggedInUser({ firstName: 'Ada', lastName: 'Lovelace' });
   * ```
   */
  async updateLoggedInUser(changes: ProfileChanges, options?: RequestOptions): Promise<User> {
    return this.client.request({ method: 'POST', path: '/api/me', body: changes, options });
  }

  /**
   * Refreshes the token pair now. With `refreshToken` (e.g. a one-time social `rt`), swaps that one for
   * a pair instead of using the stored one. Joins a refresh already in flight rather than racing it.
   *
   * @example
   * ```ts
   * const { payload } = await sdk.authentication.refreshToken();
   * console.log('valid for', payload.expiresIn, 'seconds');
   * ```
   */
  async refreshToken(refreshToken?: string, options?: RequestOptions): Promise<TokenSignin> {
    if (refreshToken) {
      const response = await this.client
        .refreshTokenRequest(refreshToken, options)
        .catch((cause: unknown) => {
          throw refreshFailed(reasonOf(cause), cause);
        });
      return adoptTokenSignin(this.client, response);
    }
    const renew = () => this.client.refresher.renew({ force: true, signal: options?.signal });
    let outcome = await renew();
    // A joined flight may have found the token already renewed without calling the server: call it now.
    if (!outcome.response) outcome = await renew();
    if (!outcome.response) throw refreshFailed('another refresh replaced the token set');
    this.client.mode = 'oauth';
    return outcome.response;
  }

  /**
   * Ends the session on the server (cookie session deleted, or refresh-token family revoked), then
   * forgets every local credential even if the server could not be reached. A 401 (already signed out)
   * is not an error.
   *
   * @example
   * ```ts
   * await sdk.authentication.logout();
   * ```
   */
  async logout(options?: RequestOptions): Promise<void> {
    try {
      await this.client.request({ method: 'POST', path: '/api/logout', options });
    } catch (error) {
      const alreadySignedOut =
        error instanceof GatehouseError && (error.status === 401 || error.code === 'REFRESH_FAILED');
      if (!alreadySignedOut) throw error;
    } finally {
      await this.client.forgetCredentials();
    }
  }

  /**
   * What this server's sign-in page may offer, asked anonymously: whether sign-up is open.
   *
   * @example
   * ```ts
   * const { signup } = await sdk.authentication.getSignInOptions();
   * if (signup === 'open') showCreateAccountLink();
   * ```
   */
  async getSignInOptions(options?: RequestOptions): Promise<SignInOptions> {
    return this.client.request({ method: 'GET', path: '/api/sign-in-options', anonymous: true, options });
  }

  private anonymousPost<T>(path: string, body: unknown, options: RequestOptions | undefined): Promise<T> {
    return this.client.request<T>({ method: 'POST', path, body, anonymous: true, options });
  }
}
