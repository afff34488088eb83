import { createRequire } from 'node:module';
import type { FastifyBaseLogger } from 'fastify';
import type { PostgresPool } from 'kysely';
import type pg from 'pg';
import { pino } from 'pino';
import { isStorageUnavailable } from './errors.js';
import { OutageLog } from './outage.js';
import { postgresStatementName } from './precompiled.js';

/**
 * The pg driver, loaded when a PostgreSQL pool is first opened: a SQLite deployment never loads it (a few MB
 * of RSS and start-up time it would never use). pg is CommonJS, so a synchronous require serves.
 */
let driver: typeof pg | undefined;
function loadPg(): typeof pg {
  driver ??= createRequire(import.meta.url)('pg') as typeof pg;
  return driver;
}

// BIGINT (oid 20) holds epoch-millisecond times; they fit a JS number exactly, so parse them as numbers.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : loadPg().types.getTypeParser(oid, format as 'text'),
};

/** Default for GATEHOUSE_DATABASE_QUERY_TIMEOUT when the caller does not say (CLI commands, tests). */
const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

export interface PostgresPoolOptions {
  log?: FastifyBaseLogger;
  queryTimeoutMs?: number;
}

export interface OpenedPool {
  /** The pg pool itself: LISTEN/NOTIFY and pool statistics. */
  pool: pg.Pool;
  /** What Kysely draws connections from: the pool, with broken connections destroyed on release. */
  dialectPool: PostgresPool;
  outage: OutageLog;
}

type Query = (...args: unknown[]) => unknown;

/**
 * A pool that survives PostgreSQL dropping connections and heals itself (issue 17, items 1 and 2):
 * - every client, checked out or idle, has an `'error'` listener, so a connection PostgreSQL terminates
 *   mid-query fails that query (answered 503) instead of crashing the process with an unhandled event;
 * - a connection that failed below SQL (reset, terminated, timed out) is destroyed on release, never reused;
 * - a blackholed connection is found by the client-side query timeout (and TCP keepalive when idle), and a
 *   statement or transaction left behind on the server is ended by PostgreSQL's own timeouts;
 * - an outage is logged once when it starts and once when it ends.
 */
export function openPostgresPool(url: string, options: PostgresPoolOptions = {}): OpenedPool {
  const log = options.log ?? pino({ enabled: false });
  const timeout = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const outage = new OutageLog(log, 'database');
  const pool = new (loadPg().Pool)({
    connectionString: url,
    max: 10,
    // Fail fast when the server is gone, so requests get a 503 instead of hanging.
    connectionTimeoutMillis: Math.min(timeout, 2_000),
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    query_timeout: timeout,
    statement_timeout: timeout,
    // A transaction whose client vanished (partition, kill -9) must not hold its row locks for long.
    idle_in_transaction_session_timeout: Math.max(2 * timeout, 10_000),
    // The URL's own application_name wins (pg reads the connection string last).
    application_name: 'gatehouse',
    types: pgTypes,
  });
  const broken = new WeakSet<pg.ClientBase>();

  pool.on('connect', (client) => {
    // Checked out or idle: an error on the socket marks the client, and the request using it fails alone.
    client.on('error', (error) => {
      broken.add(client);
      outage.failed(error);
    });
    const query = client.query.bind(client) as Query;
    /**
     * A table altered under a prepared statement (another instance migrating) fails it with "cached plan
     * must not change result type" (0A000) until it is prepared again, and a prepared copy cannot be
     * replaced on the connection that holds it: the connection leaves the pool on release. Outside a
     * transaction the failed statement changed nothing, so it runs once more, unprepared, and the request
     * never sees the failure; inside one the transaction is aborted, so the failure is the caller's.
     */
    const prepared = async (name: string, text: string, values: unknown): Promise<unknown> => {
      try {
        return await query({ name, text, values });
      } catch (error) {
        if ((error as { code?: unknown }).code !== '0A000') throw error;
        broken.add(client);
        if (client.getTransactionStatus() !== 'I') throw error;
        return query(text, values);
      }
    };
    (client as unknown as { query: Query }).query = (...args: unknown[]) => {
      // A hot statement marked for it (storage/precompiled.ts) runs prepared: parsed and planned once per
      // connection. pg prepares it on this client's first run and reuses it by name after that.
      const name = typeof args[0] === 'string' ? postgresStatementName(args[0]) : undefined;
      const result = name ? prepared(name, args[0] as string, args[1]) : query(...args);
      if (result instanceof Promise) {
        result.then(
          () => outage.succeeded(),
          (error: unknown) => {
            if (!isStorageUnavailable(error)) return outage.succeeded();
            broken.add(client);
            outage.failed(error);
          },
        );
      }
      return result;
    };
  });
  // An idle client's error arrives here too (pg-pool's own listener re-emits it): already handled above.
  pool.on('error', () => {});

  const dialectPool: PostgresPool = {
    connect: async () => {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        outage.failed(error);
        throw error;
      }
      const release = client.release.bind(client);
      // Kysely releases without a reason; a broken connection must leave the pool, not serve the next request.
      client.release = (destroy?: boolean | Error) => release(destroy ?? (broken.has(client) || undefined));
      return client;
    },
    end: () => pool.end(),
  };
  return { pool, dialectPool, outage };
}
