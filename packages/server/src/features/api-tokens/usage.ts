import type { FastifyBaseLogger } from 'fastify';
import type { ApiTokenStore } from './store.js';

/** How often batched usage reaches the database. */
const FLUSH_INTERVAL_MS = 5_000;

interface PendingUsage {
  uses: number;
  lastUsedAt: number;
}

/**
 * "Last used" and the use count of API tokens, without a database write per request (ARCHITECTURE.md, hot
 * paths): uses are counted in memory and written in one additive UPDATE per token every few seconds, and
 * once more when the app closes, so a clean shutdown loses nothing.
 */
export class UsageRecorder {
  #pending = new Map<string, PendingUsage>();
  #flushing: Promise<void> = Promise.resolve();
  readonly #timer: NodeJS.Timeout;
  #failing = false;

  constructor(
    private readonly store: ApiTokenStore,
    private readonly log: Pick<FastifyBaseLogger, 'warn' | 'info'>,
  ) {
    this.#timer = setInterval(() => void this.flush().catch(() => {}), FLUSH_INTERVAL_MS);
    // The timer must not keep a CLI command or a test process alive.
    this.#timer.unref();
  }

  record(tokenId: string, at: number): void {
    const entry = this.#pending.get(tokenId);
    if (entry) {
      entry.uses += 1;
      entry.lastUsedAt = Math.max(entry.lastUsedAt, at);
    } else {
      this.#pending.set(tokenId, { uses: 1, lastUsedAt: at });
    }
  }

  /** Writes what is pending; one flush at a time. A failed write puts its counts back for the next flush. */
  flush(): Promise<void> {
    const run = this.#flushing
      .catch(() => {})
      .then(() => this.#write())
      .then(
        () => {
          if (this.#failing) this.log.info('API-token usage counts are written again');
          this.#failing = false;
        },
        (error: unknown) => {
          // Once per failing stretch (issue 9, item 11): the counts are kept and retried every few seconds.
          if (!this.#failing)
            this.log.warn(
              {
                reason: error instanceof Error ? error.message : String(error),
                pendingTokens: this.#pending.size,
              },
              'API-token usage counts could not be written; kept in memory and retried',
            );
          this.#failing = true;
          throw error;
        },
      );
    this.#flushing = run;
    return run;
  }

  /** Stops the timer and writes the last batch (app close). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    let failure: unknown;
    for (const [id, usage] of batch) {
      try {
        await this.store.recordUsage(id, usage.uses, usage.lastUsedAt);
      } catch (error) {
        failure ??= error;
        const later = this.#pending.get(id);
        this.#pending.set(id, {
          uses: usage.uses + (later?.uses ?? 0),
          lastUsedAt: Math.max(usage.lastUsedAt, later?.lastUsedAt ?? 0),
        });
      }
    }
    if (failure !== undefined) throw failure;
  }
}
