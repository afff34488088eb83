import { type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Storage } from './database.js';
import { migrations } from './migrations/index.js';

/**
 * Applies every pending migration. On PostgreSQL several instances may run it at once (Kysely takes a
 * lock in the database). A SQLite file belongs to one process: run `gatehouse migrate` before starting a
 * second process on the same file, never two at once.
 */
export async function migrateToLatest(storage: Storage): Promise<MigrationResultSet> {
  const result = await (await migrator(storage)).migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

/** Names of the migrations this database has not had yet (all of them on an empty one). Writes nothing. */
export async function pendingMigrations(storage: Storage): Promise<string[]> {
  const all = await (await migrator(storage)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

async function migrator(storage: Storage): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables in every schema it can see; pin them to the schema this
  // connection writes to (search_path), or a second Gatehouse in another schema of the same database would
  // believe they already exist.
  const schema =
    storage.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(storage.db)).rows[0]?.schema
      : undefined;
  return new Migrator({
    db: storage.db,
    provider: { getMigrations: async () => migrations },
    ...(schema && { migrationTableSchema: schema }),
    // Features land in parallel and reserve their migration names ahead (0005…0011), so a database may
    // already hold a later-numbered migration when an earlier-numbered one ships. Each migration touches
    // only its own tables and columns, so running a late-shipped one after a higher number is safe.
    allowUnorderedMigrations: true,
  });
}
