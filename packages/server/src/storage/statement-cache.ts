import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/** Distinct SQL texts kept prepared; Gatehouse issues a few dozen, so this bound only stops runaway growth. */
const MAX_STATEMENTS = 500;

/**
 * The better-sqlite3 handle as Kysely's SQLite dialect sees it, with prepared statements reused.
 *
 * Kysely's SQLite driver calls `prepare()` for every query it runs, so SQLite parses and plans the same
 * SQL again on every request; the benchmark measured that at about a fifth of the CPU of a refresh-token
 * rotation (docs/performance.md). Reusing a statement is how better-sqlite3 is meant to be used: it is
 * synchronous, so a statement finishes (and is reset, errors included) before the next query can start;
 * parameters are bound afresh on every run; SQLite re-prepares a statement itself after a schema change.
 * Kysely's one SQLite connection is behind a mutex, so no two queries run on it at once.
 */
export function withStatementCache(sqlite: SqliteDatabase): KyselySqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (statement) {
        // Least recently used goes first: re-insert on every hit.
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= MAX_STATEMENTS) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
