import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import { onPostgres } from './on-postgres.js';
import type { Database } from './schema.js';

/** The kind of each parameter a precompiled statement takes. */
type Kind = 'string' | 'string | null' | 'number';
export type Shape = Record<string, Kind>;
type TypeOf<K extends Kind> = K extends 'number' ? number : K extends 'string' ? string : string | null;
export type ArgsOf<S extends Shape> = { [K in keyof S]: TypeOf<S[K]> };

/**
 * What `build` may return: a Kysely query builder, or a `sql` template for SQL written out by hand (a
 * statement Kysely cannot express, such as PostgreSQL's data-modifying CTE). Both compile against `db`.
 */
interface Buildable<Row> {
  compile(db: Kysely<Database>): CompiledQuery<Row>;
}

/** A statement compiled once per dialect; see `precompiled`. */
export interface Precompiled<S extends Shape, Row> {
  /** Runs the statement on `db` (or a transaction) with these arguments. */
  (db: Kysely<Database>, args: ArgsOf<S>): Promise<QueryResult<Row>>;
  /** The compiled statement with these arguments bound, for `db`'s dialect (storage/sqlite-write.ts runs it). */
  bind(db: Kysely<Database>, args: ArgsOf<S>): CompiledQuery<Row>;
}

/** Options of `precompiled`. */
export interface PrecompiledOptions {
  /**
   * On PostgreSQL, run the statement as a named prepared statement (see `postgresStatementName`): the
   * server parses and plans it once per connection instead of on every run. Worth it for a statement whose
   * parse and plan cost more than its execution (the refresh rotation's CTE: ~200 µs of PostgreSQL's CPU
   * per run, docs/performance.md). PostgreSQL plans it for generic parameters after five runs, so it suits
   * statements whose plan does not depend on the values (look-ups by key), not range scans.
   */
  prepareOnPostgres?: boolean;
}

/** The SQL text of every statement marked `prepareOnPostgres`, with the name it is prepared under. */
const postgresNames = new Map<string, string>();

/**
 * The name to prepare this SQL text under on PostgreSQL, when it is a precompiled statement marked
 * `prepareOnPostgres`; undefined for anything else. The pool's query wrapper (storage/postgres-pool.ts)
 * asks for every query, so a statement Kysely runs with its text and values needs no other path. The text
 * is the one compiled once here, so the look-up hashes a string whose hash V8 has already cached.
 */
export function postgresStatementName(sql: string): string | undefined {
  return postgresNames.get(sql);
}

interface Template<Row> {
  query: CompiledQuery<Row>;
  /** For each of the compiled query's parameters: the argument it takes, or undefined for a constant. */
  slots: (string | undefined)[];
}

/**
 * The placeholder value of each argument while the statement is built: a string or a number no real
 * argument takes, so that it can be found among the compiled parameters. Numbers are odd and above 2^52,
 * far beyond any epoch millisecond or count.
 */
function sentinels<S extends Shape>(shape: S): ArgsOf<S> {
  const values: Record<string, string | number> = {};
  for (const [i, [name, kind]] of Object.entries(shape).entries())
    values[name] = kind === 'number' ? 2 ** 52 + 2 * i + 1 : `\u0000precompiled:${name}`;
  return values as ArgsOf<S>;
}

/**
 * The one way Gatehouse prebuilds its hot SQL: a statement built and compiled by Kysely once per dialect,
 * then run with fresh parameters. Building and compiling a query costs the event loop more than SQLite
 * takes to run it (25 µs for a small upsert, 130 for the lockout upsert with its CASE, ~100 for the refresh
 * rotation's consume, docs/performance.md); a password sign-in runs about ten. The SQL text is the same on
 * every run, so SQLite's prepared-statement cache and PostgreSQL's plan see one statement.
 *
 * `build` must use each argument as a value (no arithmetic on it in JavaScript: SQL arithmetic is fine), so
 * every argument lands in the compiled parameters, which the first run checks; an argument may appear more
 * than once. Constants stay as compiled, so a statement whose shape depends on configuration needs one
 * `precompiled` per configuration, and one whose SQL differs by dialect one per dialect.
 */
export function precompiled<S extends Shape, Row>(
  shape: S,
  build: (db: Kysely<Database>, args: ArgsOf<S>) => Buildable<Row>,
  options: PrecompiledOptions = {},
): Precompiled<S, Row> {
  // The SQL depends on the dialect only; a transaction shares its database's adapter class.
  const templates = new Map<unknown, Template<Row>>();
  const template = (db: Kysely<Database>): Template<Row> => {
    const dialect = db.getExecutor().adapter.constructor;
    let found = templates.get(dialect);
    if (!found) {
      const placeholders = sentinels(shape);
      const byValue = new Map<unknown, string>(Object.entries(placeholders).map(([k, v]) => [v, k]));
      const query = build(db, placeholders).compile(db);
      const slots = query.parameters.map((value) => byValue.get(value));
      const missing = Object.keys(shape).filter((name) => !slots.includes(name));
      if (missing.length > 0) throw new Error(`precompiled statement does not bind ${missing.join(', ')}`);
      found = { query, slots };
      templates.set(dialect, found);
      if (options.prepareOnPostgres && onPostgres(db))
        postgresNames.set(query.sql, postgresNames.get(query.sql) ?? `gatehouse_${postgresNames.size + 1}`);
    }
    return found;
  };
  const bind = (db: Kysely<Database>, args: ArgsOf<S>): CompiledQuery<Row> => {
    const { query, slots } = template(db);
    const values = args as Record<string, unknown>;
    const parameters = slots.map((slot, i) => (slot === undefined ? query.parameters[i] : values[slot]));
    return { ...query, parameters };
  };
  const run = (db: Kysely<Database>, args: ArgsOf<S>) => db.executeQuery<Row>(bind(db, args));
  return Object.assign(run, { bind });
}
