import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';

/** SQL for JSON documents in the `settings` table, one row per key. */
export class SettingsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async read(key: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  async write(key: string, value: unknown, now: number): Promise<void> {
    const json = JSON.stringify(value);
    await this.db
      .insertInto('settings')
      .values({ key, value: json, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now }))
      .execute();
  }
}
