import { CookieJar } from './cookie-jar.js';
import { isBrowser } from './environment.js';
import { errorFromResponse, GatehouseError } from './errors.js';
import type { AuthMode, GatehouseSDKOptions, OAuthClientOptions, RequestOptions } from './options.js';
import { RefreshCoordinator, type RefreshGrant, type Renewal } from './refresh.js';
import { retryPolicy } from './retry.js';
import { tokenSetFromSignin } from './sign-in-result.js';
import { jwtExpiry } from './token-set.js';
import { MemoryTokenStore, type TokenSet } from './token-store.js';
import { TokenVault } from './token-vault.js';
import { type Exchange, send, type TransportSettings } from './transport.js';
import type { TokenSignin } from './types.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method: HttpMethod;
  /** Path below `appUrl`, starting with `/`. */
  path?: string;
  /** An absolute URL instead of `path` (the OAuth endpoints discovery names). */
  url?: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as `application/x-www-form-urlencoded`, as the OAuth endpoints take it (RFC 6749 §4.1.3). */
  form?: URLSearchParams;
  /** Overrides the `fetch` credentials mode for this request. */
  credentials?: RequestCredentials;
  /**
   * For endpoints that establish credentials (sign-in, sign-up, refresh, social callback): the stored
   * access token, API key, cookie and any custom credential header are left out, so a stale credential
   * can neither leak to nor confuse them.
   */
  anonymous?: boolean;
  /** Sets `Authorization` on an anonymous request (the refresh token on `/api/token/refresh`). */
  authorization?: string;
  options?: RequestOptions | undefined;
}

/** Headers that carry a credential; custom copies of them are never sent to credential endpoints. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'cookie'];

/**
 * The request core shared by `authentication` and `workspaces`: picks the credential for the current
 * mode, refreshes tokens (single flight, see refresh.ts), retries once after a refresh, and turns every
 * failure into a GatehouseError.
 *
 * @internal
 */
export class GatehouseClient {
  readonly appUrl: string;
  readonly vault: TokenVault;
  readonly refresher: RefreshCoordinator;
  readonly customHeaders = new Map<string, string>();
  /** The mode requests use now; sign-in methods switch it. */
  mode: AuthMode;
  /** The mode logout returns to. */
  readonly initialMode: AuthMode;
  apiToken: string | undefined;
  /** The OAuth client registration (`auth.oauth`), when the SDK acts as one. */
  readonly oauth: OAuthClientOptions | undefined;
  readonly #appOrigin: string;
  readonly #sessionEnabled: boolean;
  #refreshGrant: RefreshGrant = (current) => this.#apiRefresh(current.refreshToken);
  readonly #cookies: CookieJar | undefined = isBrowser() ? undefined : new CookieJar();
  readonly #transport: TransportSettings;
  readonly #forceRefresh: boolean;
  readonly #refreshSkewMs: number;
  readonly #credentials: RequestCredentials | undefined;

