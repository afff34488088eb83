/**
 * The tokens the SDK holds for one user (or one OAuth client), as {@link TokenStore}s keep them.
 *
 * `expiresAt` is the access token's expiry in **epoch milliseconds** (what `Date.now()` counts). Wherever
 * the SDK accepts a token set (`sdk.auth.setTokenSet`, a value your store returns, the constructor), a
 * value below 10¹¹ is read as **seconds**: as milliseconds it would lie before March 1973, so it can only
 * be seconds, as seed 003 writes it (`Math.floor(Date.now() / 1000) + 3600`).
 */
export interface TokenSet {
  accessToken: string;
  /** Absent when the grant issued none (client credentials, or an authorization server that gives none). */
  refreshToken?: string;
  /** Epoch milliseconds (seconds accepted on input). `Number.MAX_SAFE_INTEGER` when unknown: then only a 401 triggers a refresh. */
  expiresAt: number;
  /**
   * Epoch milliseconds when the pair was received. With it, proactive refresh never starts earlier than
   * halfway through the token's life, however large `refreshSkewSeconds` is next to a short lifetime.
   */
  issuedAt?: number;
  tokenType?: 'Bearer';
  /** The OpenID Connect ID token of an authorization-code grant, after the SDK validated it. */
  idToken?: string;
  /** The granted scope, when the authorization server said (RFC 6749 §5.1). */
  scope?: string;
}

/**
 * Where the SDK persists the token set (seed 003's interface). Implement it to keep tokens in a secure
 * store, a database row (server-side sessions) or a framework's state. The contract:
 * - `get()` resolves to the set last given to `set()`, or `null` when there is none;
 * - `set(tokens)` persists a set (a fresh object each time; keep it or a copy), `set(null)` forgets it;
 * - the SDK calls `set` after every refresh. Refresh tokens rotate, so the previous one is dead by then:
 *   resolve only once the new set is durable, or a crash loses the session;
 * - both methods may be called concurrently; the SDK never sends two refreshes at once itself.
 *
 * @example
 * ```ts
 * const redisStore: TokenStore = {
 *   async get() { const raw = await redis.get(`tokens:${userId}`); return raw ? JSON.parse(raw) : null; },
 *   async set(tokens) { tokens ? await redis.set(`tokens:${userId}`, JSON.stringify(tokens)) : await redis.del(`tokens:${userId}`); },
 * };
 * const sdk = new GatehouseSDK({ appUrl, tokenStore: redisStore });
 * ```
 */
export interface TokenStore {
  get(): Promise<TokenSet | null>;
  set(tokens: TokenSet | null): Promise<void>;
}

/**
 * The default store: tokens live only in this JavaScript context, out of reach of other tabs and of
 * anything that reads `localStorage`. A reload signs the user out.
 *
 * @example
 * ```ts
 * const sdk = new GatehouseSDK({ appUrl, tokenStore: new MemoryTokenStore() });
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  #tokens: TokenSet | null = null;

  /**
   * @example
   * ```ts
   * const tokens = await new MemoryTokenStore().get(); // null
   * ```
   */
  async get(): Promise<TokenSet | null> {
    return this.#tokens;
  }

  /**
   * @example
   * ```ts
   * await store.set({ accessToken, refreshToken, expiresAt: Date.now() + 600_000 });
   * ```
   */
  async set(tokens: TokenSet | null): Promise<void> {
    this.#tokens = tokens ? { ...tokens } : null;
  }
}

/** Shared code of the two Web Storage stores; the storage object is looked up lazily so SSR can import this module. */
abstract class WebStorageTokenStore implements TokenStore {
  constructor(
    private readonly key: string,
    private readonly storage: () => Storage | undefined,
  ) {}

  /**
   * @example
   * ```ts
   * const tokens = await new SessionStorageTokenStore().get();
   * ```
   */
  async get(): Promise<TokenSet | null> {
    const raw = this.requireStorage().getItem(this.key);
    if (!raw) return null;
    try {
      const parsed: unknown = JSON.parse(raw);
      return isTokenSet(parsed) ? parsed : null;
    } catch {
      // A value some other code wrote under our key: treat as signed out rather than failing every request.
      return null;
    }
  }

  /**
   * @example
   * ```ts
   * await new LocalStorageTokenStore('my-app.tokens').set(null); // forget the tokens
   * ```
   */
  async set(tokens: TokenSet | null): Promise<void> {
    const storage = this.requireStorage();
    if (tokens) storage.setItem(this.key, JSON.stringify(tokens));
    else storage.removeItem(this.key);
  }

  private requireStorage(): Storage {
    const storage = this.storage();
    if (!storage)
      throw new TypeError(`${this.constructor.name} needs a browser (Web Storage is not available)`);
    return storage;
  }
}

/**
 * Keeps tokens in `sessionStorage`: they survive reloads but not closing the tab, and other tabs do
 * not see them. Any script on the page can read them, so pair it with a strict Content-Security-Policy.
 *
 * @example
 * ```ts
 * const sdk = new GatehouseSDK({ appUrl, tokenStore: new SessionStorageTokenStore('gatehouse.tokens') });
 * ```
 */
export class SessionStorageTokenStore extends WebStorageTokenStore {
  constructor(key = 'gatehouse.tokens') {
    super(key, () => globalThis.sessionStorage);
  }
}

/**
 * Keeps tokens in `localStorage`: shared by all tabs and kept across browser restarts. The least safe
 * choice (any XSS can exfiltrate the refresh token); prefer cookie sessions or {@link SessionStorageTokenStore}.
 *
 * @example
 * ```ts
 * const sdk = new GatehouseSDK({ appUrl, tokenStore: new LocalStorageTokenStore('gatehouse.tokens') });
 * ```
 */
export class LocalStorageTokenStore extends WebStorageTokenStore {
  constructor(key = 'gatehouse.tokens') {
    super(key, () => globalThis.localStorage);
  }
}

function isTokenSet(value: unknown): value is TokenSet {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<TokenSet>;
  return (
    typeof candidate.accessToken === 'string' &&
    (candidate.refreshToken === undefined || typeof candidate.refreshToken === 'string') &&
    typeof candidate.expiresAt === 'number'
  );
}
