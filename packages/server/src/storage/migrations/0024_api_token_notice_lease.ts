import type { Kysely } from 'kysely';

/**
 * A failed API-token expiry notice is retried (issue 18). Before, the sweep recorded a notice as sent when
 * it claimed it, so a send that failed was lost. Now an instance takes a lease on the token's next notice
 * (`expiry_notice_lease`: until when), records the notice once the mail server accepted it, and gives the
 * lease back when the send fails, so the next sweep on any instance tries again. While a lease runs no
 * other instance claims that notice; a lease left by an instance that died runs out and the notice is
 * claimed again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_tokens').addColumn('expiry_notice_lease', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_tokens').dropColumn('expiry_notice_lease').execute();
}
