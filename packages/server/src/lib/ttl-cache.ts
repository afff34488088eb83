interface Entry<V> {
  value: V;
  expiresAt: number;
  tags: readonly string[];
}

/** Where invalidations come from (the invalidation bus): `'*'` means "forget everything". */
export interface InvalidationSource {
  subscribe(listener: (key: string) => void): void;
}

/**
 * The one in-process cache of the server, with a short TTL, so that checking a session, token or user
 * costs no database round trip in steady state. Entries carry tags (e.g. `user:<id>`) so one revocation
 * drops every entry it affects. Bounded: the oldest entry goes when full. Time comes from the injected
 * clock (`ctx.now`), so tests that move time move the cache too.
 *
 * The generation guard: every invalidation bumps a counter, and `read` caches what it loaded only if the
 * counter did not move while the load was in flight. Otherwise a read that started before a revocation
 * or role change and finished after it would cache the stale row for a whole TTL.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #byTag = new Map<string, Set<string>>();
  #generation = 0;
  /** Lookups that found a live entry, and those that did not (`/metrics`: the hit ratio). */
  hits = 0;
  misses = 0;

  constructor(
    readonly ttlMs: number,
    readonly maxEntries: number,
    readonly now: () => number,
  ) {}

  /** Drops entries on every message of the source (the invalidation bus). */
  follow(source: InvalidationSource): this {
    source.subscribe((key) => (key === '*' ? this.clear() : this.invalidate(key)));
    return this;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    if (entry.expiresAt <= this.now()) {
      this.misses += 1;
      this.delete(key);
      return undefined;
    }
    this.hits += 1;
    return entry.value;
  }

  /**
   * The cached value, or what `load` returns, cached under the tags `tagsOf` gives (not cached when it
   * gives `undefined`, or when an invalidation arrived while `load` was in flight).
   */
  async read(
    key: string,
    load: () => Promise<V>,
    tagsOf: (value: V) => readonly string[] | undefined,
  ): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const generation = this.#generation;
    const value = await load();
    const tags = tagsOf(value);
    if (tags && generation === this.#generation) this.set(key, value, tags);
    return value;
  }

  /** Caches a value computed here (not read from shared storage, so no invalidation can race it). */
  set(key: string, value: V, tags: readonly string[] = []): void {
    this.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.delete(oldest);
    }
    this.#entries.set(key, { value, expiresAt: this.now() + this.ttlMs, tags });
    for (const tag of tags) {
      const keys = this.#byTag.get(tag) ?? new Set<string>();
      keys.add(key);
      this.#byTag.set(tag, keys);
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.#byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.#byTag.delete(tag);
    }
  }

  /** Drops the entry with this key, or every entry carrying this tag; loads in flight will not be cached. */
  invalidate(keyOrTag: string): void {
    this.#generation += 1;
    this.delete(keyOrTag);
    for (const key of [...(this.#byTag.get(keyOrTag) ?? [])]) this.delete(key);
  }

  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#byTag.clear();
  }
}
