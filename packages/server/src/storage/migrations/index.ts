import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.js';

/**
 * The one migration set, for SQLite and PostgreSQL alike. Append only: a shipped migration never changes.
 * Names sort in the order they run.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
};
