import { existsSync } from 'node:fs';
import type { Config } from '../config/load.js';
import type { Storage } from './database.js';
import { pendingMigrations } from './migrate.js';

/** A one-line, password-free name of the configured database, for command output. */
export function describeDatabase(database: Config['database']): string {
  if (database.kind === 'sqlite') return `SQLite ${database.path}`;
  const url = new URL(database.url);
  url.password = '';
  url.search = '';
  return `PostgreSQL ${url.href}`;
}

/** A read-only command must not create the SQLite file it was pointed at by mistake. */
export function assertDatabaseExists(config: Config): void {
  const { database } = config;
  if (database.kind !== 'sqlite' || database.path === ':memory:' || existsSync(database.path)) return;
  // A plain Error: this is a command-line failure (main.ts prints the message), not an HTTP answer.
  throw new Error(
    `there is no database at ${database.path}: start the server once (npm start) or run "gatehouse migrate", ` +
      'or point GATEHOUSE_DATABASE_URL at the database the server uses',
  );
}

/** A read-only command reads the schema as it is: one that is behind is named, not upgraded. */
export async function assertMigrated(storage: Storage, config: Config): Promise<void> {
  const pending = await pendingMigrations(storage);
  if (pending.length === 0) return;
  await storage.close();
  throw new Error(
    `the database (${describeDatabase(config.database)}) lacks migrations ${pending.join(', ')}: run "gatehouse migrate"`,
  );
}
