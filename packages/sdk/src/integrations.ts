import type { GatehouseClient } from './client.js';
import type { GatehouseSDK } from './gatehouse-sdk.js';
import type { RequestOptions } from './options.js';
import { segment } from './path.js';

/**
 * `@gatehouse/sdk/integrations`: administering what Gatehouse connects to, social sign-in providers and
 * OAuth clients. A separate entry point so that the applications that never do this (nearly all of them)
 * do not download it: the main bundle is held to 12 kB gzipped. Global admins only, never with an API token.
 */

/** A social sign-in provider as an admin sees it; the client secret is never returned. */
export interface SocialProviderConfig {
  /** `google`, `github`, … or a custom OpenID Connect provider's name. */
  name: string;
  displayName: string;
  /** Built-in providers know their endpoints; custom ones need an `issuer` (or the three endpoints). */
  builtin: boolean;
  enabled: boolean;
  clientId: string;
  clientSecretSet: boolean;
  issuer: string | null;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  userinfoEndpoint: string | null;
  scopes: string;
  /** Origins an application may ask to be sent back to after sign-in (`?return_to=`). */
  returnOrigins: string[];
  /** Creates an account on first sign-in when no account has the address. */
  autoRegister: boolean;
  /** Register this URL with the provider. */
  callbackUrl: string;
  created: string;
  updated: string;
}

/** A change to a provider; `clientSecret` is write-only. */
export type SocialProviderSettings = Partial<
  Omit<SocialProviderConfig, 'name' | 'builtin' | 'clientSecretSet' | 'callbackUrl' | 'created' | 'updated'>
> & { clientSecret?: string };

/** An OAuth client registered with Gatehouse's authorization server (RFC 7591 names). */
export interface OAuthClientConfig {
  client_id: string;
  name: string;
  /** A public client (SPA, mobile app) has no secret and must use PKCE. */
  public: boolean;
  application_type: string;
  redirect_uris: string[];
  grant_types: string[];
  scope: string;
  resources: string[];
  /** First-party: no consent screen. */
  trusted: boolean;
  access_token_ttl: number | null;
  refresh_token_ttl: number | null;
  /** What its ID tokens are signed with: `RS256` (default), `ES256` or `EdDSA`. */
  id_token_signed_response_alg: string;
  created_at: string;
  updated_at: string;
}

/** Settings of a client, camelCase as in the rest of `/api`. */
export interface OAuthClientSettings {
  name?: string;
  redirectUris?: string[];
  grantTypes?: string[];
  scope?: string;
  resources?: string[];
  public?: boolean;
  applicationType?: 'web' | 'native';
  trusted?: boolean;
  accessTokenTtl?: number | null;
  refreshTokenTtl?: number | null;
  idTokenSignedResponseAlg?: 'RS256' | 'ES256' | 'EdDSA';
}

/** A client with its secret: only what `createOAuthClient` and `rotateOAuthClientSecret` answer. */
export interface OAuthClientWithSecret {
  client: OAuthClientConfig;
  client_id: string;
  /** Shown once; absent for a public client. */
  client_secret?: string;
}

/** A social identity linked to the signed-in account (never a token). */
export interface LinkedIdentity {
  /** The provider's name in Gatehouse (`google`, `github`, …). */
  provider: string;
  /** The person's id at the provider. */
  subject: string;
  /** The address the provider gave when it was last used, if any. */
  email: string | null;
  linkedAt: string;
  lastUsedAt: string | null;
}

/** Where to come back after linking, and the application's own state (echoed back untouched). */
export interface LinkIdentityOptions {
  /** An absolute URL on Gatehouse's origin or on one of the provider's return origins. */
  returnUrl?: string;
  state?: string;
  /** The current password, needed unless the sign-in is recent (`REAUTHENTICATION_REQUIRED` otherwise). */
  password?: string;
}

/**
 * Admin calls for social providers and OAuth clients, on an existing SDK instance's session; and the
 * signed-in person's own linked social identities.
 *
 * @example
 * ```ts
 * import { GatehouseSDK } from '@gatehouse/sdk';
 * import { Integrations } from '@gatehouse/sdk/integrations';
 *
 * const sdk = new GatehouseSDK({ appUrl: 'https://auth.example.com' });
 * await sdk.authentication.signin({ username: 'admin@example.com', password });
 * const integrations = new Integrations(sdk);
 * const providers = await integrations.listSocialProviders();
 * ```
 */
export class Integrations {
  readonly #client: GatehouseClient;

  constructor(sdk: GatehouseSDK) {
    this.#client = sdk.admin.client;
  }

  /**
   * Lists the configured social providers, enabled or not.
   *
   * @example
   * ```ts
   * const enabled = (await integrations.listSocialProviders()).filter((p) => p.enabled);
   * ```
   */
  async listSocialProviders(options?: RequestOptions): Promise<SocialProviderConfig[]> {
    return this.#client.request({ method: 'GET', path: '/api/admin/social-providers', options });
  }

