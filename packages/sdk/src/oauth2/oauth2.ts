import type { GatehouseClient } from '../client.js';
import { isBrowser } from '../environment.js';
import type { RequestOptions } from '../options.js';
import type { TokenSet } from '../token-store.js';
import { parseCallback } from './authorization-callback.js';
import type { OAuth2Engine } from './engine.js';
import type {
  AuthorizationCallback,
  AuthorizationRequest,
  AuthorizationServerMetadata,
  AuthorizationUrlOptions,
  ClientCredentialsOptions,
  CodeExchange,
  IdTokenClaims,
  IntrospectionResponse,
  OAuthTokenSet,
  TokenReference,
  UserInfo,
} from './types.js';

/** Seed 003's warning, given once per page: a secret in shipped browser code is a public secret. */
const BROWSER_SECRET_WARNING =
  'Do not embed clientSecret in shipped browser-only code. For browser apps, prefer session-cookie ' +
  'authentication or perform the OAuth code exchange and refresh on a backend that stores the client ' +
  'credentials safely.';
let warnedAboutBrowserSecret = false;

/**
 * The OAuth 2.0 / OpenID Connect client (seed 003's `client.oauth2`): authorization code with PKCE,
 * client credentials, refresh, revocation, introspection, userinfo, ID-token validation. Configure it with
 * `auth.oauth` (`clientId`, and `clientSecret` for a confidential client); the authorization server is
 * Gatehouse at `appUrl` unless `auth.oauth.issuer` names another. Tokens it obtains go into the SDK's token
 * store and are refreshed at the token endpoint. Available as `sdk.oauth2`.
 *
 * Its implementation is loaded on first use (a dynamic `import()`, which bundlers split into a chunk of
 * its own), so the SDK's main entry stays small for apps that never use OAuth; the API is the same.
 */
export class OAuth2 {
  readonly #client: GatehouseClient;
  #loading: Promise<OAuth2Engine> | undefined;
  #engine: OAuth2Engine | undefined;

