import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, UserTable } from '../../storage/schema.js';
import { identifierKey } from './identifiers.js';

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

  /**
   * The account an identifier key names, e-mail or username alike (the Qelos wire sends `username`, usually
   * an email). The identifier is the primary key of one shared table, so there is never a second match.
   */
  findByLogin(key: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('login_identifiers as li')
      .innerJoin('users', 'users.id', 'li.user_id')
      .selectAll('users')
      .where('li.identifier', '=', key)
      .executeTakeFirst();
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  /** The user and its sign-in identifiers, together: a clash on either is a unique violation, nothing is kept. */
  async insert(user: NewUser): Promise<UserRow> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.#insertUser(trx, user);
      await trx
        .insertInto('login_identifiers')
        .values({ identifier: identifierKey(row.email), user_id: row.id, kind: 'email' })
        .execute();
      await this.#registerUsername(trx, row);
      return row;
    });
  }

  #insertUser(trx: Transaction<Database>, user: NewUser): Promise<UserRow> {
    return trx
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

  /** The username's identifier; none when it is the account's own e-mail (that identifier exists already). */
  async #registerUsername(trx: Transaction<Database>, row: UserRow): Promise<void> {
    const key = identifierKey(row.username);
    if (key === identifierKey(row.email)) return;
    await trx
      .insertInto('login_identifiers')
      .values({ identifier: key, user_id: row.id, kind: 'username' })
      .execute();
  }

  /** A new username replaces the old one's identifier in the same transaction; a taken one is a unique violation. */
  async updateProfile(id: string, changes: ProfileChanges, now: number): Promise<UserRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
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
      if (!row || changes.username === undefined) return row;
      await trx
        .deleteFrom('login_identifiers')
        .where('user_id', '=', id)
        .where('kind', '=', 'username')
        .execute();
      await this.#registerUsername(trx, row);
      return row;
    });
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
