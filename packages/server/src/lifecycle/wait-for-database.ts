import type { FastifyBaseLogger } from 'fastify';
import type { DatabaseConfig } from '../config/load.js';
import type { Storage } from '../storage/database.js';

/** Where the database is, for log lines and errors: host, port and database name, never the credentials. */
export function describeDatabaseTarget(config: DatabaseConfig): string {
  if (config.kind === 'sqlite') return config.path;
  const url = new URL(config.url);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/**
 * Start-up waits for the database with back-off (orchestrators start the database and Gatehouse together),
 * logging what it waits for, and gives up after GATEHOUSE_DATABASE_WAIT seconds with an error that names
 * the variables to check.
 */
export async function waitForDatabase(
  storage: Storage,
  config: DatabaseConfig,
  waitSeconds: number,
  log: FastifyBaseLogger,
): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  let delay = 250;
  for (;;) {
    try {
      await storage.ping();
      return;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `the database at ${describeDatabaseTarget(config)} did not answer within ${waitSeconds} s (GATEHOUSE_DATABASE_WAIT): ${reason}. Check GATEHOUSE_DATABASE_URL`,
        );
      delay = Math.min(delay, left);
      log.warn(
        { database: describeDatabaseTarget(config), reason, retryInMs: delay, givesUpInMs: left },
        'waiting for the database (GATEHOUSE_DATABASE_URL)',
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
