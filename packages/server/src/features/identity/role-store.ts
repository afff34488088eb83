import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../../storage/database.js';
import type { CustomRoleTable, Database } from '../../storage/schema.js';

export type RoleKind = CustomRoleTable['kind'];
export type CustomRoleRow = Selectable<CustomRoleTable>;

/** SQL for the custom roles an admin defines. Built-in roles are not stored (see roles.ts). */
export class RoleStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  list(kind: RoleKind): Promise<CustomRoleRow[]> {
    return this.db
      .selectFrom('custom_roles')
      .selectAll()
      .where('kind', '=', kind)
      .orderBy('name', 'asc')
      .execute();
  }

  async insert(row: CustomRoleRow): Promise<void> {
    await this.db.insertInto('custom_roles').values(row).execute();
  }

  /** Returns false when there was no such role. */
  async delete(kind: RoleKind, name: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('custom_roles')
      .where('kind', '=', kind)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * The names among `names` that are defined. Inside a transaction on PostgreSQL the rows are share-locked,
   * so a concurrent delete of one of them waits until the assignment is committed (and then sees it).
   */
  async existing(kind: RoleKind, names: readonly string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('custom_roles')
      .select('name')
      .where('kind', '=', kind)
      .where('name', 'in', names)
      .$if(this.dialect === 'postgres', (q) => q.forShare())
      .execute();
    return new Set(rows.map((row) => row.name));
  }
}
