import { type Kysely, PostgresAdapter } from 'kysely';

/** Whether `db` (a Kysely instance or one of its transactions) talks to PostgreSQL rather than SQLite. */
export function onPostgres(db: Pick<Kysely<unknown>, 'getExecutor'>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
