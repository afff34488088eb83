import { Admin } from './admin.js';
import { Authentication } from './authentication.js';
import { GatehouseClient } from './client.js';
import type { GatehouseSDKOptions } from './options.js';
import { TokenAccess } from './token-access.js';
import { Workspaces } from './workspaces.js';

/**
 * The Gatehouse client. One instance holds one user's credentials; create one per user on a server.
 *
 * @example
 * ```ts
 * import { GatehouseSDK } from '@gatehouse/sdk';
 *
 * const sdk = new GatehouseSDK({ appUrl: 'https://auth.example.com' });
 * await sdk.authentication.oAuthSignin({ username: 'ada@example.com', password: 'correct horse battery' });
 * const workspaces = await sdk.workspaces.getList();
 * ```
 */
export class GatehouseSDK {
  /** Sign-in, sign-out, the current user, API tokens, sessions, password, social login. */
  readonly authentication: Authentication;
  /** Workspaces and their members. */
  readonly workspaces: Workspaces;
  /** The stored token set. */
  readonly auth: TokenAccess;
  /** Deployment administration (global admins only): users' roles, roles, authentication settings. */
  readonly admin: Admin;
  readonly #client: GatehouseClient;

  constructor(options: GatehouseSDKOptions) {
    this.#client = new GatehouseClient(options);
    this.authentication = new Authentication(this.#client);
    this.workspaces = new Workspaces(this.#client);
    this.auth = new TokenAccess(this.#client);
    this.admin = new Admin(this.#client);
  }

  /**
   * Adds a header to every later request, kept across token refresh and retries. Headers that carry
   * credentials are never sent to sign-in, sign-up or refresh.
   *
   * @example
   * ```ts
   * sdk.setCustomHeader('x-request-source', 'mobile-app');
   * ```
   */
  setCustomHeader(name: string, value: string): void {
    this.#client.customHeaders.set(name.toLowerCase(), value);
  }

  /**
   * Stops sending a header added with {@link GatehouseSDK.setCustomHeader} or the `headers` option.
   *
   * @example
   * ```ts
   * sdk.removeCustomHeader('x-request-source');
   * ```
   */
  removeCustomHeader(name: string): void {
    this.#client.customHeaders.delete(name.toLowerCase());
  }
}