  constructor(options: GatehouseSDKOptions) {
    if (!options?.appUrl) throw new TypeError('GatehouseSDK: `appUrl` is required');
    // Validates early (a typo fails at construction, not at the first request) and keeps any base path.
    this.appUrl = new URL(options.appUrl).href.replace(/\/+$/, '');
    this.#appOrigin = new URL(this.appUrl).origin;
    this.apiToken = options.apiToken;
    // Seed 003's grouped `auth` options win over the flat ones that say the same thing.
    const { mode, oauth, session } = options.auth ?? {};
    this.oauth = oauth;
    this.initialMode = mode ?? options.mode ?? 'auto';
    this.mode = this.initialMode;
    this.#forceRefresh = oauth?.autoRefresh ?? options.forceRefresh ?? true;
    this.#refreshSkewMs = (options.refreshSkewSeconds ?? 30) * 1000;
    this.#credentials = session?.credentials ?? options.credentials;
    this.#sessionEnabled = session?.enabled ?? true;
    for (const [name, value] of Object.entries(options.headers ?? {}))
      this.customHeaders.set(name.toLowerCase(), value);
    const store = oauth?.tokenStore ?? options.tokenStore ?? new MemoryTokenStore();
    this.vault = new TokenVault(store, initialTokens(options));
    const customFetch = options.fetch;
    this.#transport = {
      // Looked up per call so a fetch polyfilled after construction is still used.
      fetch: customFetch ?? ((input, init) => globalThis.fetch(input, init)),
      retry: retryPolicy(options.retry),
      timeoutMs: options.timeoutMs,
      cookieJar: this.#cookies,
    };
    this.refresher = new RefreshCoordinator({
      vault: this.vault,
      onFailedRefreshToken: options.onFailedRefreshToken,
      grant: () => this.#refreshGrant,
    });
  }

  /** Routes every refresh (automatic or explicit) through `grant`: the OAuth client's token endpoint. */
  useRefreshGrant(grant: RefreshGrant): void {
    this.#refreshGrant = grant;
  }

  /** Sends a request and returns the parsed JSON body, or rejects with a GatehouseError. */
  async request<T>(request: ApiRequest): Promise<T> {
    const exchange = await this.exchange(request);
    const { response, body } = exchange;
    if (!response.ok) throw errorFromResponse(response.status, response.statusText, body);
    if (!exchange.json) {
      throw new GatehouseError({
        status: response.status,
        code: 'INVALID_RESPONSE',
        message: `Expected a JSON response from ${request.method} ${request.path ?? request.url}`,
        details: body,
      });
    }
    return body as T;
  }

  /** `POST /api/token/refresh` with the refresh token as the bearer credential (the Qelos wire form). */
  refreshTokenRequest(refreshToken: string, options?: RequestOptions): Promise<TokenSignin> {
    return this.request<TokenSignin>({
      method: 'POST',
      path: '/api/token/refresh',
      anonymous: true,
      authorization: `Bearer ${refreshToken}`,
      options,
    });
  }

  /** The mode with `auto` resolved: API token, else token set, else session cookie (unless disabled). */
  async resolveMode(): Promise<Exclude<AuthMode, 'auto'>> {
    if (this.mode !== 'auto') return this.mode;
    if (this.apiToken) return 'apiToken';
    if (await this.vault.get()) return 'oauth';
    return this.#sessionEnabled ? 'session' : 'none';
  }

  /** Forgets the token set; a mode that only a token set gave (`oauth`) goes back to the configured one. */
  async forgetTokens(): Promise<void> {
    await this.vault.set(null);
    if (this.mode === 'oauth') this.mode = this.initialMode;
  }

  /** Forgets every local credential: token set, API token and the session cookie. */
  async forgetCredentials(): Promise<void> {
    this.#cookies?.clear();
    this.apiToken = undefined;
    this.mode = this.initialMode;
    await this.vault.set(null);
  }

  /** `POST /api/token/refresh`, as the default refresh grant. */
  async #apiRefresh(refreshToken: string): Promise<Renewal> {
    const response = await this.refreshTokenRequest(refreshToken);
    return { tokens: tokenSetFromSignin(response), response };
  }

  private async exchange(request: ApiRequest): Promise<Exchange> {
    if (request.anonymous)
      return this.transmit(request, {}, this.#credentials ?? (isBrowser() ? 'include' : undefined));
    const mode = await this.resolveMode();
    if (mode !== 'oauth')
      return this.transmit(
        request,
        this.credentialHeaders(mode, this.url(request)),
        this.credentialsFor(mode),
      );

    // API-token and cookie modes never reach this point, so they never refresh whatever forceRefresh says.
    const autoRefresh = request.options?.forceRefresh ?? this.#forceRefresh;
    const signal = request.options?.signal;
    let tokens = await this.vault.get();
    if (autoRefresh && tokens && tokens.expiresAt - this.#skewFor(tokens) <= Date.now()) {
      tokens = (await this.refresher.renew({ staleAccessToken: tokens.accessToken, signal })).tokens;
    }
    const first = await this.transmit(request, bearer(tokens), this.credentialsFor(mode));
    if (first.response.status !== 401 || !autoRefresh) return first;
    const renewed = await this.refresher.renew({ staleAccessToken: tokens?.accessToken, signal });
    return this.transmit(request, bearer(renewed.tokens), this.credentialsFor(mode));
  }

  /**
   * The API key and the SDK's cookie belong to appUrl and never go to another origin (a discovered
   * userinfo endpoint may live elsewhere); the bearer token belongs to the authorization server.
   */
  private credentialHeaders(mode: Exclude<AuthMode, 'auto' | 'oauth'>, url: string): Record<string, string> {
    if (!this.#isAppOrigin(url)) return {};
    if (mode === 'apiToken') return this.apiToken ? { 'x-api-key': this.apiToken } : {};
    const cookie = mode === 'session' ? this.#cookies?.header() : undefined;
    return cookie ? { cookie } : {};
  }

  private credentialsFor(mode: Exclude<AuthMode, 'auto'>): RequestCredentials | undefined {
    if (this.#credentials) return this.#credentials;
    if (mode === 'none') return 'omit';
    // Cross-origin fetches only send and accept cookies with 'include'.
    return mode === 'session' && isBrowser() ? 'include' : undefined;
  }

  private transmit(
    request: ApiRequest,
    credential: Record<string, string>,
    credentials: RequestCredentials | undefined,
  ): Promise<Exchange> {
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [name, value] of this.customHeaders) headers[name] = value;
    for (const [name, value] of Object.entries(request.options?.headers ?? {}))
      headers[name.toLowerCase()] = value;
    if (request.anonymous) for (const name of CREDENTIAL_HEADERS) delete headers[name];
    if (request.authorization) headers['authorization'] = request.authorization;
    Object.assign(headers, credential);
    const init: RequestInit = { method: request.method, headers };
    if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      init.body = request.form.toString();
    } else if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(request.body);
    }
    const mode = request.credentials ?? credentials;
    if (mode) init.credentials = mode;
    const url = this.url(request);
    const cookieJar = this.#isAppOrigin(url) ? this.#cookies : undefined;
    return send({ ...this.#transport, cookieJar }, url, init, request.options?.signal);
  }

  #isAppOrigin(url: string): boolean {
    return new URL(url).origin === this.#appOrigin;
  }

  private url({ path = '', url, query }: ApiRequest): string {
    const target = new URL(url ?? `${this.appUrl}${path}`);
    for (const [name, value] of Object.entries(query ?? {}))
      if (value !== undefined) target.searchParams.set(name, String(value));
    return target.href;
  }

  /**
   * How long before expiry to refresh: `refreshSkewSeconds`, but never more than half the token's lifetime,
   * or a lifetime at or below the skew would refresh on every request.
   */
  #skewFor(tokens: TokenSet): number {
    if (tokens.issuedAt === undefined) return this.#refreshSkewMs;
    return Math.min(this.#refreshSkewMs, (tokens.expiresAt - tokens.issuedAt) / 2);
  }
}

function bearer(tokens: TokenSet | null): Record<string, string> {
  return tokens?.accessToken ? { authorization: `Bearer ${tokens.accessToken}` } : {};
}

function initialTokens(options: GatehouseSDKOptions): TokenSet | null {
  if (!options.accessToken && !options.refreshToken) return null;
  return {
    accessToken: options.accessToken ?? '',
    ...(options.refreshToken ? { refreshToken: options.refreshToken } : {}),
    // Only the refresh token given: treat the (absent) access token as expired so the first call refreshes.
    expiresAt: options.accessToken ? jwtExpiry(options.accessToken) : 0,
    tokenType: 'Bearer',
  };
}
