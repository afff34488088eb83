import type { Kysely, Selectable } from 'kysely';
import type { Database, SocialProviderTable } from '../../storage/schema.js';

export type ProviderRow = Selectable<SocialProviderTable>;

/** SQL for the configured social providers. */
export class ProviderStore {
  constructor(private readonly db: Kysely<Database>) {}

  list(): Promise<ProviderRow[]> {
    return this.db.selectFrom('social_providers').selectAll().orderBy('name').execute();
  }

  find(name: string): Promise<ProviderRow | undefined> {
    return this.db.selectFrom('social_providers').selectAll().where('name', '=', name).executeTakeFirst();
  }

  /** Insert or replace one provider's row (the service merges the changes into the stored row first). */
  async save(row: ProviderRow): Promise<void> {
    const { name, created_at: _created, ...changes } = row;
    await this.db
      .insertInto('social_providers')
      .values(row)
      .onConflict((oc) => oc.column('name').doUpdateSet(changes))
      .execute();
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('social_providers').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
