import type { Config } from '../config/load.js';
import { openStorage } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrate.js';

/** `gatehouse migrate`: applies pending migrations and exits. */
export async function migrate(config: Config): Promise<void> {
  const storage = openStorage(config.database);
  try {
    const { results = [] } = await migrateToLatest(storage);
    for (const r of results)
      process.stdout.write(`${r.status === 'Success' ? 'applied' : r.status} ${r.migrationName}\n`);
    if (results.length === 0) process.stdout.write('database is up to date\n');
  } finally {
    await storage.close();
  }
}
