import type { AppContext } from '../../context.js';
import type { ActiveWorkspace, AuthContext } from '../../http/auth-context.js';
import { newId, randomSecret, sha256 } from '../../lib/crypto.js';
import { invalidToken, unauthorized } from '../../lib/errors.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { type Principal, type PrincipalLoader, userTag } from '../identity/principals.js';
import type { UserRow } from '../identity/user-store.js';
import { parseRoles } from '../identity/user-view.js';
import type { SigningKeyRing } from '../signing-keys/key-ring.js';
import { AccessTokens, type VerifiedAccessToken } from './access-token.js';
import type { RotatedFamily } from './rotation-sql.js';
import type { IssuedTokens, TokenSignIn } from './sign-in.js';
import {
  type FamilyRow,
  type RevokeReason,
  type Successor,
  type TokenSessionListing,
  TokenStore,
} from './store.js';

/** Published on the bus when a family is revoked or moved: every instance drops its cached state at once. */
export const familyTag = (familyId: string) => `family:${familyId}`;

/**
 * A rotation that went through: the family (all of it for an OAuth client's rotation, what a first-party
 * one needs otherwise), and the successor refresh token to hand out.
 */
export type RotationOutcome<Family extends RotatedFamily = FamilyRow> =
  | { ok: true; family: Family; refreshToken: string }
  | { ok: false; reused: false }
  | { ok: false; reused: true; familyId: string; userId: string };

export type RefreshOutcome =
  | { ok: true; tokens: IssuedTokens; principal: Principal }
  /** `reused`: a rotated token came back; its family was revoked (the route logs it as a security event). */
  | { ok: false; reused: false }
  | { ok: false; reused: true; familyId: string; userId: string };

/**
 * Token sign-in (HTTP-API.md): a sign-in starts a family; each refresh rotates its opaque refresh token;
 * reusing a rotated token revokes the family and every token issued from it (RFC 9700 §4.14.2). Access
 * tokens are short-lived JWTs; their family's revocation is checked through a bus-invalidated cache, so a
 * steady-state request costs no query and a revocation applies on the next request on every instance.
 */
export class TokenService implements TokenSignIn {
  readonly accessTokens: AccessTokens;
  readonly #store: TokenStore;
  readonly #families: TtlCache<FamilyRow | null>;

