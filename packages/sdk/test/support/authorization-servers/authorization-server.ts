import type { Page } from 'playwright-core';
import type { GatehouseSDK } from '../../../src/index.js';

/** What a browser test needs from a server it starts: its page's callback registered, its origin allowed. */
export interface AuthorizationServerOptions {
  /** Registered for both clients besides the default `https://yourapp.example.com/callback`. */
  redirectUris?: string[];
  /** Origins allowed to call the server from a page (CORS), where the server has such a list. */
  allowedOrigins?: string[];
}

/** A client registered at the authorization server under test. */
export interface RegisteredClient {
  clientId: string;
  /** Absent for a public client (PKCE only). */
  clientSecret?: string;
  redirectUri: string;
}

/**
 * An authorization server the OAuth flows run against: oidc-provider today, Gatehouse once its OAuth
 * server lands. Each fixture registers the same clients and knows how to get through its own login and
 * consent pages, so every flow test is written once.
 */
export interface AuthorizationServer {
  name: string;
  issuer: string;
  /** `appUrl` for an SDK talking to this server (the issuer when the server is not Gatehouse). */
  appUrl: string;
  /**
   * `auth.oauth.scope` for the SDKs in the tests, when the SDK's default is not what the flows need (Gatehouse
   * grants a refresh token only with `offline_access`, and `/api/me` only with `profile:read`).
   */
  scope?: string;
  clients: {
    /** authorization_code, refresh_token, client_credentials; client_secret_basic. */
    confidential: RegisteredClient & { clientSecret: string };
    /** authorization_code, refresh_token; token_endpoint_auth_method none, PKCE required. */
    public: RegisteredClient;
  };
  /** A resource indicator (RFC 8707) the server issues audience-bound JWT access tokens for. */
  resource: string;
  /** The scope that, with `resource`, the server grants. */
  resourceScope: string;
  /** The user every login signs in as, and its `sub`. */
  subject: string;
  /**
   * Follows an authorization URL over HTTP like a browser (cookies, redirects), signs in and consents
   * (or denies), and resolves to the URL the server redirected back to.
   */
  login(authorizationUrl: string, options?: { deny?: boolean }): Promise<string>;
  /** Signs in and consents on a page that navigated to an authorization URL. */
  loginInPage(page: Page): Promise<void>;
  /** A call to a protected resource with the SDK's current credential; resolves to the subject it saw. */
  whoAmI(sdk: GatehouseSDK): Promise<string>;
  /** Registers one more confidential client with the server's own settings (Gatehouse's: `idTokenSignedResponseAlg`, …). */
  registerClient?(settings: Record<string, unknown>): Promise<RegisteredClient & { clientSecret: string }>;
  /** Moves the server's clock past the access-token lifetime, so every access token issued so far expires. */
  expireAccessTokens(): void;
  close(): Promise<void>;
}
