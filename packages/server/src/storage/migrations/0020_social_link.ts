import type { Kysely } from 'kysely';

/**
 * Linking a social identity from the profile (issue 10, item 4): a login started by the explicit "link"
 * call (`POST /api/me/social-identities/:provider`) comes back with `?linked=<provider>` instead of a
 * one-time sign-in code. Logins in flight at the upgrade are plain logins, as they were started.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('social_states')
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo('login'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('social_states').dropColumn('purpose').execute();
}
