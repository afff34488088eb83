import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { UserRow } from './user-store.js';

export interface UserQuery {
  /** Matches anywhere in the email or the username, case-insensitively. */
  search?: string | undefined;
  limit: number;
  offset: number;
}

/** `%` and `_` in a search are literal characters, not wildcards. */
const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `"role"` inside the JSON roles list; may over-match on `_` (a LIKE wildcard), so callers re-check. */
const holding = (role: string) => `%${JSON.stringify(role)}%`;

/** SQL for users' global roles (and the admin user list). Role changes run in a transaction; see lockAdmins. */
export class GlobalRoleStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  listUsers(query: UserQuery): Promise<UserRow[]> {
    let select = this.db.selectFrom('users').selectAll();
    if (query.search) {
      const pattern = likePattern(query.search);
      select = select.where(
        sql<boolean>`(email like ${pattern} escape '\\' or lower(username) like ${pattern} escape '\\')`,
      );
    }
    return select
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
  }

  findById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Serialises global role changes on PostgreSQL until the transaction ends (a transaction-level advisory
   * lock), so an assignment and a role deletion never lock users' rows in opposite orders (deadlock).
   */
  async serialiseRoleChanges(): Promise<void> {
    if (this.dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(hashtext('gatehouse.global_roles'))`.execute(this.db);
  }

  /**
   * The global admins' ids, locked until the transaction ends (PostgreSQL; SQLite serialises write
   * transactions). Two admins demoting each other at once then cannot both pass the last-admin check:
   * the second waits, and re-reads the rows the first changed.
   */
  async lockAdmins(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'roles'])
      .where('roles', 'like', holding('admin'))
      .orderBy('id', 'asc')
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .execute();
    return rows.filter((row) => (JSON.parse(row.roles) as string[]).includes('admin')).map((row) => row.id);
  }

  /** Users holding a role (for stripping a deleted custom role), locked until the transaction ends. */
  async lockHolders(role: string): Promise<Array<{ id: string; roles: string[] }>> {
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'roles'])
      .where('roles', 'like', holding(role))
      .orderBy('id', 'asc')
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .execute();
    return rows
      .map((row) => ({ id: row.id, roles: JSON.parse(row.roles) as string[] }))
      .filter((row) => row.roles.includes(role));
  }

  async setRoles(id: string, roles: readonly string[], now: number): Promise<UserRow | undefined> {
    return this.db
      .updateTable('users')
      .set({ roles: JSON.stringify(roles), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }
}
