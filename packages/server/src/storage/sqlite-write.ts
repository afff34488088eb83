import type { Database as SqliteDatabase } from 'better-sqlite3';
import {
  type DatabaseConnection,
  DefaultQueryExecutor,
  type Driver,
  type Kysely,
  type SqliteDatabase as KyselySqliteDatabase,
  SqliteDialect,
} from 'kysely';
import type { ArgsOf, Precompiled, Shape } from './precompiled.js';
import type { Database } from './schema.js';

/** What a synchronous write section may run: precompiled statements (storage/precompiled.ts), nothing else. */
export interface SqliteStatements {
  /** The rows a statement returns (a SELECT, or a write with RETURNING). */
  all<S extends Shape, R>(statement: Precompiled<S, R>, args: ArgsOf<S>): R[];
  run<S extends Shape>(statement: Precompiled<S, unknown>, args: ArgsOf<S>): void;
  /** Runs a write and returns how many rows it changed (a conditional UPDATE's verdict). */
  changes<S extends Shape>(statement: Precompiled<S, unknown>, args: ArgsOf<S>): number;
}

/** Runs `work` as one SQLite write transaction, synchronously; see `sqliteWriteSection`. */
export type SqliteWrite = <T>(work: (statements: SqliteStatements) => T) => Promise<T>;

/** Thrown by a write section whose work started a Kysely query (see `guardKysely`). */
export class KyselyInsideSqliteWrite extends Error {
  override name = 'KyselyInsideSqliteWrite';
  override message =
    'a Kysely query was started inside a SQLite write section: it would run after the section, outside its ' +
    'transaction; use the section statements (storage/sqlite-write.ts)';
}

/** True while the work of a write section runs: synchronous, so nothing else can run JavaScript meanwhile. */
let sectionRunning = false;
let kyselyStarted = false;

/**
 * Every Kysely query, transaction and connection goes through `provideConnection` of a DefaultQueryExecutor
 * (builders, `executeQuery`, `transaction()`, `connection()`, and the executors of transactions and plugins,
 * which are DefaultQueryExecutors too), and reaches it synchronously from the call that starts it. Started
 * inside a section it would wait for the connection the section holds and run after it, outside the
 * transaction, unnoticed: refused here instead, and the section fails. One boolean test per query otherwise.
 */
function guardKysely(): void {
  const prototype = DefaultQueryExecutor.prototype;
  const provideConnection = prototype.provideConnection;
  if ((provideConnection as { sqliteWriteGuard?: true }).sqliteWriteGuard) return;
  const guarded: typeof provideConnection = function <T>(
    this: DefaultQueryExecutor,
    consumer: (connection: DatabaseConnection) => Promise<T>,
  ): Promise<T> {
    if (sectionRunning) {
      kyselyStarted = true;
      return Promise.reject(new KyselyInsideSqliteWrite());
    }
    return provideConnection.call<DefaultQueryExecutor, [typeof consumer], Promise<T>>(this, consumer);
  };
  prototype.provideConnection = Object.assign(guarded, { sqliteWriteGuard: true as const });
}
// A check for the code base's own mistakes, so it runs where that code is exercised: under the test suite.
// It patches Kysely's prototype for the whole process, which an application embedding Gatehouse (buildApp)
// with its own Kysely would not expect in production; the section's types already keep `work` to statements.
if (process.env['VITEST'] !== undefined) guardKysely();

/**
 * Kysely's SQLite dialect, counting the queries, transactions and connections that hold its one connection or
 * wait for it. While none does, a write section runs at once instead of queueing for the connection
 * (`sqliteWriteSection`): Kysely's connection hand-over is a chain of promises (acquire, the mutex, release),
 * a few µs of every refresh rotation (docs/performance.md).
 */
export class CountingSqliteDialect extends SqliteDialect {
  #holders = 0;

  /** No Kysely query, transaction or connection holds the connection or waits for it. */
  get idle(): boolean {
    return this.#holders === 0;
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const acquire = driver.acquireConnection.bind(driver);
    const release = driver.releaseConnection.bind(driver);
    // Counted from the request, not the grant: a waiter the mutex has just been handed to holds it already,
    // though its continuation has not run yet.
    driver.acquireConnection = () => {
      this.#holders += 1;
      return acquire().catch((error: unknown) => {
        this.#holders -= 1;
        throw error;
      });
    };
    driver.releaseConnection = (connection) => {
      this.#holders -= 1;
      return release(connection);
    };
    return driver;
  }
}

/**
 * A write transaction on the SQLite connection that runs without yielding: BEGIN IMMEDIATE, `work`, COMMIT
 * (ROLLBACK when `work` throws), all synchronous, while Kysely's driver has handed the one connection to us,
 * so no Kysely query or transaction can interleave with it (it waits on the same mutex). better-sqlite3 is
 * synchronous anyway; going through Kysely's transaction costs a promise hop, a mutex round and a result
 * wrapper per statement, ~40 µs of a refresh rotation's CPU (docs/performance.md). IMMEDIATE takes the
 * write lock up front, so another process writing the file (the command line) makes it wait (busy_timeout)
 * instead of failing half-way.
 *
 * Only for short, self-contained writes: `work` cannot await (it is synchronous by type), runs only
 * precompiled statements, and under the test suite a Kysely query it starts anyway fails the section
 * (KyselyInsideSqliteWrite, rolled back) and itself.
 */
export function sqliteWriteSection(
  db: Kysely<Database>,
  sqlite: SqliteDatabase,
  statements: KyselySqliteDatabase,
  /**
   * True while nothing holds Kysely's connection or waits for it (`CountingSqliteDialect.idle`): the section
   * then runs at once, since nothing can start in between (it is synchronous). Without it, it always queues.
   */
  connectionIdle: () => boolean = () => false,
): SqliteWrite {
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  const prepare = <S extends Shape, R>(statement: Precompiled<S, R>, args: ArgsOf<S>) => {
    const query = statement.bind(db, args);
    return { prepared: statements.prepare(query.sql), parameters: query.parameters };
  };
  const run: SqliteStatements = {
    all<S extends Shape, R>(statement: Precompiled<S, R>, args: ArgsOf<S>) {
      const { prepared, parameters } = prepare(statement, args);
      return prepared.all(parameters) as R[];
    },
    run: (statement, args) => void run.changes(statement, args),
    changes: (statement, args) => {
      const { prepared, parameters } = prepare(statement, args);
      return Number(prepared.run(parameters).changes);
    },
  };
  const section = <T>(work: (statements: SqliteStatements) => T): T => {
    begin.run();
    sectionRunning = true;
    kyselyStarted = false;
    try {
      const result = work(run);
      if (kyselyStarted) throw new KyselyInsideSqliteWrite();
      commit.run();
      return result;
    } catch (error) {
      if (sqlite.inTransaction) rollback.run();
      throw error;
    } finally {
      sectionRunning = false;
    }
  };
  return (work) => {
    // `inTransaction` as well: a transaction begun on the handle outside Kysely must not take the section in.
    if (connectionIdle() && !sqlite.inTransaction) {
      try {
        return Promise.resolve(section(work));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return db.getExecutor().provideConnection(async () => section(work));
  };
}
