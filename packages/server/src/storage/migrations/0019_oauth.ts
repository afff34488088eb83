import type { Kysely } from 'kysely';

/**
 * The algorithm a client's ID tokens are signed with (OpenID Connect Dynamic Client Registration's
 * `id_token_signed_response_alg`): NULL means RS256, the default every relying party supports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oauth_clients').addColumn('id_token_alg', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oauth_clients').dropColumn('id_token_alg').execute();
}
