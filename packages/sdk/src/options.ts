import type { RetryOptions } from './retry.js';
import type { TokenStore } from './token-store.js';

/** Any `fetch`-compatible function (undici, node-fetch, a test double, a wrapper that logs). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Which credential the SDK attaches to requests.
 * - `auto`: an API token if one is configured, else the token set if the store holds one, else the session cookie.
 * - `oauth`: `Authorization: Bearer <access token>`, refreshed automatically.
 * - `session`: the session cookie (the browser's, or the SDK's own jar outside a browser).
 * - `apiToken`: `x-api-key`; never refreshed.
 * - `none`: no credential until a sign-in method switches to its own mode.
 */
export type AuthMode = 'auto' | 'oauth' | 'session' | 'apiToken' | 'none';

export interface GatehouseSDKOptions {
  /** Base URL of the Gatehouse server, e.g. `https://auth.example.com`. */
  appUrl: string;
  /** An API token (`x-api-key`) for scripts and servers. */
  apiToken?: string;
  /** Resume a token session: the access token… */
  accessToken?: string;
  /** …and the refresh token. */
  refreshToken?: string;
  /** Where the token set is kept. Default: {@link MemoryTokenStore}. */
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
