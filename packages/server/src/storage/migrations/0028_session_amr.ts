import type { Kysely } from 'kysely';

/**
 * A cookie session remembers how it began (RFC 8176 `amr`, a JSON array: `["pwd"]` for a password,
 * `["fed"]` for a social login, plus `otp` and `mfa` after a second factor), so an OAuth authorization
 * that reuses it reports what really happened instead of guessing from the account. Null for a session
 * from before, which keeps the guess.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('amr', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('amr').execute();
}
