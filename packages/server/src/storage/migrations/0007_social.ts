import type { Kysely } from 'kysely';

/**
 * Social login and the rest of the Qelos wire (issue 10): the profile fields `@qelos/sdk` sends at sign-up
 * (`phone`, `birthDate`) on the user; the providers an admin configured (client secret sealed with the master key),
 * the upstream `state` of each login in flight (single use, bound to the browser by a cookie), the one-time `rt` codes handed back to the application (SHA-256 only, 60 s), and the identities linked to accounts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('phone', 'text').execute();
  // A calendar date as `YYYY-MM-DD` (text: no time zone can move it to the day before).
  await db.schema.alterTable('users').addColumn('birth_date', 'text').execute();

  await db.schema
    .createTable('social_providers')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret_sealed', 'text')
    .addColumn('issuer', 'text')
    .addColumn('authorization_endpoint', 'text')
    .addColumn('token_endpoint', 'text')
    .addColumn('userinfo_endpoint', 'text')
    .addColumn('scopes', 'text')
    .addColumn('return_origins', 'text', (c) => c.notNull())
    .addColumn('auto_register', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('social_states')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('code_verifier_sealed', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('return_url', 'text', (c) => c.notNull())
    .addColumn('app_state', 'text')
    .addColumn('link_user_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema.createIndex('social_states_expiry').on('social_states').column('expires_at').execute();

  await db.schema
    .createTable('social_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema.createIndex('social_codes_expiry').on('social_codes').column('expires_at').execute();

  await db.schema
    .createTable('social_identities')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addPrimaryKeyConstraint('social_identities_pk', ['provider', 'subject'])
    .execute();
  await db.schema.createIndex('social_identities_user').on('social_identities').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['social_identities', 'social_codes', 'social_states', 'social_providers'])
    await db.schema.dropTable(table).ifExists().execute();
  for (const column of ['birth_date', 'phone'])
    await db.schema.alterTable('users').dropColumn(column).execute();
}
