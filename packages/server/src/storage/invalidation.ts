import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Storage } from './database.js';

const CHANNEL = 'gatehouse_invalidate';
/** Upper bound on waiting for our own notification to come back (it normally takes well under 5 ms). */
const ECHO_WAIT_MS = 250;

/**
 * Tells every instance to drop cached credentials. Keys are cache keys or tags such as `session:<hash>`
 * or `user:<id>`. On SQLite there is one process, so delivery is in-process; on PostgreSQL it is
 * LISTEN/NOTIFY, so a revoke on one instance is refused on every other at once (ARCHITECTURE.md).
 */
export interface InvalidationBus {
  publish(key: string): Promise<void>;
  subscribe(listener: (key: string | '*') => void): void;
  close(): Promise<void>;
}

class LocalBus implements InvalidationBus {
  protected readonly listeners: Array<(key: string) => void> = [];

  async publish(key: string): Promise<void> {
    this.emit(key);
  }

  subscribe(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }

  protected emit(key: string): void {
    for (const listener of this.listeners) listener(key);
  }

  async close(): Promise<void> {}
}

class PostgresBus extends LocalBus {
  #client: pg.PoolClient | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  readonly #instance = randomBytes(6).toString('hex');
  #sequence = 0;
  readonly #echoes = new Map<string, () => void>();

  constructor(private readonly pool: pg.Pool) {
    super();
    void this.#listen();
  }

  async #listen(): Promise<void> {
    if (this.#closed) return;
    try {
      const client = await this.pool.connect();
      client.on('notification', (message) => {
        if (message.channel !== CHANNEL || !message.payload) return;
        const split = message.payload.indexOf('|');
        const id = message.payload.slice(0, split);
        this.emit(message.payload.slice(split + 1));
        this.#echoes.get(id)?.();
      });
      client.on('error', () => this.#reconnect(client));
      await client.query(`LISTEN ${CHANNEL}`);
      this.#client = client;
      // Notifications sent while we were not listening are lost: forget everything cached.
      this.emit('*');
    } catch {
      this.#reconnect(undefined);
    }
  }

  #reconnect(client: pg.PoolClient | undefined): void {
    if (client) {
      client.release(true);
      if (this.#client === client) this.#client = undefined;
    }
    this.emit('*');
    if (!this.#closed && !this.#retry) {
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        void this.#listen();
      }, 1_000);
      this.#retry.unref();
    }
  }

  /**
   * Returns once PostgreSQL has delivered the notification back to this instance's own listener (or after
   * ECHO_WAIT_MS): by then it has been dispatched to every listening instance, so the response to the
   * revoking request goes out after the other instances' sockets already carry the invalidation.
   */
  override async publish(key: string): Promise<void> {
    this.emit(key);
    const id = `${this.#instance}.${++this.#sequence}`;
    const echoed = this.#client
      ? new Promise<void>((resolve) => {
          this.#echoes.set(id, resolve);
          setTimeout(resolve, ECHO_WAIT_MS).unref();
        })
      : undefined;
    try {
      await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, `${id}|${key}`]);
      await echoed;
    } finally {
      this.#echoes.delete(id);
    }
  }

  override async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#client?.release(true);
    this.#client = undefined;
  }
}

export function createInvalidationBus(storage: Storage): InvalidationBus {
  return storage.pool ? new PostgresBus(storage.pool) : new LocalBus();
}
