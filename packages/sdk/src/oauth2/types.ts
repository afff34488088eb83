import type { TokenSet } from '../token-store.js';

/**
 * Authorization server metadata (RFC 8414 §2, OpenID Connect Discovery §3), as `discover()` returns it.
 * Members the SDK does not use are kept as the server sent them.
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  jwks_uri?: string;
  userinfo_endpoint?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  end_session_endpoint?: string;
  scopes_supported?: string[];
  response_types_supported?: string[];
  grant_types_supported?: string[];
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
  /** RFC 9207 §3: when true, every authorization response carries `iss`. */
  authorization_response_iss_parameter_supported?: boolean;
  [member: string]: unknown;
}

/** What `buildAuthorizationUrl` takes. Only `redirectUri` is required. */
export interface AuthorizationUrlOptions {
  /** Must match one registered for the client exactly (RFC 6749 §3.1.2.3). */
  redirectUri: string;
  /** Space-separated. Default: `auth.oauth.scope`, else `openid`. */
  scope?: string;
  /** The CSRF value echoed back (RFC 6749 §10.12). Default: 256 random bits. */
  state?: string;
  /** Binds the ID token to this request (OpenID Connect Core §3.1.2.1). Default: 256 random bits when `scope` has `openid`. */
  nonce?: string;
  /** Your own PKCE verifier: 43 to 128 characters of `A-Z a-z 0-9 - . _ ~` (RFC 7636 §4.1). Default: 256 random bits. */
  codeVerifier?: string;
  /** `none`, `login`, `consent` or `select_account`. */
  prompt?: string;
  /** The resource server(s) the access token is for (RFC 8707 §2). */
  resource?: string | string[];
  /**
   * Seconds: the user must have signed in at most this long ago, else the server asks again (OpenID Connect
   * Core §3.1.2.1). The ID token's `auth_time` is then checked against it.
   */
  maxAge?: number;
  /** Further parameters sent as they are: `login_hint`, `ui_locales`, … */
  parameters?: Record<string, string>;
}

/**
 * A ready authorization request: where to send the browser, and what to keep until the callback (in the
 * server-side session, or `sessionStorage` for a single-page app). Stringifies to `url`.
 */
export interface AuthorizationRequest {
  url: string;
  state: string;
  /** The PKCE verifier (RFC 7636 §4.1), needed by `exchangeAuthorizationCode`. Secret: never put it in a URL. */
  codeVerifier: string;
  /** Present when the request asked for an ID token. */
  nonce?: string;
  /** The `max_age` the request carried, to check the ID token's `auth_time` against. */
  maxAge?: number;
  redirectUri: string;
  /**
   * The URL, so the request can stand where seed 003 passes `authUrl`.
   *
   * @example
   * ```ts
   * location.assign(String(await sdk.oauth2.buildAuthorizationUrl({ redirectUri })));
   * ```
   */
  toString(): string;
}

/**
 * `parseAuthorizationCallback`'s reading of the redirect back from the authorization server. Checking
 * `isError` narrows it: `code` is a string on success, `error` on failure.
 */
export type AuthorizationCallback = AuthorizationSuccess | AuthorizationFailure;

interface CallbackParameters {
  state?: string;
  /** The `iss` parameter, when the server sent one (RFC 9207). */
  issuer?: string;
}

export interface AuthorizationSuccess extends CallbackParameters {
  isError: false;
  code: string;
  error?: undefined;
  errorDescription?: undefined;
}

export interface AuthorizationFailure extends CallbackParameters {
  isError: true;
  code?: undefined;
  /**
   * The authorization server's error code (RFC 6749 §4.1.2.1: `access_denied`, `login_required`, …), or
   * one the SDK sets when it refuses the response itself: `ISSUER_MISMATCH` (RFC 9207 mix-up defence),
   * `STATE_MISMATCH` (not the state you expected), `INVALID_CALLBACK` (neither code nor error).
   */
  error: string;
  errorDescription?: string;
  errorUri?: string;
}

/** What `exchangeAuthorizationCode` takes. */
export interface CodeExchange {
  code: string;
  redirectUri: string;
  /**
   * The verifier from `buildAuthorizationUrl`. May be left out when the same SDK instance built the
   * request and parsed the callback within 10 minutes (it remembers them); pass it across processes.
   */
  codeVerifier?: string;
  /** The nonce from `buildAuthorizationUrl`, to check the ID token against; remembered like the verifier. */
  nonce?: string;
  /** The `maxAge` from `buildAuthorizationUrl`, to check `auth_time` against; remembered like the verifier. */
  maxAge?: number;
  /** The resource the token is for (RFC 8707 §2.2), when the request named several. */
  resource?: string | string[];
}

/** The claims of a validated ID token (OpenID Connect Core §2). */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  azp?: string;
  auth_time?: number;
  [claim: string]: unknown;
}

/** A token set fresh from the token endpoint, with its ID token's claims when it had one. */
export interface OAuthTokenSet extends TokenSet {
  idTokenClaims?: IdTokenClaims;
}

/** What `clientCredentials` takes (RFC 6749 §4.4.2, RFC 8707 §2). */
export interface ClientCredentialsOptions {
  scope?: string;
  resource?: string | string[];
}

/** RFC 7009 §2.1. */
export type TokenTypeHint = 'access_token' | 'refresh_token' | (string & {});

/** What `revokeToken` and `introspect` take. */
export interface TokenReference {
  /** Default for `revokeToken`: the stored refresh token, else the stored access token. */
  token?: string;
  tokenTypeHint?: TokenTypeHint;
}

/** An introspection answer (RFC 7662 §2.2). Anything not `active` carries no other member you can trust. */
export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  username?: string;
  token_type?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  sub?: string;
  aud?: string | string[];
  iss?: string;
  jti?: string;
  [member: string]: unknown;
}

/** The UserInfo answer (OpenID Connect Core §5.3.2): `sub` plus the claims the scopes allow. */
export interface UserInfo {
  sub: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
  [claim: string]: unknown;
}
