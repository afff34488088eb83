import type { Kysely, Selectable } from 'kysely';
import type { Database, OAuthClientTable } from '../../../storage/schema.js';

export type ClientRow = Selectable<OAuthClientTable>;

/** SQL for registered OAuth clients. */
export class ClientStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ClientRow): Promise<void> {
    await this.db.insertInto('oauth_clients').values(row).execute();
  }

  find(id: string): Promise<ClientRow | undefined> {
    return this.db.selectFrom('oauth_clients').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(): Promise<ClientRow[]> {
    return this.db.selectFrom('oauth_clients').selectAll().orderBy('created_at', 'asc').execute();
  }

  async update(id: string, changes: Partial<ClientRow>): Promise<ClientRow | undefined> {
    return this.db
      .updateTable('oauth_clients')
      .set(changes)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Deletes the client; its codes, consents and pending interactions go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('oauth_clients').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
