import type { Kysely } from 'kysely';

/**
 * API-token rotation with a transition period, and expiry notices (issue 18). A rotated token keeps
 * working until `rotation_ends_at`; `replaced_by` links it to its successor and, being set once by one
 * conditional UPDATE, makes concurrent rotations yield one successor. `expiry_notices` counts the notices
 * sent (0, 1 at 7 days, 2 at 1 day): each is claimed by one conditional UPDATE, so one instance sends it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_tokens').addColumn('replaced_by', 'text').execute();
  await db.schema.alterTable('api_tokens').addColumn('rotation_ends_at', 'bigint').execute();
  await db.schema
    .alterTable('api_tokens')
    .addColumn('expiry_notices', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('api_tokens_expiry').on('api_tokens').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_tokens_expiry').ifExists().execute();
  for (const column of ['expiry_notices', 'rotation_ends_at', 'replaced_by'])
    await db.schema.alterTable('api_tokens').dropColumn(column).execute();
}
