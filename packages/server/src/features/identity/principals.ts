import type { AppContext } from '../../context.js';
import type { ActiveWorkspace } from '../../http/auth-context.js';
import { AppError } from '../../lib/errors.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { MembershipStore } from './membership-store.js';
import { type UserRow, UserStore } from './user-store.js';

export const accountDisabled = () =>
  new AppError(401, 'ACCOUNT_DISABLED', 'This account is disabled; contact an administrator');

export interface Principal {
  user: UserRow;
  /** The membership in the requested workspace, or null when there is none (left, removed, or none asked). */
  workspace: ActiveWorkspace | null;
}

/** Publish these through the invalidation bus whenever a user's roles or memberships change. */
export const userTag = (userId: string) => `user:${userId}`;
export const workspaceTag = (workspaceId: string) => `workspace:${workspaceId}`;

const principalKey = (userId: string, workspaceId: string | null) => `${userId}|${workspaceId ?? ''}`;

/**
 * The user and their role in the active workspace, as every authenticated request needs them. Cached so
 * a request costs no database round trip; any change to the user or the workspace is published on the
 * bus and drops the entry on every instance, so a role change applies on the very next request.
 */
export class PrincipalLoader {
  readonly #cache: TtlCache<Principal | null>;
  readonly #users: UserStore;
  readonly #memberships: MembershipStore;

  constructor(ctx: AppContext) {
    this.#users = new UserStore(ctx.storage.db);
    this.#memberships = new MembershipStore(ctx.storage.db);
    this.#cache = new TtlCache<Principal | null>(30_000, 10_000, ctx.now).follow(ctx.bus);
    ctx.metrics.watchCache('principals', this.#cache);
  }

  /**
   * The principal, or null when the user no longer exists. A disabled account throws 401 ACCOUNT_DISABLED:
   * every credential (cookie, bearer, API token) goes through here, so disabling (published on the bus)
   * stops all of them on the next request, on every instance. On SQLite, a change made from the shell
   * (`gatehouse users disable|delete|set-password`, another process no bus reaches) has already dropped
   * this cache when the request began: the app's request hook looks at the start of
   * every event-loop turn's first request (storage/external-changes.ts), before any credential is read from
   * its cache.
   */
  async load(userId: string, workspaceId: string | null): Promise<Principal | null> {
    const principal = await this.#load(userId, workspaceId);
    if (principal?.user.disabled_at != null) throw accountDisabled();
    return principal;
  }

  /**
   * `load` from the cache alone: the principal, null (no such user), or undefined when it is not cached
   * (then only `load` can tell). Throws ACCOUNT_DISABLED as `load` does.
   */
  cached(userId: string, workspaceId: string | null): Principal | null | undefined {
    const principal = this.#cache.get(principalKey(userId, workspaceId));
    if (principal?.user.disabled_at != null) throw accountDisabled();
    return principal;
  }

  #load(userId: string, workspaceId: string | null): Promise<Principal | null> {
    return this.#cache.read(
      principalKey(userId, workspaceId),
      async () => {
        const user = await this.#users.findById(userId);
        const workspace =
          user && workspaceId
            ? ((await this.#memberships.findMembership(userId, workspaceId)) ?? null)
            : null;
        return user ? { user, workspace } : null;
      },
      () => (workspaceId ? [userTag(userId), workspaceTag(workspaceId)] : [userTag(userId)]),
    );
  }
}
