import type { RetryOptions } from './retry.js';
import type { TokenStore } from './token-store.js';

/** Any `fetch`-compatible function (undici, node-fetch, a test double, a wrapper that logs). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Which credential the SDK attaches to requests.
 * - `auto`: an API token if one is configured, else the token set if the store holds one, else the session
 *   cookie (unless `auth.session.enabled` is false). Seed 003: "tries bearer first if tokens are available,
 *   falls back to session".
 * - `oauth`: `Authorization: Bearer <access token>`, refreshed automatically.
 * - `session`: the session cookie (the browser's, or the SDK's own jar outside a browser).
 * - `apiToken`: `x-api-key`; never refreshed.
 * - `none`: no credential until a sign-in method switches to its own mode.
 */
export type AuthMode = 'auto' | 'oauth' | 'session' | 'apiToken' | 'none';

export interface GatehouseSDKOptions {
  /** Base URL of the Gatehouse server, e.g. `https://auth.example.com`. */
  appUrl: string;
  /**
   * Seed 003's grouped form of the authentication options. Where it and a flat option say the same
   * thing (`auth.mode` and `mode`, `auth.oauth.tokenStore` and `tokenStore`, `auth.oauth.autoRefresh` and
   * `forceRefresh`, `auth.session.credentials` and `credentials`), the `auth` one wins.
   */
  auth?: AuthOptions;
  /** An API token (`x-api-key`) for scripts and servers. */
  apiToken?: string;
  /** Resume a token session: the access token… */
  accessToken?: string;
  /** …and the refresh token. */
  refreshToken?: string;
  /** Where the token set is kept. Default: a `MemoryTokenStore`. */
  tokenStore?: TokenStore;
  /** Default `auto`. Sign-in methods switch to their own mode. */
  mode?: AuthMode;
  /**
   * Called once per failed refresh, however many requests were waiting for it. Return a new access
   * token to carry on, or nothing to let the waiting requests fail with `REFRESH_FAILED`.
   */
  onFailedRefreshToken?: () => Promise<string | null | undefined>;
  /** Refresh and retry on a 401 in token mode. Default true; may be overridden per request. */
  forceRefresh?: boolean;
  /** Refresh before a request when the access token expires within this many seconds. Default 30. */
  refreshSkewSeconds?: number;
  /** Headers sent on every request, kept across refresh and retry. */
  headers?: Record<string, string>;
  /** Custom `fetch`. Default: `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Abort each HTTP attempt after this many milliseconds. Default: no timeout. */
  timeoutMs?: number;
  /** Retries of 429/503 answers, or `false` for none. Default: 2 retries of GET and HEAD. */
  retry?: RetryOptions | false;
  /** `fetch` credentials mode. Default: `'include'` for cookie sessions in a browser. */
  credentials?: RequestCredentials;
}

/** The optional last argument of every SDK method. */
export interface RequestOptions {
  /** Cancels the request (and any retry wait) when aborted. */
  signal?: AbortSignal;
  /** Overrides the `forceRefresh` option for this request. */
  forceRefresh?: boolean;
  /** Extra headers for this request only. */
  headers?: Record<string, string>;
}

/** Seed 003's `auth` option: the mode, the OAuth client and the cookie session. */
export interface AuthOptions {
  /** Default `auto`. See {@link AuthMode}. */
  mode?: AuthMode;
  /** Makes the SDK an OAuth 2.0 client of an authorization server (Gatehouse by default): `sdk.oauth2`. */
  oauth?: OAuthClientOptions;
  session?: SessionOptions;
}

/** The OAuth 2.0 client registration the SDK acts as. */
export interface OAuthClientOptions {
  /** The `client_id` registered at the authorization server. */
  clientId?: string;
  /**
   * A confidential client's secret, sent with HTTP Basic (RFC 6749 §2.3.1). Leave it out for a public
   * client (browser or mobile app), which proves itself with PKCE alone. Never ship it to a browser.
   */
  clientSecret?: string;
  /** Where the token set is kept. Default: a {@link MemoryTokenStore}. */
  tokenStore?: TokenStore;
  /** Refresh expired access tokens before a request and after a 401, single-flight. Default true. */
  autoRefresh?: boolean;
  /**
   * The authorization server's issuer identifier, which discovery and every ID token must match exactly.
   * Default: `appUrl` (Gatehouse is its own authorization server).
   */
  issuer?: string;
  /**
   * Scope requested when `buildAuthorizationUrl` is given none. Default `openid offline_access`: an ID token
   * and a refresh token (OpenID Connect Core §11), as seed 003's flow expects.
   */
  scope?: string;
  /** Accepted clock difference when checking ID token times, in seconds. Default 30. */
  clockToleranceSeconds?: number;
}

/** Cookie sessions (the Gatehouse session cookie, or the browser's). */
export interface SessionOptions {
  /** `false` keeps `auto` mode from ever falling back to the cookie session. Default true. */
  enabled?: boolean;
  /** `fetch` credentials mode. Default: `'include'` for cookie sessions in a browser. */
  credentials?: RequestCredentials;
}
