import { normalizeTokenSet } from './token-set.js';
import type { TokenSet, TokenStore } from './token-store.js';

/**
 * The SDK's view of the user's {@link TokenStore}: seeds it with tokens given to the constructor and
 * counts writes, so a refresh that finishes after a logout cannot bring the signed-out tokens back.
 * Every set passes through {@link normalizeTokenSet} both ways, so a store holding seed 003's seconds works.
 */
export class TokenVault {
  readonly #store: TokenStore;
  readonly #seeded: Promise<void>;
  #generation = 0;

  constructor(store: TokenStore, initial: TokenSet | null) {
    this.#store = store;
    this.#seeded = initial ? store.set(normalizeTokenSet(initial)) : Promise.resolve();
    // A failing seed is reported by the first get/set that awaits it, not as an unhandled rejection.
    this.#seeded.catch(() => undefined);
  }

  /** Bumped by every write; a refresh compares it before storing its result. */
  get generation(): number {
    return this.#generation;
  }

  async get(): Promise<TokenSet | null> {
    await this.#seeded;
    const tokens = await this.#store.get();
    return tokens ? normalizeTokenSet(tokens) : null;
  }

  async set(tokens: TokenSet | null): Promise<void> {
    const normalized = tokens ? normalizeTokenSet(tokens) : null;
    await this.#seeded;
    this.#generation += 1;
    await this.#store.set(normalized);
  }

  /** Stores `tokens` only if nothing was written since `generation` was read. */
  async setIfUnchanged(tokens: TokenSet, generation: number): Promise<boolean> {
    const normalized = normalizeTokenSet(tokens);
    await this.#seeded;
    if (generation !== this.#generation) return false;
    this.#generation += 1;
    await this.#store.set(normalized);
    return true;
  }
}
