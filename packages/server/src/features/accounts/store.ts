import type { Kysely, Selectable } from 'kysely';
import type { Database, UserTable } from '../../storage/schema.js';
import { inTransaction } from '../../storage/transaction.js';
import { AccountLinkStore } from './link-store.js';

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
  /** Set when the address is already proven (the first admin, an admin's `users create`). */
  emailVerified?: boolean;
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
        email_verified_at: user.emailVerified ? user.now : null,
        disabled_at: null,
        second_factor_at: null,
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

  /**
   * A new password chosen by its owner or set by an admin: pending reset links die with the old one, in the
   * same statement batch (issue 13: a reset link is invalidated by any later password change).
   */
  async replacePassword(id: string, passwordHash: string, now: number): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: now })
        .where('id', '=', id)
        .execute();
      await new AccountLinkStore(trx).deletePending(id, ['password_reset', 'invitation']);
    });
  }

  async markEmailVerified(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ email_verified_at: now })
      .where('id', '=', id)
      .where('email_verified_at', 'is', null)
      .execute();
  }

  /** Disables (a time) or enables (null) the account; returns the row, or undefined when there is none. */
  setDisabled(id: string, disabledAt: number | null, now: number): Promise<UserRow | undefined> {
    return this.db
      .updateTable('users')
      .set({ disabled_at: disabledAt, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
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
