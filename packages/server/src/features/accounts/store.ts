import type { Kysely } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { Database } from '../../storage/schema.js';
import { inTransaction } from '../../storage/transaction.js';
import { identifierKey } from '../identity/identifiers.js';
import { type UserRow, UserStore } from '../identity/user-store.js';
import { AccountLinkStore } from './link-store.js';

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
  phone?: string | null | undefined;
  birthDate?: string | null | undefined;
}

export type ProfileChanges = Partial<{
  username: string;
  firstName: string;
  lastName: string;
  metadata: string;
  phone: string | null;
  birthDate: string | null;
}>;

/** SQL for the users table: what the accounts feature writes, on top of the reads every feature shares. */
export class AccountStore extends UserStore {
  /**
   * The account an identifier key names, e-mail or username alike (the Qelos wire sends `username`, usually
   * an email). The identifier is the primary key of one shared table, so there is never a second match.
   */
  async findByLogin(key: string): Promise<UserRow | undefined> {
    return (await FIND_BY_LOGIN(this.db, { key })).rows[0];
  }

  /** The user and its sign-in identifiers, together: a clash on either is a unique violation, nothing is kept. */
  async insert(user: NewUser): Promise<UserRow> {
    return inTransaction(this.db, async (trx) => {
      const row = await this.#insertUser(trx, user);
      await trx
        .insertInto('login_identifiers')
        .values({ identifier: identifierKey(row.email), user_id: row.id, kind: 'email' })
        .execute();
      await this.#registerUsername(trx, row);
      return row;
    });
  }

  #insertUser(trx: Kysely<Database>, user: NewUser): Promise<UserRow> {
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
        email_verified_at: user.emailVerified ? user.now : null,
        disabled_at: null,
        second_factor_at: null,
        phone: user.phone ?? null,
        birth_date: user.birthDate ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** The username's identifier; none when it is the account's own e-mail (that identifier exists already). */
  async #registerUsername(trx: Kysely<Database>, row: UserRow): Promise<void> {
    const key = identifierKey(row.username);
    if (key === identifierKey(row.email)) return;
    await trx
      .insertInto('login_identifiers')
      .values({ identifier: key, user_id: row.id, kind: 'username' })
      .execute();
  }

  /** A new username replaces the old one's identifier in the same transaction; a taken one is a unique violation. */
  async updateProfile(id: string, changes: ProfileChanges, now: number): Promise<UserRow | undefined> {
    return inTransaction(this.db, async (trx) => {
      const row = await trx
        .updateTable('users')
        .set({
          ...(changes.username !== undefined && { username: changes.username }),
          ...(changes.firstName !== undefined && { first_name: changes.firstName }),
          ...(changes.lastName !== undefined && { last_name: changes.lastName }),
          ...(changes.metadata !== undefined && { metadata: changes.metadata }),
          ...(changes.phone !== undefined && { phone: changes.phone }),
          ...(changes.birthDate !== undefined && { birth_date: changes.birthDate }),
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

  /**
   * A confirmed e-mail change: the address and its sign-in identifier move together, and a username that
   * was the old address follows it (it would otherwise be an address that is not the account's own). An
   * identifier another account holds makes it a unique violation, and nothing changes.
   */
  async confirmEmailChange(user: UserRow, email: string, now: number): Promise<UserRow> {
    return inTransaction(this.db, async (trx) => {
      const followsEmail = identifierKey(user.username) === identifierKey(user.email);
      const row = await trx
        .updateTable('users')
        .set({
          email,
          ...(followsEmail && { username: email }),
          email_verified_at: now,
          updated_at: now,
        })
        .where('id', '=', user.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx.deleteFrom('login_identifiers').where('user_id', '=', user.id).execute();
      await trx
        .insertInto('login_identifiers')
        .values({ identifier: identifierKey(email), user_id: user.id, kind: 'email' })
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

  async countAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('roles', 'like', '%"admin"%')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/** Every password sign-in's look-up, compiled once (storage/precompiled.ts). */
export const FIND_BY_LOGIN = precompiled({ key: 'string' }, (db, { key }) =>
  db
    .selectFrom('login_identifiers as li')
    .innerJoin('users', 'users.id', 'li.user_id')
    .selectAll('users')
    .where('li.identifier', '=', key),
);
