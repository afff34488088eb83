import type { GatehouseClient } from './client.js';
import type { RequestOptions } from './options.js';
import { segment } from './path.js';
import type {
  ApiToken,
  CreatedApiToken,
  NewApiToken,
  OAuthGrant,
  RotatedApiToken,
  Session,
  TokenSession,
} from './types.js';

/**
 * The credentials a signed-in user manages: API tokens, sessions and the password. The server refuses
 * all of these (403) to a request authenticated by an API token, so a leaked token cannot mint more.
 * Reached through `sdk.authentication`.
 */
export class AccountSecurity {
  /** @internal */
  constructor(protected readonly client: GatehouseClient) {}

  /**
   * Lists the caller's API tokens. Secrets are never returned, only `tokenPrefix`.
   *
   * @example
   * ```ts
   * const tokens = await sdk.authentication.listApiTokens();
   * const stale = tokens.filter((t) => t.lastUsedAt === null);
   * ```
   */
  async listApiTokens(options?: RequestOptions): Promise<ApiToken[]> {
    return this.client.request({ method: 'GET', path: '/api/me/api-tokens', options });
  }

  /**
   * Creates an API token. The raw `token` is in this response only: store it now.
   *
   * @example
   * ```ts
   * const { token, apiToken } = await sdk.authentication.createApiToken({
   *   nickname: 'CI pipeline',
   *   expiresAt: '2026-12-31T00:00:00.000Z',
   * });
   * ```
   */
  async createApiToken(data: NewApiToken, options?: RequestOptions): Promise<CreatedApiToken> {
    return this.client.request({ method: 'POST', path: '/api/me/api-tokens', body: data, options });
  }

  /**
   * Revokes one of the caller's API tokens; it stops working at once.
   *
   * @example
   * ```ts
   * await sdk.authentication.deleteApiToken(apiToken._id);
   * ```
   */
  async deleteApiToken(tokenId: string, options?: RequestOptions): Promise<{ message: string }> {
    return this.client.request({ method: 'DELETE', path: `/api/me/api-tokens/${segment(tokenId)}`, options });
  }

  /**
   * Rotates an API token: a successor with the same nickname, scopes, workspace and lifetime is returned
   * (its secret only here), and the old token keeps working for `overlap` (default `24h`, at most `7d`),
   * so a CI secret can be swapped without downtime.
   *
   * @example
   * ```ts
   * const { token, rotated } = await sdk.authentication.rotateApiToken(apiToken._id, { overlap: '2h' });
   * await updateCiSecret('GATEHOUSE_API_TOKEN', token);
   * console.log('old token stops at', rotated.rotation?.endsAt);
   * ```
   */
  async rotateApiToken(
    tokenId: string,
    rotation: { overlap?: string | number } = {},
    options?: RequestOptions,
  ): Promise<RotatedApiToken> {
    return this.client.request({
      method: 'POST',
      path: `/api/me/api-tokens/${segment(tokenId)}/rotate`,
      body: rotation,
      options,
    });
  }

  /**
   * Lists the caller's signed-in browsers and devices; `current` marks the one making this call.
   *
   * @example
   * ```ts
   * const sessions = await sdk.authentication.listSessions();
   * const others = sessions.filter((s) => !s.current);
   * ```
   */
  async listSessions(options?: RequestOptions): Promise<Session[]> {
    return this.client.request({ method: 'GET', path: '/api/me/sessions', options });
  }

  /**
   * Signs one session out, e.g. a lost phone.
   *
   * @example
   * ```ts
   * for (const session of await sdk.authentication.listSessions()) {
   *   if (!session.current) await sdk.authentication.revokeSession(session._id);
   * }
   * ```
   */
  async revokeSession(sessionId: string, options?: RequestOptions): Promise<void> {
    await this.client.request({ method: 'DELETE', path: `/api/me/sessions/${segment(sessionId)}`, options });
  }

  /**
   * Changes the caller's password; the current one is required so a hijacked session cannot lock the owner out.
   *
   * @example
   * ```ts
   * await sdk.authentication.changePassword({ currentPassword: 'old secret', newPassword: 'new long secret' });
   * ```
   */
  async changePassword(
    change: { currentPassword: string; newPassword: string },
    options?: RequestOptions,
  ): Promise<void> {
    await this.client.request({ method: 'POST', path: '/api/me/password', body: change, options });
  }

  /**
   * Lists the caller's token sign-ins (from `oAuthSignin` on phones, CLIs, scripts), most recently used
   * first; `current` marks the one making this call.
   *
   * @example
   * ```ts
   * const signIns = await sdk.authentication.listTokenSessions();
   * for (const s of signIns) console.log(s.userAgent, 'last used', s.lastUsedAt);
   * ```
   */
  async listTokenSessions(options?: RequestOptions): Promise<TokenSession[]> {
    return this.client.request({ method: 'GET', path: '/api/me/token-sessions', options });
  }

  /**
   * Ends one token sign-in: its refresh token stops working at once, its access tokens on their next use.
   *
   * @example
   * ```ts
   * await sdk.authentication.revokeTokenSession(tokenSession._id);
   * ```
   */
  async revokeTokenSession(tokenSessionId: string, options?: RequestOptions): Promise<void> {
    await this.client.request({
      method: 'DELETE',
      path: `/api/me/token-sessions/${segment(tokenSessionId)}`,
      options,
    });
  }

  /**
   * Lists the apps the user connected with OAuth (client, granted scopes, last use), most recent first.
   *
   * @example
   * ```ts
   * for (const app of await sdk.authentication.listOAuthGrants()) console.log(app.clientName, app.scopes);
   * ```
   */
  async listOAuthGrants(options?: RequestOptions): Promise<OAuthGrant[]> {
    return this.client.request({ method: 'GET', path: '/api/me/oauth-grants', options });
  }

  /**
   * Disconnects an app: its refresh tokens and access end at once, and it must ask for consent again.
   *
   * @example
   * ```ts
   * await sdk.authentication.revokeOAuthGrant(app.clientId);
   * ```
   */
  async revokeOAuthGrant(clientId: string, options?: RequestOptions): Promise<void> {
    await this.client.request({
      method: 'DELETE',
      path: `/api/me/oauth-grants/${segment(clientId)}`,
      options,
    });
  }

  /**
   * Signs out every other browser session and token sign-in; the one making the call stays signed in.
   * API tokens keep working: revoke those with {@link AccountSecurity.deleteApiToken}.
   *
   * @example
   * ```ts
   * await sdk.authentication.signOutEverywhereElse();
   * ```
   */
  async signOutEverywhereElse(options?: RequestOptions): Promise<void> {
    await this.client.request({ method: 'POST', path: '/api/me/sessions/revoke-others', options });
  }
}