  /** @internal */
  constructor(client: GatehouseClient) {
    this.#client = client;
    const { clientId, clientSecret } = client.oauth ?? {};
    if (!clientId) return;
    // Automatic refresh (autoRefresh, a 401) runs the refresh grant, loading the engine if it must.
    client.useRefreshGrant(async (current) => (await this.#load()).refreshGrant(current));
    if (clientSecret && isBrowser() && !warnedAboutBrowserSecret) {
      warnedAboutBrowserSecret = true;
      console.warn(BROWSER_SECRET_WARNING);
    }
  }

  #load(): Promise<OAuth2Engine> {
    this.#loading ??= import('./engine.js').then(
      ({ OAuth2Engine }) => (this.#engine = new OAuth2Engine(this.#client)),
      (error: unknown) => {
        // A chunk that failed to load (offline, say) is tried again next time.
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  /**
   * The authorization server's metadata (`/.well-known/openid-configuration`, else RFC 8414's
   * `/.well-known/oauth-authorization-server`), fetched once and cached. Its `issuer` must equal the
   * configured one exactly, or this rejects with `ISSUER_MISMATCH`.
   *
   * @example
   * ```ts
   * const metadata = await sdk.oauth2.discover();
   * console.log(metadata.token_endpoint, metadata.scopes_supported);
   * ```
   */
  async discover(): Promise<AuthorizationServerMetadata> {
    return (await this.#load()).discover();
  }

  /**
   * Builds the URL to send the user to. Generates the PKCE verifier (S256), `state` and (for `openid`)
   * `nonce` when not given, and returns them with the URL: keep them until the callback, in the
   * server-side session or `sessionStorage`. The result stringifies to the URL. Async because the PKCE
   * challenge is a WebCrypto SHA-256. With `maxAge`, the ID token's `auth_time` is checked at the exchange.
   *
   * @example
   * ```ts
   * const authUrl = await sdk.oauth2.buildAuthorizationUrl({
   *   redirectUri: 'https://yourapp.example.com/callback',
   *   scope: 'openid profile email offline_access',
   * });
   * session.oauth = { state: authUrl.state, codeVerifier: authUrl.codeVerifier, nonce: authUrl.nonce };
   * res.redirect(authUrl.url);
   * ```
   */
  async buildAuthorizationUrl(options: AuthorizationUrlOptions): Promise<AuthorizationRequest> {
    return (await this.#load()).buildAuthorizationUrl(options);
  }

  /**
   * Reads the redirect back from the authorization server: `{isError, code, state, error, errorDescription}`.
   * Refuses (as `isError` with `ISSUER_MISMATCH`) a response whose RFC 9207 `iss` is not this client's
   * authorization server, and (with `STATE_MISMATCH`) one whose `state` is not `expectedState` when given.
   *
   * @example
   * ```ts
   * const callback = sdk.oauth2.parseAuthorizationCallback(req.url, { expectedState: session.oauth.state });
   * if (callback.isError) console.error('Authorization failed:', callback.errorDescription);
   * ```
   */
  parseAuthorizationCallback(
    url: string | URL,
    expected: { expectedState?: string } = {},
  ): AuthorizationCallback {
    if (this.#engine) return this.#engine.parseAuthorizationCallback(url, expected);
    // Nothing built or discovered here yet (another process built the request): the same checks, without
    // the metadata that was never fetched.
    return parseCallback(url, {
      issuer: this.#client.oauth?.issuer ?? this.#client.appUrl,
      metadata: undefined,
      expectedState: expected.expectedState,
    });
  }

  /**
   * Swaps the authorization code for tokens (RFC 6749 §4.1.3 with the PKCE verifier), validates the ID
   * token (signature through the JWKS, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, `at_hash`, and
   * `auth_time` when the request set `maxAge`), stores the set and
   * switches to bearer mode. `codeVerifier`, `nonce` and `maxAge` may be left out when this SDK instance
   * built the request and parsed its callback.
   *
   * @example
   * ```ts
   * const tokenSet = await sdk.oauth2.exchangeAuthorizationCode({
   *   code: callback.code!,
   *   redirectUri: 'https://yourapp.example.com/callback',
   *   codeVerifier: session.oauth.codeVerifier,
   *   nonce: session.oauth.nonce,
   * });
   * console.log(tokenSet.idTokenClaims?.sub, tokenSet.refreshToken !== undefined);
   * ```
   */
  async exchangeAuthorizationCode(exchange: CodeExchange, options?: RequestOptions): Promise<OAuthTokenSet> {
    return (await this.#load()).exchangeAuthorizationCode(exchange, options);
  }

  /**
   * The client credentials grant (RFC 6749 §4.4): a token for this client itself, no user and no refresh
   * token. Needs a confidential client. The token is stored like any other; call this again when it expires.
   *
   * @example
   * ```ts
   * const { accessToken, expiresAt } = await sdk.oauth2.clientCredentials({ scope: 'reports:read' });
   * ```
   */
  async clientCredentials(
    request: ClientCredentialsOptions = {},
    options?: RequestOptions,
  ): Promise<OAuthTokenSet> {
    return (await this.#load()).clientCredentials(request, options);
  }

  /**
   * Refreshes the stored token set now (RFC 6749 §6), sharing the single flight with automatic refreshes,
   * and returns the new set. The server's rotated refresh token replaces the old one in the store.
   *
   * @example
   * ```ts
   * const newTokenSet = await sdk.oauth2.refreshToken();
   * ```
   */
  async refreshToken(options?: RequestOptions): Promise<TokenSet> {
    return (await this.#load()).refreshToken(options);
  }

  /**
   * Revokes a token (RFC 7009). Without `token`, revokes the stored refresh token (which ends the access
   * tokens issued with it), else the stored access token. When the revoked token belongs to the stored
   * set, the set is forgotten locally too.
   *
   * @example
   * ```ts
   * await sdk.oauth2.revokeToken({ token: tokenSet.accessToken });
   * ```
   */
  async revokeToken(reference: TokenReference = {}, options?: RequestOptions): Promise<void> {
    return (await this.#load()).revokeToken(reference, options);
  }

  /**
   * Asks the authorization server whether a token is active and what it carries (RFC 7662). Needs client
   * authentication; an inactive, unknown or foreign token answers `{ active: false }`.
   *
   * @example
   * ```ts
   * const { active, scope, sub } = await sdk.oauth2.introspect(accessToken);
   * ```
   */
  async introspect(token: string | TokenReference, options?: RequestOptions): Promise<IntrospectionResponse> {
    return (await this.#load()).introspect(token, options);
  }

  /**
   * The signed-in user's claims from the UserInfo endpoint (OpenID Connect Core §5.3), sent with the
   * current credential: the bearer token (refreshed as needed), or in `session` mode the session cookie.
   * When an ID token is stored, the answer's `sub` must be its `sub` (§5.3.2).
   *
   * @example
   * ```ts
   * const { sub, email } = await sdk.oauth2.userinfo();
   * ```
   */
  async userinfo(options?: RequestOptions): Promise<UserInfo> {
    return (await this.#load()).userinfo(options);
  }

  /**
   * Validates an ID token obtained elsewhere as `exchangeAuthorizationCode` does and returns its claims;
   * rejects with `ID_TOKEN_INVALID` naming the failed check. `nonce`: the request's; `maxAge`: the request's
   * `max_age` (then `auth_time` is required and checked); `accessToken`: the one issued with it (then an
   * `at_hash` claim must match it).
   *
   * @example
   * ```ts
   * const claims = await sdk.oauth2.validateIdToken(idToken, { nonce: session.oauth.nonce, accessToken });
   * console.log(claims.sub, claims.auth_time);
   * ```
   */
  async validateIdToken(
    idToken: string,
    expected: { nonce?: string; maxAge?: number; accessToken?: string } = {},
  ): Promise<IdTokenClaims> {
    return (await this.#load()).validateIdToken(idToken, expected);
  }
}
