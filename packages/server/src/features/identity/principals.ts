import type { AppContext } from '../../context.js';
import type { ActiveWorkspace, Authenticator } from '../../http/auth-context.js';
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

/**
 * The user and their role in the active workspace, as every authenticated request needs them. Cached so
 * a request costs no database round trip; any change to the user or the workspace is published on the
 * bus and drops the entry on every instance, so a role change applies on the very next request.
 */
export class PrincipalLoader {
  readonly #cache: TtlCache<Principal | null>;
  readonly #users: UserStore;
  readonly #memberships: MembershipStore;
  #seenExternalChanges: number | undefined;

  constructor(private readonly ctx: AppContext) {
    this.#users = new UserStore(ctx.storage.db);
    this.#memberships = new MembershipStore(ctx.storage.db);
    this.#cache = new TtlCache<Principal | null>(30_000, 10_000, ctx.now).follow(ctx.bus);
    ctx.metrics.watchCache('principals', this.#cache);
    this.#seenExternalChanges = ctx.storage.externalChanges?.();
  }

  /**
   * The principal, or null when the user no longer exists. A disabled account throws 401 ACCOUNT_DISABLED:
   * every credential (cookie, bearer, API token) goes through here, so disabling (published on the bus)
   * stops all of them on the next request, on every instance.
   */
  async load(userId: string, workspaceId: string | null): Promise<Principal | null> {
    const dropping = this.noticeExternalChanges();
    if (dropping) await dropping;
    return this.loadAfterCheck(userId, workspaceId);
  }

  /**
   * load() without looking for changes made from the shell first, for the credential checks, which
   * `checkingExternalChanges` made look at the start of the request, and for GET /api/me right after them:
   * one `PRAGMA data_version` per authenticated request instead of three.
   */
  async loadAfterCheck(userId: string, workspaceId: string | null): Promise<Principal | null> {
    const principal = await this.#load(userId, workspaceId);
    if (principal?.user.disabled_at != null) throw accountDisabled();
    return principal;
  }

  /**
   * SQLite: `gatehouse users disable|delete|set-password` run in another process, which no invalidation
   * bus reaches. When another connection has committed to the file since the last look (`PRAGMA
   * data_version`, one call without I/O), every cache following the bus is dropped, so the principal below
   * (and the sessions, token families and API tokens of later requests) are read afresh: a user disabled
   * or deleted from the shell is refused on the server's next request. PostgreSQL carries such changes
   * over LISTEN/NOTIFY instead (`externalChanges` is undefined there). Authentication looks here BEFORE
   * it reads the credential's own cache (`checkingExternalChanges`): looking only when the principal is
   * loaded came after the session or token family had been read from its cache, so one request with a
   * session ended from the shell (`set-password`) still passed.
   */
  noticeExternalChanges(): Promise<void> | undefined {
    const external = this.ctx.storage.externalChanges?.();
    if (external === this.#seenExternalChanges) return undefined;
    this.#seenExternalChanges = external;
    return this.ctx.bus.publish('*');
  }

  #load(userId: string, workspaceId: string | null): Promise<Principal | null> {
    const tags = [userTag(userId), ...(workspaceId ? [workspaceTag(workspaceId)] : [])];
    return this.#cache.read(
      `${userId}|${workspaceId ?? ''}`,
      async () => {
        const user = await this.#users.findById(userId);
        const workspace =
          user && workspaceId
            ? ((await this.#memberships.findMembership(userId, workspaceId)) ?? null)
            : null;
        return user ? { user, workspace } : null;
      },
      () => tags,
    );
  }
}

/**
 * The authenticators, each noticing changes made from the shell (SQLite) before it reads its credential:
 * a session, token family or API token ended by `gatehouse users …` is refused on the very next request.
 */
export function checkingExternalChanges(
  principals: PrincipalLoader,
  authenticators: readonly Authenticator[],
): Authenticator[] {
  return authenticators.map((authenticator) => ({
    kind: authenticator.kind,
    extract: (request) => authenticator.extract(request),
    verify(credential, request) {
      // Undefined (nothing changed) on almost every request: no extra await on the hot path.
      const dropping = principals.noticeExternalChanges();
      if (!dropping) return authenticator.verify(credential, request);
      return dropping.then(() => authenticator.verify(credential, request));
    },
  }));
}
