import type { Kysely } from 'kysely';

/**
 * A sign-in waiting for its second factor remembers how its first step authenticated (RFC 8176 `amr`:
 * `pwd` for a password, `fed` for a social login), so the ID token of an OAuth authorization that a social
 * login and a TOTP code completed says both. Null for a challenge from before (a password, as then).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sign_in_challenges').addColumn('amr', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sign_in_challenges').dropColumn('amr').execute();
}
