import type { AppContext } from '../../context.js';
import type { ActiveWorkspace } from '../../http/auth-context.js';
import { newId, randomSecret, sha256 } from '../../lib/crypto.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import type { WorkspaceChoice } from '../identity/membership-store.js';
import { userTag } from '../identity/principals.js';
import { type SessionRow, SessionStore, type UnplacedSession } from './store.js';

/**
 * Writing last_seen_at on every request would be a database write per request: it is written at most once a
 * minute, and at least four times per idle TTL, so a session in use never idles out between two writes
 * (with GATEHOUSE_SESSION_IDLE_TTL=60, every 15 s).
 */
export function touchInterval(idleTtlMs: number): number {
  return Math.min(60_000, Math.floor(idleTtlMs / 4));
}

/** Past its absolute end, or idle for its whole idle TTL. */
function ended(session: SessionRow, now: number): boolean {
  return now >= session.expires_at || now >= session.last_seen_at + session.idle_ttl_ms;
}

export const sessionTag = (sessionId: string) => `session:${sessionId}`;

/** Live cookie sessions one user may hold; a new sign-in past it ends the oldest (docs/sessions.md). */
export const MAX_SESSIONS_PER_USER = 100;

export interface NewSessionInfo {
  userId: string;
  workspaceId: string | null;
  remember: boolean;
  userAgent: string | undefined;
  ip: string | undefined;
  /**
   * How the person proved who they are (RFC 8176 `amr`): `['pwd']`, `['fed']`, with `otp` and `mfa` after a
   * second factor. Kept with the session for the OAuth authorizations that reuse it (oauth/authorize/flow.ts).
   */
  amr: readonly string[] | undefined;
}

/**
 * Server-side cookie sessions (OWASP session management): the cookie holds 256 random bits, the database
 * only their SHA-256; idle and absolute timeouts; a new id at every sign-in, so fixation is impossible.
 */
export class SessionService {
  readonly #store: SessionStore;
  readonly #cache: TtlCache<SessionRow | null>;

  constructor(private readonly ctx: AppContext) {
    this.#store = new SessionStore(ctx.storage.db, ctx.storage.sqliteWrite);
    this.#cache = new TtlCache<SessionRow | null>(30_000, 10_000, ctx.now).follow(ctx.bus);
    ctx.metrics.watchCache('sessions', this.#cache);
  }

  /** Creates a session; returns the raw cookie value (shown to the browser only) and the stored row. */
  async create(info: NewSessionInfo): Promise<{ token: string; session: SessionRow }> {
    const { token, session } = this.#newSession(info);
    const row = { ...session, workspace_id: info.workspaceId };
    await this.#evicted(await this.#store.insert(row, MAX_SESSIONS_PER_USER));
    return { token, session: row };
  }

  /**
   * A sign-in's session, in the workspace `choice` picks (asked for, else last used, else first), with the
   * right password's lockout budget cleared in the same write when `budget` is given (SessionStore.start).
   * Undefined, with no session, when the workspace asked for is not the user's.
   */
  async start(
    info: Omit<NewSessionInfo, 'workspaceId'>,
    choice: WorkspaceChoice,
    budget: string | null,
  ): Promise<{ token: string; workspace: ActiveWorkspace | null } | undefined> {
    const { token, session } = this.#newSession(info);
    const started = await this.#store.start(session, choice, budget, MAX_SESSIONS_PER_USER);
    if (!started) return undefined;
    await this.#evicted(started.evicted);
    return { token, workspace: started.workspace };
  }

  #newSession(info: Omit<NewSessionInfo, 'workspaceId'>): { token: string; session: UnplacedSession } {
    const { session: ttl } = this.ctx.config;
    const now = this.ctx.now();
    const token = randomSecret();
    const session: UnplacedSession = {
      id: newId(),
      token_hash: sha256(token),
      user_id: info.userId,
      created_at: now,
      last_seen_at: now,
      expires_at: now + (info.remember ? ttl.rememberTtl : ttl.absoluteTtl) * 1000,
      idle_ttl_ms: (info.remember ? ttl.rememberTtl : ttl.idleTtl) * 1000,
      user_agent: info.userAgent?.slice(0, 512) ?? null,
      ip: info.ip ?? null,
      amr: info.amr ? JSON.stringify(info.amr) : null,
    };
    return { token, session };
  }

  async #evicted(ids: string[]): Promise<void> {
    for (const id of ids) await this.ctx.bus.publish(sessionTag(id));
  }

  /**
   * `verify` from the cache alone: the live session for a cookie value, or undefined when only `verify` can
   * tell (not cached, ended, or due a `last_seen_at` write).
   */
  cached(token: string): SessionRow | undefined {
    const session = this.#cache.get(sha256(token));
    if (!session) return undefined;
    const now = this.ctx.now();
    if (ended(session, now) || now - session.last_seen_at >= touchInterval(session.idle_ttl_ms))
      return undefined;
    return session;
  }

  /** The live session for a cookie value, or null. Served from cache; revocations reach it through the bus. */
  async verify(token: string): Promise<SessionRow | null> {
    const hash = sha256(token);
    const now = this.ctx.now();
    // A cached copy that looks idle may be stale (another instance touched the row): only the row decides.
    const cached = this.#cache.get(hash);
    if (cached && ended(cached, now)) this.#cache.delete(hash);
    const session = await this.#cache.read(
      hash,
      async () => (await this.#store.findByTokenHash(hash)) ?? null,
      // Only a live session is cached: a miss or an ended one is read again (and deleted) next time.
      (row) => (row && !ended(row, now) ? [sessionTag(row.id), userTag(row.user_id)] : undefined),
    );
    if (!session) return null;
    if (ended(session, now)) {
      await this.#store.deleteById(session.id);
      return null;
    }
    if (now - session.last_seen_at >= touchInterval(session.idle_ttl_ms)) {
      session.last_seen_at = now;
      await this.#store.touch(session.id, now);
    }
    return session;
  }

  list(userId: string): Promise<SessionRow[]> {
    return this.#store.listForUser(userId, this.ctx.now());
  }

  async revoke(userId: string, sessionId: string): Promise<boolean> {
    const deleted = await this.#store.deleteForUser(userId, sessionId);
    if (deleted) await this.ctx.bus.publish(sessionTag(sessionId));
    return deleted;
  }

  async setWorkspace(session: Pick<SessionRow, 'id'>, workspaceId: string | null): Promise<void> {
    await this.#store.setWorkspace(session.id, workspaceId);
    await this.ctx.bus.publish(sessionTag(session.id));
  }
}
