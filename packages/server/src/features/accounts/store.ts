import type { Kysely, Selectable } from 'kysely';
import type { Database, UserTable } from '../../storage/schema.js';

export type UserRow = Selectable<UserTable>;

export interface NewUser {
  id: string;
  email: string;
  username: string;
  passwordHash: string | null;
  firstName: string;
  lastName: string;
  roles: string[];
  now: number;
}

export type ProfileChanges = Partial<{
  username: string;
  firstName: string;
  lastName: string;
  metadata: string;
}>;

/** SQL for the users table. */
export class AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Sign-in accepts the email or the username (the Qelos wire sends `username`, usually an email). */
  findByLogin(login: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb('email', '=', login), eb('username', '=', login)]))
      .executeTakeFirst();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  async insert(user: NewUser): Promise<UserRow> {
    return this.db
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        username: user.username,
        password_hash: user.passwordHash,
        first_name: user.firstName,
        last_name: user.lastName,
        roles: JSON.stringify(user.roles),
        metadata: '{}',
        last_workspace_id: null,
        created_at: user.now,
        updated_at: user.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async updateProfile(id: string, changes: ProfileChanges, now: number): Promise<UserRow | undefined> {
    return this.db
      .updateTable('users')
      .set({
        ...(changes.username !== undefined && { username: changes.username }),
        ...(changes.firstName !== undefined && { first_name: changes.firstName }),
        ...(changes.lastName !== undefined && { last_name: changes.lastName }),
        ...(changes.metadata !== undefined && { metadata: changes.metadata }),
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async setPasswordHash(id: string, passwordHash: string, now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async setRoles(id: string, roles: string[], now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ roles: JSON.stringify(roles), updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async setLastWorkspace(id: string, workspaceId: string | null): Promise<void> {
    await this.db.updateTable('users').set({ last_workspace_id: workspaceId }).where('id', '=', id).execute();
  }

  async countAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('roles', 'like', '%"admin"%')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
