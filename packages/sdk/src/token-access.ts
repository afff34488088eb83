import type { GatehouseClient } from './client.js';
import type { TokenSet } from './token-store.js';

/** Direct access to the stored token set, for apps that move tokens themselves. Available as `sdk.auth`. */
export class TokenAccess {
  /** @internal */
  constructor(private readonly client: GatehouseClient) {}

  /**
   * The token set in the store, or null when signed out.
   *
   * @example
   * ```ts
   * const tokens = await sdk.auth.getTokenSet();
   * if (tokens) console.log('access token expires at', new Date(tokens.expiresAt));
   * ```
   */
  async getTokenSet(): Promise<TokenSet | null> {
    return this.client.vault.get();
  }

  /**
   * Stores a token set (e.g. handed over by your backend) and switches to token mode.
   *
   * @example
   * ```ts
   * await sdk.auth.setTokenSet({ accessToken, refreshToken, expiresAt: Date.now() + expiresIn * 1000 });
   * ```
   */
  async setTokenSet(tokens: TokenSet): Promise<void> {
    await this.client.vault.set({ ...tokens });
    this.client.mode = 'oauth';
  }

  /**
   * Forgets the token set locally, without telling the server (use `authentication.logout()` for that).
   *
   * @example
   * ```ts
   * await sdk.auth.clearTokenSet();
   * ```
   */
  async clearTokenSet(): Promise<void> {
    await this.client.forgetTokens();
  }
}
