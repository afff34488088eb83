import type { Kysely, Selectable } from 'kysely';
import type { Database, UserTable } from '../../storage/schema.js';

export type UserRow = Selectable<UserTable>;

/**
 * The users table as every feature reads it: an account by id or by address, and the workspace a sign-in
 * starts in. What only the accounts feature writes (sign-up, profile, password) is in accounts/store.ts.
 */
export class UserStore {
  constructor(protected readonly db: Kysely<Database>) {}

  findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  /** The workspace the next sign-in starts in (accounts/service.ts resolveWorkspace). */
  async setLastWorkspace(id: string, workspaceId: string | null): Promise<void> {
    await this.db.updateTable('users').set({ last_workspace_id: workspaceId }).where('id', '=', id).execute();
  }
}
