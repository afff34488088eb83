import { decodeJsonSegment } from '../base64url.js';
import type { GatehouseClient } from '../client.js';
import { isBrowser } from '../environment.js';
import { GatehouseError, isRecord } from '../errors.js';
import type { RequestOptions } from '../options.js';
import type { Renewal } from '../refresh.js';
import type { TokenSet } from '../token-store.js';
import { parseCallback } from './authorization-callback.js';
import { buildAuthorizationRequest, PendingAuthorizations } from './authorization-request.js';
import { type FormParameters, OAuthEndpoints } from './endpoint.js';
import { validateIdToken } from './id-token.js';
import { JwksCache } from './jwks.js';
import { MetadataCache } from './metadata.js';
import { tokenSetFromResponse } from './token-response.js';
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
 * Seed 003's flow asks for no scope and expects a refresh token: an ID token, and `offline_access`, without
 * which an OpenID provider issues no refresh token (OpenID Connect Core §11).
 */
const DEFAULT_SCOPE = 'openid offline_access';

/**
 * The OAuth 2.0 / OpenID Connect client (seed 003's `client.oauth2`): authorization code with PKCE,
 * client credentials, refresh, revocation, introspection, userinfo, ID-token validation. Configure it with
 * `auth.oauth` (`clientId`, and `clientSecret` for a confidential client); the authorization server is
 * Gatehouse at `appUrl` unless `auth.oauth.issuer` names another. Tokens it obtains go into the SDK's token
 * store and are refreshed at the token endpoint. Available as `sdk.oauth2`.
 */
export class OAuth2 {
  readonly #client: GatehouseClient;
  readonly #metadata: MetadataCache;
  readonly #keys: JwksCache;
  readonly #pending = new PendingAuthorizations();
  readonly #endpoints: OAuthEndpoints | undefined;

  /** @internal */
  constructor(client: GatehouseClient) {
    this.#client = client;
    const { clientId, clientSecret, issuer } = client.oauth ?? {};
    this.#metadata = new MetadataCache(client, issuer ?? client.appUrl);
    this.#keys = new JwksCache(async () =>
      client.request({
        method: 'GET',
        url: await this.#metadata.endpoint('jwks_uri'),
        anonymous: true,
        credentials: 'omit',
      }),
    );
    if (!clientId) return;
    this.#endpoints = new OAuthEndpoints(client, this.#metadata, { clientId, clientSecret });
    client.useRefreshGrant((current) => this.#refreshGrant(current));
    if (clientSecret && isBrowser() && !warnedAboutBrowserSecret) {
      warnedAboutBrowserSecret = true;
      console.warn(BROWSER_SECRET_WARNING);
    }
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
    return this.#metadata.load();
  }