  constructor(
    private readonly ctx: AppContext,
    keys: SigningKeyRing,
    private readonly principals: PrincipalLoader,
  ) {
    this.accessTokens = new AccessTokens(ctx, keys);
    this.#store = new TokenStore(ctx.storage.db, ctx.storage.sqliteWrite);
    this.#families = new TtlCache<FamilyRow | null>(30_000, 10_000, ctx.now).follow(ctx.bus);
    ctx.metrics.watchCache('token_families', this.#families);
  }

  async issue(
    user: UserRow,
    workspace: ActiveWorkspace | null,
    request: { ip: string; userAgent: string | undefined },
  ): Promise<IssuedTokens> {
    const now = this.ctx.now();
    const { refreshTtl, refreshIdleTtl } = this.ctx.config.tokens;
    const family: FamilyRow = {
      id: newId(),
      user_id: user.id,
      workspace_id: workspace?.id ?? null,
      created_at: now,
      expires_at: now + refreshTtl * 1000,
      revoked_at: null,
      revoked_reason: null,
      user_agent: request.userAgent?.slice(0, 512) ?? null,
      ip: request.ip,
      client_id: null,
      scope: null,
      resource: null,
      auth_time: null,
      amr: null,
    };
    const refreshToken = randomSecret();
    const evicted = await this.#store.createFamily(family, {
      token_hash: sha256(refreshToken),
      family_id: family.id,
      created_at: now,
      expires_at: Math.min(now + refreshIdleTtl * 1000, family.expires_at),
      consumed_at: null,
      successor_sealed: null,
      successor_until: null,
    });
    for (const id of evicted) await this.ctx.bus.publish(familyTag(id));
    return this.#pair(family.id, user, workspace?.id ?? null, refreshToken);
  }

  /** Rotates a first-party refresh token (an OAuth client's refresh token is refused here). */
  async refresh(refreshToken: string): Promise<RefreshOutcome> {
    const rotated = await this.rotate(refreshToken, null);
    if (!rotated.ok) return rotated;
    return this.#respond(rotated.family, rotated.refreshToken);
  }

  /**
   * Rotates a refresh token of the families issued to `clientId` (null: first-party sign-ins): one atomic
   * consume, or a retry within the window, or reuse detection. The OAuth token endpoint shares it, so OAuth
   * grants have exactly the rotation and reuse rules of /api/token/refresh.
   */
  rotate(refreshToken: string, clientId: string): Promise<RotationOutcome>;
  rotate(refreshToken: string, clientId: null): Promise<RotationOutcome<RotatedFamily>>;
  async rotate(refreshToken: string, clientId: string | null): Promise<RotationOutcome<RotatedFamily>> {
    const now = this.ctx.now();
    const hash = sha256(refreshToken);
    const successor = randomSecret();
    const family = await this.#store.rotate(hash, now, this.#successor(successor, now), clientId);
    if (family) return { ok: true, family, refreshToken: successor };
    return this.#afterFailedRotation(hash, now, clientId);
  }

  async #afterFailedRotation(hash: string, now: number, clientId: string | null): Promise<RotationOutcome> {
    const token = await this.#store.findToken(hash);
    // Unknown, or never used but expired (idle end) or in a dead family: nothing to detect.
    if (!token || token.consumed_at === null) return { ok: false, reused: false };
    const family = await this.#store.findFamily(token.family_id);
    // Another client's token (or a first-party one at the OAuth endpoint) is just invalid here.
    if (!family || family.revoked_at !== null || family.expires_at <= now || family.client_id !== clientId)
      return { ok: false, reused: false };
    // The immediately previous token, retried within the window (its response was lost), gets the same
    // successor as long as that successor is still unused. Anything else is a replay (SECURITY.md).
    if (token.successor_sealed && token.successor_until !== null && now < token.successor_until) {
      const successor = this.ctx.secrets.open(token.successor_sealed);
      const next = await this.#store.findToken(sha256(successor));
      if (next && next.consumed_at === null && next.expires_at > now)
        return { ok: true, family, refreshToken: successor };
    }
    await this.#revoke(family.id, 'reuse');
    this.ctx.metrics.refreshReuse();
    return { ok: false, reused: true, familyId: family.id, userId: family.user_id };
  }

  async #respond(family: RotatedFamily, refreshToken: string): Promise<RefreshOutcome> {
    const principal = await this.principals.load(family.user_id, family.workspace_id);
    if (!principal) return { ok: false, reused: false };
    const tokens = await this.#pair(family.id, principal.user, principal.workspace?.id ?? null, refreshToken);
    return { ok: true, tokens, principal };
  }

  /**
   * Verifies an access token and that its family is still alive; throws 401 invalid_token otherwise.
   * The family (not the token's `wid` claim) says which workspace the session is in, so a switch applies at
   * once even to access tokens minted before it: clients such as @qelos/sdk keep using those.
   */
  async verifyAccessToken(token: string): Promise<{ claims: VerifiedAccessToken; family: FamilyRow }> {
    const claims = await this.accessTokens.verify(token);
    return { claims, family: this.#liveFamilyOf(claims, await this.#family(claims.familyId)) };
  }

  /**
   * `verifyAccessToken` from memory alone: undefined when the token or its family is not cached (then
   * `verifyAccessToken` decides). Throws as it does when the family has ended.
   */
  cachedAccessToken(token: string): { claims: VerifiedAccessToken; family: FamilyRow } | undefined {
    const claims = this.accessTokens.cached(token);
    if (!claims) return undefined;
    const family = this.#families.get(familyTag(claims.familyId));
    return family === undefined ? undefined : { claims, family: this.#liveFamilyOf(claims, family) };
  }

  #liveFamilyOf(claims: VerifiedAccessToken, family: FamilyRow | null): FamilyRow {
    const now = this.ctx.now();
    if (!family || family.revoked_at !== null || family.expires_at <= now || family.user_id !== claims.userId)
      throw invalidToken(undefined, 'the token session has ended (logout, revocation or expiry)');
    return family;
  }

  /** Ends one family (an OAuth grant revoked, a replayed authorization code) on every instance. */
  async revokeFamily(familyId: string, reason: RevokeReason): Promise<void> {
    await this.#revoke(familyId, reason);
  }

  /** Ends every grant of an OAuth client, or one user's grants of it; returns how many ended. */
  async revokeClientGrants(
    clientId: string,
    userId: string | undefined,
    reason: RevokeReason,
  ): Promise<number> {
    const revoked = await this.#store.revokeClientFamilies(clientId, userId, this.ctx.now(), reason);
    for (const id of revoked) await this.ctx.bus.publish(familyTag(id));
    return revoked.length;
  }

  /**
   * Whether a family is alive now: from the bus-invalidated cache, or (`fresh`) from the database, for
   * introspection while the invalidation listener reconnects (no revocation from elsewhere reaches the cache).
   */
  async liveFamily(familyId: string, fresh = false): Promise<FamilyRow | undefined> {
    const family = fresh ? await this.#store.findFamily(familyId) : await this.#family(familyId);
    if (!family || family.revoked_at !== null || family.expires_at <= this.ctx.now()) return undefined;
    return family;
  }

  /** Logout with a bearer token: the whole family ends, refresh and access tokens alike. */
  async revokeCurrent(auth: AuthContext): Promise<void> {
    if (auth.kind === 'access_token' && auth.familyId) await this.#revoke(auth.familyId, 'logout');
  }

  /**
   * Logout with credentials that no longer authenticate: an access token that expired (by the server's clock,
   * perhaps not the client's) or a refresh token sent in the body. Either still names its family, which
   * must end: a logout that leaves the refresh token alive is no logout. Anything unrecognised is ignored.
   */
  async revokePresented(presented: {
    accessToken?: string | undefined;
    refreshToken?: string | undefined;
  }): Promise<void> {
    if (presented.accessToken) {
      const claims = await this.accessTokens
        .verify(presented.accessToken, this.ctx.config.tokens.refreshTtl)
        .catch(() => undefined);
      if (claims) await this.#revoke(claims.familyId, 'logout');
    }
    if (presented.refreshToken) {
      const token = await this.#store.findToken(sha256(presented.refreshToken));
      if (token) await this.#revoke(token.family_id, 'logout');
    }
  }

  /** The user's live token sign-ins, most recently used first. */
  listForUser(userId: string): Promise<TokenSessionListing[]> {
    return this.#store.listLive(userId, this.ctx.now());
  }

  /**
   * The user ends one of their token sign-ins (a lost phone, a script signed in with a password). Its
   * refresh token dies at once and its access tokens on their next request on every instance.
   */
  async revokeForUser(userId: string, familyId: string): Promise<boolean> {
    const revoked = await this.#store.revokeOwnedFamily(userId, familyId, this.ctx.now(), 'revoked_by_user');
    if (revoked) await this.ctx.bus.publish(familyTag(familyId));
    return revoked;
  }

  async switchWorkspace(auth: AuthContext, workspace: ActiveWorkspace): Promise<IssuedTokens> {
    if (auth.kind !== 'access_token' || !auth.familyId)
      throw unauthorized('Only a token session can switch workspace this way');
    const now = this.ctx.now();
    const successor = randomSecret();
    // The switch hand-over (docs/tokens.md), distinct from the retry window: the refresh token held before
    // the switch keeps leading to this one successor until either is used, or until the old token's own
    // idle end. Clients that ignore the switch response (@qelos/sdk) refresh with the old token minutes
    // later and carry on, while there is never more than one live refresh token in the family.
    const family = await this.#store.moveFamily(auth.familyId, workspace.id, now, {
      ...this.#successor(successor, now),
      sealed: this.ctx.secrets.seal(successor),
      retryUntil: now + this.ctx.config.tokens.refreshIdleTtl * 1000,
    });
    if (!family) throw invalidToken();
    await this.ctx.bus.publish(familyTag(family.id));
    const principal = await this.principals.load(family.user_id, workspace.id);
    if (!principal) throw invalidToken();
    return this.#pair(family.id, principal.user, workspace.id, successor);
  }

  async #pair(
    familyId: string,
    user: UserRow,
    workspaceId: string | null,
    refreshToken: string,
  ): Promise<IssuedTokens> {
    const token = await this.accessTokens.mint({
      userId: user.id,
      roles: parseRoles(user),
      workspaceId,
      familyId,
    });
    return { token, refreshToken, expiresIn: this.accessTokens.lifetimeSeconds, tokenType: 'Bearer' };
  }

  #successor(raw: string, now: number): Successor {
    const { refreshIdleTtl, refreshRetryWindow } = this.ctx.config.tokens;
    return {
      hash: sha256(raw),
      // Sealed with the master key, and only for the retry window: the raw value is never stored in clear.
      sealed: refreshRetryWindow > 0 ? this.ctx.secrets.seal(raw) : null,
      retryUntil: now + refreshRetryWindow * 1000,
      idleTtlMs: refreshIdleTtl * 1000,
    };
  }

  async #family(familyId: string): Promise<FamilyRow | null> {
    return this.#families.read(
      familyTag(familyId),
      async () => (await this.#store.findFamily(familyId)) ?? null,
      (family) => (family ? [userTag(family.user_id)] : []),
    );
  }

  async #revoke(familyId: string, reason: RevokeReason): Promise<void> {
    await this.#store.revokeFamily(familyId, this.ctx.now(), reason);
    await this.ctx.bus.publish(familyTag(familyId));
  }
}
