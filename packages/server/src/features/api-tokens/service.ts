import type { AppContext } from '../../context.js';
import { newId, sha256 } from '../../lib/crypto.js';
import { AppError, badRequest, forbidden, unauthorized } from '../../lib/errors.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { type AuthConfiguration, mayUseApiTokens } from '../auth-config/configuration.js';
import type { AuthConfigService } from '../auth-config/service.js';
import type { Principal, PrincipalLoader } from '../identity/principals.js';
import { userTag } from '../identity/principals.js';
import { authUser, parseRoles } from '../identity/user-view.js';
import { resolveExpiry, usageWarning } from './expiry.js';
import { parseScopes } from './scopes.js';
import { type ApiTokenListing, type ApiTokenRow, ApiTokenStore } from './store.js';
import { displayedPrefix, generateApiToken, hasApiTokenShape, isWellFormedApiToken } from './token-format.js';
import { UsageRecorder } from './usage.js';

/** Published on the invalidation bus when a token is revoked: every instance drops it from its cache. */
export const apiTokenTag = (tokenId: string) => `api-token:${tokenId}`;

export interface NewApiTokenInput {
  nickname: string;
  /** A preset (`30d`, `90d`, `1y`), `never`, or an ISO date. */
  expiresAt: string;
  workspace?: string | null | undefined;
  scopes?: string[] | undefined;
}

/** A request's API token, checked: the stored token, its scopes, and its owner as they are now. */
export interface VerifiedApiToken {
  token: ApiTokenRow;
  scopes: string[];
  principal: Principal;
  /** The `Warning` header value when the token is being rotated out or expires within 7 days. */
  warning?: string;
}

interface CachedToken {
  row: ApiTokenRow;
  scopes: string[];
}

/**
 * API tokens (seeds 000 and 004): long-lived, scoped, expiring credentials for scripts, CI and CLIs. Only the
 * SHA-256 of a token is stored; the raw value is returned once, at creation. Checking a token costs no
 * database round trip in steady state (in-process cache). A revocation drops the token from this instance's
 * cache before the revoke call returns, and from every other instance's when the bus's NOTIFY reaches it
 * (milliseconds later on PostgreSQL).
 */
export class ApiTokenService {
  readonly #store: ApiTokenStore;
  readonly #cache: TtlCache<CachedToken | null>;
  readonly #usage: UsageRecorder;

