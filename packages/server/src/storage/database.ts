import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import type { FastifyBaseLogger } from 'fastify';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import type { DatabaseConfig } from '../config/load.js';
import { type ExternalChanges, externalChangeSignal } from './external-changes.js';
import type { OutageLog } from './outage.js';
import { openPostgresPool } from './postgres-pool.js';
import type { Database } from './schema.js';
import { CountingSqliteDialect, type SqliteWrite, sqliteWriteSection } from './sqlite-write.js';
import { withStatementCache } from './statement-cache.js';

export type Dialect = 'sqlite' | 'postgres';

/** SQLite's page cache per connection, in KiB (see openSqlite). */
export const SQLITE_CACHE_KIB = 2048;

/**
 * The WAL's length, in pages, past which a commit copies the WAL back into the database file (a PASSIVE
 * checkpoint). SQLite's default is 1,000 (~4 MB). A checkpoint writes every page changed since the last one
 * once and syncs both files, on the event loop; a refresh rotation writes ~5 pages, so at the default a busy
 * server checkpointed every ~200 rotations, each time rewriting index pages that the next rotations change
 * again. At 4,000 the WAL file (reused from its start after each checkpoint) stays under ~17 MB on disk
 * (test/sqlite-pragmas.test.ts) and a rotation costs less (docs/performance.md, "Sixth round").
 */
export const SQLITE_WAL_AUTOCHECKPOINT_PAGES = 4000;

export interface Storage {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The PostgreSQL pool, for LISTEN/NOTIFY; undefined on SQLite. */
  pool: pg.Pool | undefined;
  /** PostgreSQL: logs an outage once when it starts and once when it ends; undefined on SQLite. */
  outage: OutageLog | undefined;
  /**
   * SQLite: the one signal for commits made by another process (the command line), which no invalidation bus
   * carries (storage/external-changes.ts). Undefined on PostgreSQL (LISTEN/NOTIFY carries them).
   */
  externalChanges?: ExternalChanges | undefined;
  /** SQLite: a synchronous write transaction for the hottest writes (storage/sqlite-write.ts); undefined on PostgreSQL. */
  sqliteWrite?: SqliteWrite | undefined;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file holds password hashes and sealed signing keys: it is readable by the server's user only (0600,
 * in a 0700 folder when Gatehouse creates the folder) before SQLite opens it. SQLite gives the -wal and -shm
 * files it creates the database file's mode. A file left readable by an older version, a copy or a
 * restore is tightened too, with its -wal and -shm; an existing folder is left as it is (it may be shared).
 */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      if (existsSync(file)) chmodSync(file, 0o600);
    } catch (error) {
      // A file owned by another user cannot be changed by us; it opens (or fails to) as before.
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    }
  }
}

function openSqlite(path: string): Storage {
  if (path !== ':memory:') createPrivateFile(path);
  const sqlite = new SQLite(path);
  // WAL lets readers proceed during a write; NORMAL sync is durable across process crashes in WAL mode.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's own page cache: 2 MiB, not the 16 MiB better-sqlite3 builds in. Every hot read is answered from
  // Gatehouse's own caches, and a page SQLite drops is read back from the OS's file cache (one pread). The
  // 16 MiB filled up under a load of refresh rotations (each writes new pages) and stayed: 16 MB of the
  // server's RSS in the bench, for no measurable CPU (docs/performance.md, "Fifth round, memory"); 4 MiB
  // still held 2.4 MB more than 2 once 10,000 accounts were written ("Sixth round, memory").
  sqlite.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  sqlite.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`);
  const statements = withStatementCache(sqlite);
  const dialect = new CountingSqliteDialect({ database: statements });
  const db = new Kysely<Database>({ dialect });
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  const externalChanges = externalChangeSignal(() => dataVersion.get() as number);
  return {
    db,
    dialect: 'sqlite',
    pool: undefined,
    outage: undefined,
    externalChanges,
    sqliteWrite: sqliteWriteSection(db, sqlite, statements, () => dialect.idle),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

function openPostgres(url: string, options: StorageOptions): Storage {
  const { pool, dialectPool, outage } = openPostgresPool(url, options);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: dialectPool }) });
  return {
    db,
    dialect: 'postgres',
    pool,
    outage,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

export interface StorageOptions {
  /** Where failures below HTTP go (a lost connection, an outage's start and end). */
  log?: FastifyBaseLogger;
  /** PostgreSQL: a query (or a connection attempt) slower than this fails, and its connection is replaced. */
  queryTimeoutMs?: number;
}

export function openStorage(config: DatabaseConfig, options: StorageOptions = {}): Storage {
  return config.kind === 'sqlite' ? openSqlite(config.path) : openPostgres(config.url, options);
}

export { isStorageUnavailable, isUniqueViolation } from './errors.js';