  /**
   * Builds the URL to send the user to. Generates the PKCE verifier (S256), `state` and (for `openid`)
   * `nonce` when not given, and returns them with the URL: keep them until the callback, in the
   * server-side session or `sessionStorage`. The result stringifies to the URL. Async because the PKCE
   * challenge is a WebCrypto SHA-256.
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
    const endpoints = this.#registered();
    const request = await buildAuthorizationRequest(
      await this.#metadata.load(),
      { clientId: endpoints.clientId, defaultScope: this.#client.oauth?.scope ?? DEFAULT_SCOPE },
      options,
    );
    this.#pending.remember(request);
    return request;
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
    const callback = parseCallback(url, {
      issuer: this.#metadata.issuer,
      metadata: this.#metadata.loaded,
      expectedState: expected.expectedState,
    });
    if (!callback.isError) this.#pending.answered(callback.state, callback.code);
    return callback;
  }

  /**
   * Swaps the authorization code for tokens (RFC 6749 §4.1.3 with the PKCE verifier), validates the ID
   * token (signature through the JWKS, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`), stores the set and
   * switches to bearer mode. `codeVerifier` and `nonce` may be left out when this SDK instance built the
   * request and parsed its callback.
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
    const pending = this.#pending.takeForCode(exchange.code);
    const nonce = exchange.nonce ?? pending?.nonce;
    return this.#grant(
      {
        grant_type: 'authorization_code',
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
        code_verifier: exchange.codeVerifier ?? pending?.codeVerifier,
        resource: exchange.resource,
      },
      // OpenID Connect Core §3.1.3.3: a request that carried a nonce asked for an ID token.
      { nonce, idTokenRequired: nonce !== undefined },
      options,
    );
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
    return this.#grant(
      { grant_type: 'client_credentials', scope: request.scope, resource: request.resource },
      { nonce: undefined, idTokenRequired: false },
      options,
    );
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
    this.#registered();
    const { tokens } = await this.#client.refresher.refreshNow(options?.signal);
    this.#client.mode = 'oauth';
    return tokens;
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
    const endpoints = this.#registered();
    const stored = await this.#client.vault.get();
    const token = reference.token ?? stored?.refreshToken ?? stored?.accessToken;
    if (!token) return;
    const storedHint = token === stored?.refreshToken ? 'refresh_token' : 'access_token';
    const hint = reference.tokenTypeHint ?? (reference.token === undefined ? storedHint : undefined);
    await endpoints.post('revocation_endpoint', { token, token_type_hint: hint }, options);
    if (stored && (token === stored.accessToken || token === stored.refreshToken)) {
      await this.#client.forgetTokens();
    }
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
    const endpoints = this.#registered();
    const reference = typeof token === 'string' ? { token } : token;
    if (!reference.token) throw new TypeError('introspect() needs the token to look up');
    const body = await endpoints.post(
      'introspection_endpoint',
      { token: reference.token, token_type_hint: reference.tokenTypeHint },
      options,
    );
    if (!isRecord(body) || typeof body['active'] !== 'boolean') {
      throw invalidResponse('The introspection response has no boolean `active`', body);
    }
    return body as IntrospectionResponse;
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
    const url = await this.#metadata.endpoint('userinfo_endpoint');
    const info = await this.#client.request<unknown>({ method: 'GET', url, options });
    if (!isRecord(info) || typeof info['sub'] !== 'string') {
      throw invalidResponse('The userinfo response has no sub', undefined);
    }
    const idToken = (await this.#client.vault.get())?.idToken;
    const expectedSub = idToken ? claimsOf(idToken)?.['sub'] : undefined;
    if (expectedSub !== undefined && info['sub'] !== expectedSub) {
      throw invalidResponse('The userinfo response is about another subject than the ID token', undefined);
    }
    return info as UserInfo;
  }

  /**
   * Validates an ID token obtained elsewhere as `exchangeAuthorizationCode` does and returns its claims;
   * rejects with `ID_TOKEN_INVALID` naming the failed check.
   *
   * @example
   * ```ts
   * const claims = await sdk.oauth2.validateIdToken(idToken, { nonce: session.oauth.nonce });
   * console.log(claims.sub, claims.auth_time);
   * ```
   */
  async validateIdToken(idToken: string, expected: { nonce?: string } = {}): Promise<IdTokenClaims> {
    const endpoints = this.#registered();
    const metadata = await this.#metadata.load();
    return validateIdToken(
      idToken,
      {
        issuer: metadata.issuer,
        clientId: endpoints.clientId,
        nonce: expected.nonce,
        toleranceSeconds: this.#client.oauth?.clockToleranceSeconds ?? 30,
      },
      this.#keys,
    );
  }

  /** Calls the token endpoint, validates the ID token if one came, stores the set. */
  async #grant(
    parameters: FormParameters,
    expected: { nonce: string | undefined; idTokenRequired: boolean },
    options: RequestOptions | undefined,
  ): Promise<OAuthTokenSet> {
    const body = await this.#registered().post('token_endpoint', parameters, options);
    const tokens = tokenSetFromResponse(body);
    if (!tokens.idToken && expected.idTokenRequired) {
      throw invalidResponse(
        'The token response has no id_token although the request asked for one',
        undefined,
      );
    }
    const idTokenClaims = tokens.idToken
      ? await this.validateIdToken(
          tokens.idToken,
          expected.nonce === undefined ? {} : { nonce: expected.nonce },
        )
      : undefined;
    await this.#client.vault.set(tokens);
    this.#client.mode = 'oauth';
    return idTokenClaims ? { ...tokens, idTokenClaims } : tokens;
  }

  /**
   * The refresh grant the SDK's single-flight refresher runs for an OAuth client. A new ID token must be
   * about the same user as the one it replaces (OpenID Connect Core §12.2).
   */
  async #refreshGrant(current: TokenSet & { refreshToken: string }): Promise<Renewal> {
    const body = await this.#registered().post('token_endpoint', {
      grant_type: 'refresh_token',
      refresh_token: current.refreshToken,
    });
    const tokens = tokenSetFromResponse(body, current);
    if (tokens.idToken && tokens.idToken !== current.idToken) {
      const claims = await this.validateIdToken(tokens.idToken);
      const previousSub = current.idToken ? claimsOf(current.idToken)?.['sub'] : undefined;
      if (previousSub !== undefined && claims.sub !== previousSub) {
        throw invalidResponse('The refreshed ID token is about another user', undefined);
      }
    }
    return { tokens, response: body };
  }

  #registered(): OAuthEndpoints {
    if (this.#endpoints) return this.#endpoints;
    throw new TypeError('sdk.oauth2 needs a client: pass auth.oauth.clientId to the constructor');
  }
}

/** The claims of a stored ID token, which was validated when it was stored; nothing here trusts them more. */
function claimsOf(idToken: string): Record<string, unknown> | undefined {
  try {
    const claims = decodeJsonSegment(idToken.split('.')[1] ?? '');
    return isRecord(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

function invalidResponse(message: string, body: unknown): GatehouseError {
  return new GatehouseError({ status: 200, code: 'INVALID_RESPONSE', message, details: body });
}