  constructor(
    private readonly ctx: AppContext,
    private readonly principals: PrincipalLoader,
    private readonly authConfig: AuthConfigService,
  ) {
    this.#store = new ApiTokenStore(ctx.storage.db);
    this.#usage = new UsageRecorder(this.#store, ctx.log);
    this.#cache = new TtlCache<CachedToken | null>(60_000, 10_000, ctx.now).follow(ctx.bus);
    ctx.metrics.watchCache('api_tokens', this.#cache);
  }

  /** Creates a token for the user; returns the raw token (shown once) and its listing. */
  async create(
    userId: string,
    input: NewApiTokenInput,
  ): Promise<{ token: string; apiToken: ApiTokenListing }> {
    const config = await this.authConfig.get();
    const workspaceId = input.workspace || null;
    const principal = await this.principals.load(userId, workspaceId);
    if (!principal) throw unauthorized();
    if (workspaceId && !principal.workspace)
      throw forbidden('You are not a member of this workspace', 'NOT_A_MEMBER');
    assertMayCreate(config, principal);

    const nickname = input.nickname.trim();
    if (!nickname) throw badRequest('nickname must not be blank', { nickname: 'is blank' });
    const scopes = parseScopes(input.scopes);
    const now = this.ctx.now();
    const expiresAt = resolveExpiry(input.expiresAt, now, config.allowNeverExpiring);

    const token = generateApiToken();
    const row: ApiTokenRow = {
      id: newId(),
      user_id: userId,
      workspace_id: workspaceId,
      nickname,
      token_hash: sha256(token),
      token_prefix: displayedPrefix(token),
      scopes: JSON.stringify(scopes),
      expires_at: expiresAt,
      last_used_at: null,
      usage_count: 0,
      created_at: now,
      replaced_by: null,
      rotation_ends_at: null,
      expiry_notices: 0,
      expiry_notice_lease: null,
    };
    await this.#store.insert(row);
    // Insert, then count: two concurrent creations can never both slip under the limit (at worst both are
    // refused), with no dialect-specific locking.
    if ((await this.#store.countLive(userId, now)) > config.maxTokensPerUser) {
      await this.#store.deleteForUser(userId, row.id);
      throw tooManyTokens(config.maxTokensPerUser);
    }
    return { token, apiToken: { ...row, workspace_name: principal.workspace?.name ?? null } };
  }

  /** The user's tokens, newest first, expired ones included (so they can be recognised and deleted). */
  async list(userId: string): Promise<ApiTokenListing[]> {
    // Write this instance's batched usage first, so "last used" is never behind what the user just did.
    await this.#usage.flush();
    return this.#store.listForUser(userId, this.ctx.now());
  }

  /** Revokes one of the user's tokens; false when it is not theirs. Effective on every instance at once. */
  async revoke(userId: string, tokenId: string): Promise<boolean> {
    const deleted = await this.#store.deleteForUser(userId, tokenId);
    if (deleted) await this.ctx.bus.publish(apiTokenTag(tokenId));
    return deleted;
  }

  /**
   * Checks a presented token. Every failure is a 401 with a code saying why, and never echoes the token.
   * The look-up is by the token's SHA-256, so response timing tells an attacker nothing about stored
   * secrets: what is compared, in the cache or the database, is the hash of their own guess, never the
   * raw value (the row found by a hash holds that hash, so comparing them again would prove nothing).
   * Called by the API-token authenticator, after the request hook looked for changes made from the
   * shell (storage/external-changes.ts).
   *
   * The steady state (token, configuration and owner cached) is synchronous up to the owner's look-up: no
   * promise per cache, no checksum, no JSON. A cache hit needs no checksum check, because only a stored
   * token, which was well formed when it was issued, hashes to a cached entry; the checksum still refuses a
   * mistyped token before the database is asked. Every check below runs on every request, cached or not.
   */
  async verify(raw: string): Promise<VerifiedApiToken> {
    // The shape (prefix, length, alphabet) first: a regular expression, cheaper than hashing a long header.
    if (!hasApiTokenShape(raw)) throw malformed();
    const hash = sha256(raw);
    const cached = this.#cache.get(hash) ?? (await this.#load(raw, hash));
    if (!cached) throw revoked();
    const now = this.ctx.now();
    assertInForce(cached.row, now);
    const config = this.authConfig.cached() ?? (await this.authConfig.get());
    assertTokensEnabled(config);
    return this.#accept(
      cached,
      config,
      await this.principals.load(cached.row.user_id, cached.row.workspace_id),
      now,
    );
  }

  /**
   * `verify` from memory alone, with the same checks in the same order: undefined as soon as something it
   * needs (the token, the configuration, the owner) is not cached, and `verify` then decides.
   */
  verifyCached(raw: string): VerifiedApiToken | undefined {
    if (!hasApiTokenShape(raw)) throw malformed();
    const cached = this.#cache.get(sha256(raw));
    if (!cached) return undefined;
    const now = this.ctx.now();
    assertInForce(cached.row, now);
    const config = this.authConfig.cached();
    if (!config) return undefined;
    assertTokensEnabled(config);
    const principal = this.principals.cached(cached.row.user_id, cached.row.workspace_id);
    return principal === undefined ? undefined : this.#accept(cached, config, principal, now);
  }

  /** The checks that need the owner, then the token's use is counted. */
  #accept(
    { row, scopes }: CachedToken,
    config: AuthConfiguration,
    principal: Principal | null,
    now: number,
  ): VerifiedApiToken {
    if (!principal) throw revoked();
    if (row.workspace_id && !principal.workspace) {
      throw unauthorized(
        "The API token's owner is no longer a member of its workspace",
        'WORKSPACE_ACCESS_REVOKED',
      );
    }
    // authUser's roles are parsed once per cached user row, not on every request.
    const roles = authUser(principal.user).roles;
    if (!mayUseApiTokens(config, roles, principal.workspace?.role ?? null)) {
      throw unauthorized("The token owner's roles no longer allow API tokens", 'API_TOKENS_NOT_ALLOWED');
    }
    this.#usage.record(row.id, now);
    const warning = usageWarning(row, now);
    return warning ? { token: row, scopes, principal, warning } : { token: row, scopes, principal };
  }

  /** Writes pending usage; called when the app closes. Never throws: a close must finish. */
  async close(): Promise<void> {
    await this.#usage.close().catch(() => {});
  }

  /** A cache miss: the checksum refuses a mistyped token, then the database is asked. */
  async #load(raw: string, hash: string): Promise<CachedToken | null> {
    if (!isWellFormedApiToken(raw)) throw malformed();
    return this.#cache.read(
      hash,
      async () => {
        const row = await this.#store.findByHash(hash);
        return row ? { row, scopes: JSON.parse(row.scopes) as string[] } : null;
      },
      (entry) => (entry ? [apiTokenTag(entry.row.id), userTag(entry.row.user_id)] : undefined),
    );
  }
}

const revoked = () => unauthorized('The API token is invalid or has been revoked', 'INVALID_API_TOKEN');

/** Expired, or a rotated token past its overlap (refused exactly like a revoked one, issue 18). */
function assertInForce(row: ApiTokenRow, now: number): void {
  if (row.expires_at !== null && now >= row.expires_at)
    throw unauthorized('The API token has expired', 'API_TOKEN_EXPIRED');
  if (row.rotation_ends_at !== null && now >= row.rotation_ends_at) throw revoked();
}

function assertTokensEnabled(config: AuthConfiguration): void {
  if (!config.allowUserTokenAuthentication)
    throw unauthorized('API token authentication is disabled on this server', 'API_TOKENS_DISABLED');
}

const malformed = () =>
  unauthorized('The API token is malformed; check that it was copied whole', 'INVALID_API_TOKEN');

export const tooManyTokens = (max: number) =>
  new AppError(
    409,
    'MAX_TOKENS_REACHED',
    `You already have ${max} active API tokens, the most allowed; revoke one first`,
  );

/** The rules every new token passes, whether created or minted by a rotation. */
export function assertMayCreate(config: AuthConfiguration, principal: Principal): void {
  if (!config.allowUserTokenAuthentication)
    throw forbidden('API tokens are disabled on this server', 'API_TOKENS_DISABLED');
  if (!mayUseApiTokens(config, parseRoles(principal.user), principal.workspace?.role ?? null)) {
    throw forbidden(
      'Your roles do not allow API tokens here; ask an administrator to grant them',
      'API_TOKENS_NOT_ALLOWED',
    );
  }
}
