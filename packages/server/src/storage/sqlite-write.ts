import type { Database as SqliteDatabase } from 'better-sqlite3';
import type { CompiledQuery, Kysely, SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import type { Database } from './schema.js';

/** The statements a synchronous write section may run: precompiled SQL, parameters bound afresh. */
export interface SqliteStatements {
  /** The rows a statement returns (a SELECT, or a write with RETURNING). */
  all<R>(query: CompiledQuery): R[];
  run(query: CompiledQuery): void;
}

/** Runs `work` as one SQLite write transaction, synchronously; see `sqliteWriteSection`. */
export type SqliteWrite = <T>(work: (statements: SqliteStatements) => T) => Promise<T>;

/**
 * A write transaction on the SQLite connection that runs without yielding: BEGIN IMMEDIATE, `work`, COMMIT
 * (ROLLBACK when `work` throws), all synchronous, while Kysely's driver has handed the one connection to us,
 * so no Kysely query or transaction can interleave with it (it waits on the same mutex). better-sqlite3 is
 * synchronous anyway; going through Kysely's transaction costs a promise hop, a mutex round and a result
 * wrapper per statement, ~40 µs of a refresh rotation's CPU (docs/performance.md). IMMEDIATE takes the
 * write lock up front, so another process writing the file (the command line) makes it wait (busy_timeout)
 * instead of failing half-way.
 *
 * Only for short, self-contained writes: `work` must not await (it is synchronous by type) and must not
 * call Kysely.
 */
export function sqliteWriteSection(
  db: Kysely<Database>,
  sqlite: SqliteDatabase,
  statements: KyselySqliteDatabase,
): SqliteWrite {
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  const run: SqliteStatements = {
    all: <R>(query: CompiledQuery) => statements.prepare(query.sql).all(query.parameters) as R[],
    run: (query) => {
      statements.prepare(query.sql).run(query.parameters);
    },
  };
  return (work) =>
    db.getExecutor().provideConnection(async () => {
      begin.run();
      try {
        const result = work(run);
        commit.run();
        return result;
      } catch (error) {
        if (sqlite.inTransaction) rollback.run();
        throw error;
      }
    });
}
