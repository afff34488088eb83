import type { Kysely } from 'kysely';

/**
 * The OAuth 2.0 / OpenID Connect authorization server (issue 11): registered clients, pending
 * authorization requests (the login and consent steps), authorization codes, remembered consents, and
 * revoked client-credentials access tokens. OAuth refresh tokens live in the existing token families
 * (same rotation and reuse detection as /api/token/refresh), which gain the client, scope and audience.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oauth_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    // SHA-256 of the 256-bit secret: a fast hash suits a high-entropy secret. NULL for a public client.
    .addColumn('secret_hash', 'text')
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('application_type', 'text', (c) => c.notNull())
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('grant_types', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('resources', 'text', (c) => c.notNull())
    .addColumn('trusted', 'integer', (c) => c.notNull())
    .addColumn('access_token_ttl', 'integer')
    .addColumn('refresh_token_ttl', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('secret_rotated_at', 'bigint')
    .execute();

  await db.schema
    .createTable('oauth_interactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // SHA-256 of the secret in the browser's interaction cookie: the step only continues in that browser.
    .addColumn('browser_hash', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('auth_time', 'bigint')
    .addColumn('amr', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();

  await db.schema
    .createTable('oauth_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('resource', 'text')
    .addColumn('nonce', 'text')
    .addColumn('code_challenge', 'text')
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('amr', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    // The token family the code was exchanged for: a replayed code revokes it (RFC 6749 §4.1.2).
    .addColumn('family_id', 'text')
    .execute();

  await db.schema
    .createTable('oauth_consents')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('oauth_consents_pk', ['user_id', 'client_id'])
    .execute();

  await db.schema
    .createTable('oauth_revoked_tokens')
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  // OAuth grants are token families with a client: NULL client_id is a first-party sign-in.
  await db.schema.alterTable('token_families').addColumn('client_id', 'text').execute();
  await db.schema.alterTable('token_families').addColumn('scope', 'text').execute();
  await db.schema.alterTable('token_families').addColumn('resource', 'text').execute();
  await db.schema.alterTable('token_families').addColumn('auth_time', 'bigint').execute();
  await db.schema.alterTable('token_families').addColumn('amr', 'text').execute();
  await db.schema
    .createIndex('token_families_client')
    .on('token_families')
    .columns(['client_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('token_families_client').ifExists().execute();
  for (const column of ['amr', 'auth_time', 'resource', 'scope', 'client_id'])
    await db.schema.alterTable('token_families').dropColumn(column).execute();
  for (const table of [
    'oauth_revoked_tokens',
    'oauth_consents',
    'oauth_codes',
    'oauth_interactions',
    'oauth_clients',
  ])
    await db.schema.dropTable(table).ifExists().execute();
}