  /**
   * Creates or changes a provider (`google`, `github`, or a custom OpenID Connect one with `issuer`).
   *
   * @example
   * ```ts
   * await integrations.setSocialProvider('google', { clientId, clientSecret, enabled: true });
   * ```
   */
  async setSocialProvider(
    name: string,
    settings: SocialProviderSettings,
    options?: RequestOptions,
  ): Promise<SocialProviderConfig> {
    return this.#client.request({ method: 'PUT', path: providerPath(name), body: settings, options });
  }

  /**
   * Removes a provider; people who signed in with it keep their accounts (and any other way in).
   *
   * @example
   * ```ts
   * await integrations.deleteSocialProvider('github');
   * ```
   */
  async deleteSocialProvider(name: string, options?: RequestOptions): Promise<void> {
    await this.#client.request({ method: 'DELETE', path: providerPath(name), options });
  }

  /**
   * Lists the social identities linked to the signed-in account.
   *
   * @example
   * ```ts
   * const identities = await integrations.listLinkedIdentities();
   * console.log(identities.map((identity) => `${identity.provider}: ${identity.email}`));
   * ```
   */
  async listLinkedIdentities(options?: RequestOptions): Promise<LinkedIdentity[]> {
    return this.#client.request({ method: 'GET', path: IDENTITIES, options });
  }

  /**
   * Starts linking an identity at `provider` to the signed-in account (a cookie session in a browser):
   * resolves to the provider's URL, to which the page then navigates. The provider sends the browser back
   * to `returnUrl` with `?linked=<provider>&state=…`, or `?error=<code>` (`SOCIAL_IDENTITY_IN_USE`, …).
   * Rejects with 403 `REAUTHENTICATION_REQUIRED` when the sign-in is not recent and no `password` is given.
   *
   * @example
   * ```ts
   * const { url } = await integrations.linkIdentity('github', {
   *   returnUrl: `${location.origin}/settings/accounts`,
   * });
   * location.assign(url);
   * ```
   */
  async linkIdentity(
    provider: string,
    input: LinkIdentityOptions = {},
    options?: RequestOptions,
  ): Promise<{ url: string }> {
    return this.#client.request({
      method: 'POST',
      path: `${IDENTITIES}/${segment(provider)}`,
      body: input,
      options,
    });
  }

  /**
   * Unlinks an identity; refused with 409 `LAST_SIGN_IN_METHOD` when it is the account's only way in.
   *
   * @example
   * ```ts
   * await integrations.unlinkIdentity('github', '1234567');
   * ```
   */
  async unlinkIdentity(provider: string, subject: string, options?: RequestOptions): Promise<void> {
    await this.#client.request({
      method: 'DELETE',
      path: `${IDENTITIES}/${segment(provider)}/${segment(subject)}`,
      options,
    });
  }

  /**
   * Lists the registered OAuth clients.
   *
   * @example
   * ```ts
   * const clients = await integrations.listOAuthClients();
   * ```
   */
  async listOAuthClients(options?: RequestOptions): Promise<OAuthClientConfig[]> {
    return this.#client.request({ method: 'GET', path: CLIENTS, options });
  }

  /**
   * Registers a client; a confidential one's secret is in this answer only.
   *
   * @example
   * ```ts
   * const { client_id, client_secret } = await integrations.createOAuthClient({
   *   name: 'Billing',
   *   redirectUris: ['https://billing.example.com/callback'],
   * });
   * ```
   */
  async createOAuthClient(
    settings: OAuthClientSettings & { name: string },
    options?: RequestOptions,
  ): Promise<OAuthClientWithSecret> {
    return this.#client.request({ method: 'POST', path: CLIENTS, body: settings, options });
  }

  /**
   * Changes a client's settings (redirect URIs, scope, lifetimes…).
   *
   * @example
   * ```ts
   * await integrations.updateOAuthClient(clientId, { redirectUris: ['https://billing.example.com/cb'] });
   * ```
   */
  async updateOAuthClient(
    clientId: string,
    settings: OAuthClientSettings,
    options?: RequestOptions,
  ): Promise<OAuthClientConfig> {
    return this.#client.request({ method: 'PATCH', path: clientPath(clientId), body: settings, options });
  }

  /**
   * Replaces a confidential client's secret; the new one is in this answer only, the old one stops working.
   *
   * @example
   * ```ts
   * const { client_secret } = await integrations.rotateOAuthClientSecret(clientId);
   * ```
   */
  async rotateOAuthClientSecret(clientId: string, options?: RequestOptions): Promise<OAuthClientWithSecret> {
    return this.#client.request({ method: 'POST', path: `${clientPath(clientId)}/rotate-secret`, options });
  }

  /**
   * Deletes a client: its tokens stop working and its users' consents go.
   *
   * @example
   * ```ts
   * await integrations.deleteOAuthClient(clientId);
   * ```
   */
  async deleteOAuthClient(clientId: string, options?: RequestOptions): Promise<void> {
    await this.#client.request({ method: 'DELETE', path: clientPath(clientId), options });
  }
}

const CLIENTS = '/api/admin/oauth/clients';
const IDENTITIES = '/api/me/social-identities';
const clientPath = (clientId: string) => `${CLIENTS}/${segment(clientId)}`;
const providerPath = (name: string) => `/api/admin/social-providers/${segment(name)}`;
