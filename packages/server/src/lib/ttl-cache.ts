interface Entry<V> {
  value: V;
  expiresAt: number;
  tags: readonly string[];
}

/**
 * A small in-process cache with a short TTL, used so that checking a session or API token costs no
 * database round trip in steady state. Entries carry tags (e.g. `user:<id>`) so one revocation can drop
 * every entry it affects. Bounded: the oldest entry goes when full.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #byTag = new Map<string, Set<string>>();

  constructor(
    readonly ttlMs: number,
    readonly maxEntries = 10_000,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, tags: readonly string[] = []): void {
    this.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.delete(oldest);
    }
    this.#entries.set(key, { value, expiresAt: Date.now() + this.ttlMs, tags });
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

  /** Drops the entry with this key, or every entry carrying this tag. */
  invalidate(keyOrTag: string): void {
    this.delete(keyOrTag);
    for (const key of [...(this.#byTag.get(keyOrTag) ?? [])]) this.delete(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#byTag.clear();
  }
}
