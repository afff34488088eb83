import type { AppContext } from '../../context.js';
import { AppError, conflict } from '../../lib/errors.js';
import { isUniqueViolation } from '../../storage/database.js';
import { GlobalRoleStore, type UserQuery } from '../identity/global-role-store.js';
import { MemberStore } from '../identity/member-store.js';
import { userTag } from '../identity/principals.js';
import { assertRolesDefined, builtInRoles, type RoleView, roleViews } from '../identity/role-catalog.js';
import { type RoleKind, RoleStore } from '../identity/role-store.js';
import { GLOBAL_ADMIN } from '../identity/roles.js';
import type { UserRow } from '../identity/user-store.js';

const userNotFound = () => new AppError(404, 'USER_NOT_FOUND', 'User not found');
const roleNotFound = () => new AppError(404, 'ROLE_NOT_FOUND', 'No custom role with this name');

/** User and role administration (global admins only; the routes refuse API tokens). */
export class AdminService {
  readonly #store: GlobalRoleStore;
  readonly #roles: RoleStore;

  constructor(private readonly ctx: AppContext) {
    this.#store = new GlobalRoleStore(ctx.storage.db, ctx.storage.dialect);
    this.#roles = new RoleStore(ctx.storage.db, ctx.storage.dialect);
  }

  listUsers(query: UserQuery): Promise<UserRow[]> {
    return this.#store.listUsers(query);
  }

  /**
   * Replaces a user's global roles. The deployment always keeps one admin: removing the role from the
   * last one is refused (409 LAST_ADMIN), checked under lock so two admins demoting each other at once
   * cannot both succeed. Cached principals drop on every instance, so it applies on the next request.
   */
  async setUserRoles(userId: string, requested: readonly string[]): Promise<UserRow> {
    const roles = [...new Set(requested)];
    const { dialect } = this.ctx.storage;
    const row = await this.ctx.storage.db.transaction().execute(async (trx) => {
      const store = new GlobalRoleStore(trx, dialect);
      await store.serialiseRoleChanges();
      const admins = await store.lockAdmins();
      const user = await store.findById(userId);
      if (!user) throw userNotFound();
      await assertRolesDefined(new RoleStore(trx, dialect), 'global', roles, 'roles');
      if (admins.includes(userId) && !roles.includes(GLOBAL_ADMIN) && admins.length <= 1) {
        throw conflict(
          'The deployment must keep at least one admin: make someone else admin first',
          'LAST_ADMIN',
        );
      }
      return store.setRoles(userId, roles, this.ctx.now());
    });
    if (!row) throw userNotFound();
    await this.ctx.bus.publish(userTag(userId));
    return row;
  }

  async listRoles(kind: RoleKind): Promise<RoleView[]> {
    return roleViews(kind, await this.#roles.list(kind));
  }

  async createRole(kind: RoleKind, name: string, description: string): Promise<RoleView> {
    if (builtInRoles(kind).includes(name)) throw roleExists(name);
    const row = { kind, name, description, created_at: this.ctx.now() };
    try {
      await this.#roles.insert(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw roleExists(name);
      throw error;
    }
    return roleViews(kind, [row]).find((view) => view.name === name)!;
  }

  /**
   * Deletes a custom role. A global role is taken away from every user holding it (they are told on their
   * next request); a workspace role still held by a member is refused (409 ROLE_IN_USE), since every
   * member needs a role and picking one for them is not ours to decide.
   */
  async deleteRole(kind: RoleKind, name: string): Promise<void> {
    if (builtInRoles(kind).includes(name)) {
      throw new AppError(400, 'BUILT_IN_ROLE', `"${name}" is a built-in role and cannot be deleted`);
    }
    const { dialect } = this.ctx.storage;
    const stripped = await this.ctx.storage.db.transaction().execute(async (trx) => {
      const admin = new GlobalRoleStore(trx, dialect);
      if (kind === 'global') await admin.serialiseRoleChanges();
      if (!(await new RoleStore(trx, dialect).delete(kind, name))) throw roleNotFound();
      if (kind === 'workspace') {
        if (await new MemberStore(trx, dialect).roleInUse(name))
          throw conflict('Members still hold this role; give them another role first', 'ROLE_IN_USE');
        return [];
      }
      const holders = await admin.lockHolders(name);
      for (const holder of holders) {
        await admin.setRoles(
          holder.id,
          holder.roles.filter((role) => role !== name),
          this.ctx.now(),
        );
      }
      return holders.map((holder) => holder.id);
    });
    for (const userId of stripped) await this.ctx.bus.publish(userTag(userId));
  }
}

const roleExists = (name: string) => conflict(`A role named "${name}" already exists`, 'ROLE_EXISTS');
