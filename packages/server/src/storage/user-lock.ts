import { type Kysely, sql } from 'kysely';
import { onPostgres } from './on-postgres.js';
import type { Database } from './schema.js';

/** Advisory-lock namespace (the first of the two int4 keys) for per-user state: "caps". */
const PER_USER_STATE = 0x6361_7073;

/**
 * Serialises, until the transaction ends, every transaction that adds to one user's capped state (cookie
 * sessions, token families). Each such transaction inserts, then evicts whatever is past the cap; under READ
 * COMMITTED two concurrent ones would not see each other's insert and would both evict the same oldest row,
 * leaving the account over its cap by the size of the burst. On PostgreSQL a transaction-scoped advisory
 * lock keyed by the user makes them take turns, on every instance; SQLite runs one transaction at a time.
 */
export async function lockUserState(trx: Kysely<Database>, userId: string): Promise<void> {
  if (!onPostgres(trx)) return;
  await sql`SELECT pg_advisory_xact_lock(${PER_USER_STATE}, hashtext(${userId}))`.execute(trx);
}
