import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs `work` in a transaction, or in the caller's when `db` already is one: a store method can then be
 * used alone or as one step of a larger all-or-nothing change (a password reset ends every sign-in in the
 * same transaction that stores the new password).
 */
export function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
