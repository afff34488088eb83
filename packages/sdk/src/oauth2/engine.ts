import { decodeJsonSegment } from '../base64url.js';
import type { GatehouseClient } from '../client.js';
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

/**
 * Seed 003's flow asks for no scope and expects a refresh token: an ID token, and `offline_access`, without
 * which an OpenID provider issues no refresh token (OpenID Connect Core §11).
 */
const DEFAULT_SCOPE = 'openid offline_access';

/**
 * What `sdk.oauth2` does (oauth2.ts): loaded on first use, so an app that never uses the OAuth client does
 * not download it (a bundler splits the dynamic import into its own chunk). The methods are documented on
 * `OAuth2`.
 */
export class OAuth2Engine {
  readonly #client: GatehouseClient;
  readonly #metadata: MetadataCache;
  readonly #keys: JwksCache;
  readonly #pending = new PendingAuthorizations();
  readonly #endpoints: OAuthEndpoints | undefined;

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
    if (clientId) this.#endpoints = new OAuthEndpoints(client, this.#metadata, { clientId, clientSecret });
  }

  async discover(): Promise<AuthorizationServerMetadata> {
    return this.#metadata.load();
  }

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

  async exchangeAuthorizationCode(exchange: CodeExchange, options?: RequestOptions): Promise<OAuthTokenSet> {
    const pending = this.#pending.takeForCode(exchange.code);
    const nonce = exchange.nonce ?? pending?.nonce;
    const maxAge = exchange.maxAge ?? pending?.maxAge;
    return this.#grant(
      {
        grant_type: 'authorization_code',
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
        code_verifier: exchange.codeVerifier ?? pending?.codeVerifier,
        resource: exchange.resource,
      },
      // OpenID Connect Core §3.1.3.3: a request that carried a nonce asked for an ID token.
      { nonce, maxAge, idTokenRequired: nonce !== undefined },
      options,
    );
  }

  async clientCredentials(
    request: ClientCredentialsOptions = {},
    options?: RequestOptions,
  ): Promise<OAuthTokenSet> {
    return this.#grant(
      { grant_type: 'client_credentials', scope: request.scope, resource: request.resource },
      { nonce: undefined, maxAge: undefined, idTokenRequired: false },
      options,
    );
  }

  async refreshToken(options?: RequestOptions): Promise<TokenSet> {
    this.#registered();
    const { tokens } = await this.#client.refresher.refreshNow(options?.signal);
    this.#client.mode = 'oauth';
    return tokens;
  }

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

  async validateIdToken(
    idToken: string,
    expected: { nonce?: string; maxAge?: number; accessToken?: string } = {},
  ): Promise<IdTokenClaims> {
    const endpoints = this.#registered();
    const metadata = await this.#metadata.load();
    return validateIdToken(
      idToken,
      {
        issuer: metadata.issuer,
        clientId: endpoints.clientId,
        nonce: expected.nonce,
        maxAge: expected.maxAge,
        accessToken: expected.accessToken,
        toleranceSeconds: this.#client.oauth?.clockToleranceSeconds ?? 30,
      },
      this.#keys,
    );
  }

  /** Calls the token endpoint, validates the ID token if one came, stores the set. */
  async #grant(
    parameters: FormParameters,
    expected: { nonce: string | undefined; maxAge: number | undefined; idTokenRequired: boolean },
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
      ? await this.validateIdToken(tokens.idToken, {
          ...(expected.nonce !== undefined && { nonce: expected.nonce }),
          ...(expected.maxAge !== undefined && { maxAge: expected.maxAge }),
          accessToken: tokens.accessToken,
        })
      : undefined;
    await this.#client.vault.set(tokens);
    this.#client.mode = 'oauth';
    return idTokenClaims ? { ...tokens, idTokenClaims } : tokens;
  }

  /**
   * The refresh grant the SDK's single-flight refresher runs for an OAuth client. A new ID token must be
   * about the same user as the one it replaces (OpenID Connect Core §12.2).
   */
  async refreshGrant(current: TokenSet & { refreshToken: string }): Promise<Renewal> {
    const body = await this.#registered().post('token_endpoint', {
      grant_type: 'refresh_token',
      refresh_token: current.refreshToken,
    });
    const tokens = tokenSetFromResponse(body, current);
    if (tokens.idToken && tokens.idToken !== current.idToken) {
      const claims = await this.validateIdToken(tokens.idToken, { accessToken: tokens.accessToken });
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
