import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import { pino } from 'pino';
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
  /** False while the PostgreSQL LISTEN connection is down (always true in-process): /health/ready says so. */
  readonly listening: boolean;
  close(): Promise<void>;
}

class LocalBus implements InvalidationBus {
  protected readonly listeners: Array<(key: string) => void> = [];

  get listening(): boolean {
    return true;
  }

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

/** Back-off between attempts to get the LISTEN connection back: doubled per failure, capped. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5_000;
/**
 * A LISTEN connection only receives, so a partition would go unnoticed until TCP keepalive gives up (many
 * minutes): a trivial query this often proves it alive, bounded by the pool's query timeout.
 */
const HEARTBEAT_MS = 5_000;

class PostgresBus extends LocalBus {
  #client: pg.PoolClient | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #delay = RECONNECT_FIRST_MS;
  #lostAt: number | undefined;
  #everListened = false;
  readonly #instance = randomBytes(6).toString('hex');
  #sequence = 0;
  readonly #echoes = new Map<string, () => void>();
  readonly #released = new WeakSet<pg.PoolClient>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: FastifyBaseLogger,
  ) {
    super();
    void this.#listen();
  }

  override get listening(): boolean {
    return this.#client !== undefined;
  }

  async #listen(): Promise<void> {
    if (this.#closed) return;
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      const connected = client;
      connected.on('notification', (message) => {
        if (message.channel !== CHANNEL || !message.payload) return;
        const split = message.payload.indexOf('|');
        const id = message.payload.slice(0, split);
        this.emit(message.payload.slice(split + 1));
        this.#echoes.get(id)?.();
      });
      connected.on('error', (error) => this.#lost(connected, error));
      connected.on('end', () => this.#lost(connected, new Error('connection ended')));
      await connected.query(`LISTEN ${CHANNEL}`);
      if (this.#closed) return this.#release(connected);
      this.#client = connected;
      this.#delay = RECONNECT_FIRST_MS;
      // Notifications sent while we were not listening are lost: forget everything cached.
      this.emit('*');
      if (this.#lostAt !== undefined)
        this.log.warn(
          { downForMs: Date.now() - this.#lostAt },
          'invalidation listener back: caches dropped, revocations from other instances apply at once again',
        );
      this.#lostAt = undefined;
      this.#everListened = true;
      this.#beat(connected);
    } catch (error) {
      if (client) this.#lost(client, error);
      else this.#lost(undefined, error);
    }
  }

  #beat(client: pg.PoolClient): void {
    this.#heartbeat = setTimeout(() => {
      // LISTEN again (a no-op when already listening): the connection shows as the listener in pg_stat_activity.
      client.query(`LISTEN ${CHANNEL}`).then(
        () => this.#client === client && this.#beat(client),
        (error: unknown) => this.#lost(client, error),
      );
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** The LISTEN connection is gone (or could not be made): log once, drop caches, retry with back-off. */
  #lost(client: pg.PoolClient | undefined, error: unknown): void {
    if (client && client !== this.#client && this.#client !== undefined) return;
    if (client) {
      // Once only: 'error' and 'end' both come for one loss, and close() may have released it already.
      if (this.#released.has(client)) return;
      this.#release(client);
    }
    this.#client = undefined;
    clearTimeout(this.#heartbeat);
    if (this.#closed) return;
    if (this.#lostAt === undefined) {
      this.#lostAt = Date.now();
      this.log.error(
        { reason: error instanceof Error ? error.message : String(error) },
        this.#everListened
          ? 'invalidation listener lost: reconnecting; until it is back this instance is not ready, and revocations made on other instances reach it only when it reconnects'
          : 'invalidation listener not connected yet: retrying',
      );
    }
    this.emit('*');
    if (!this.#retry) {
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        void this.#listen();
      }, this.#delay);
      this.#retry.unref();
      this.#delay = Math.min(this.#delay * 2, RECONNECT_MAX_MS);
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

  #release(client: pg.PoolClient): void {
    if (this.#released.has(client)) return;
    this.#released.add(client);
    client.release(true);
  }

  override async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearTimeout(this.#heartbeat);
    if (this.#client) this.#release(this.#client);
    this.#client = undefined;
  }
}

export function createInvalidationBus(
  storage: Storage,
  log: FastifyBaseLogger = pino({ enabled: false }),
): InvalidationBus {
  return storage.pool ? new PostgresBus(storage.pool, log) : new LocalBus();
}
