import { type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Storage } from './database.js';
import { migrations } from './migrations/index.js';

/**
 * Applies every pending migration. On PostgreSQL several instances may run it at once (Kysely takes a
 * lock in the database). A SQLite file belongs to one process: run `gatehouse migrate` before starting a
 * second process on the same file, never two at once.
 */
export async function migrateToLatest(storage: Storage): Promise<MigrationResultSet> {
  // Kysely looks for its bookkeeping tables in every schema it can see; pin them to the schema this
  // connection writes to (search_path), or a second Gatehouse in another schema of the same database would
  // believe they already exist.
  const schema =
    storage.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(storage.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: storage.db,
    provider: { getMigrations: async () => migrations },
    ...(schema && { migrationTableSchema: schema }),
    // Features land in parallel and reserve their migration names ahead (0005…0011), so a database may
    // already hold a later-numbered migration when an earlier-numbered one ships. Each migration touches
    // only its own tables and columns, so running a late-shipped one after a higher number is safe.
    allowUnorderedMigrations: true,
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
