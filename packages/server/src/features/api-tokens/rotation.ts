import type { AppContext } from '../../context.js';
import { newId, sha256 } from '../../lib/crypto.js';
import { AppError, badRequest, conflict, forbidden, notFound, unauthorized } from '../../lib/errors.js';
import type { AuthConfigService } from '../auth-config/service.js';
import type { PrincipalLoader } from '../identity/principals.js';
import { DAY_MS, MAX_LIFETIME_MS } from './expiry.js';
import { apiTokenTag, assertMayCreate, tooManyTokens } from './service.js';
import { type ApiTokenListing, type ApiTokenRow, ApiTokenStore } from './store.js';
import { displayedPrefix, generateApiToken } from './token-format.js';

export const DEFAULT_OVERLAP_SECONDS = 24 * 60 * 60;
export const MAX_OVERLAP_SECONDS = 7 * 24 * 60 * 60;

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** An overlap as seconds (`3600`) or a duration (`90m`, `24h`, `7d`); at most 7 days. */
export function parseOverlap(raw: string | number | undefined): number {
  if (raw === undefined) return DEFAULT_OVERLAP_SECONDS;
  const match = typeof raw === 'number' ? null : /^(\d{1,7})([smhd])$/.exec(raw.trim());
  const seconds = typeof raw === 'number' ? raw : match ? Number(match[1]) * UNITS[match[2]!]! : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw badRequest('overlap must be a number of seconds or a duration such as 90m, 24h or 7d', {
      overlap: 'is not a duration',
    });
  }
  if (seconds > MAX_OVERLAP_SECONDS)
    throw badRequest('overlap must be at most 7 days', { overlap: 'is more than 7 days' });
  return seconds;
}

/**
 * Rotation with a transition period (seed 004, issue 18): a successor with the same nickname, scopes,
 * workspace and lifetime is minted and shown once; the old token keeps working until the overlap ends,
 * then is refused like a revoked one. Creation's rules apply to the successor (the admin policy, the
 * workspace membership, the per-user limit); the route refuses API-token authentication as creation does.
 */
export class ApiTokenRotation {
  readonly #store: ApiTokenStore;

  constructor(
    private readonly ctx: AppContext,
    private readonly principals: PrincipalLoader,
    private readonly authConfig: AuthConfigService,
  ) {
    this.#store = new ApiTokenStore(ctx.storage.db);
  }

  async rotate(
    userId: string,
    tokenId: string,
    overlapSeconds: number,
  ): Promise<{ token: string; apiToken: ApiTokenListing; rotated: ApiTokenListing }> {
    const now = this.ctx.now();
    const old = await this.#store.findForUser(userId, tokenId);
    if (!old) throw notFound('API token not found');
    if (old.replaced_by !== null) throw alreadyRotated();
    if (old.expires_at !== null && old.expires_at <= now)
      throw new AppError(
        409,
        'API_TOKEN_EXPIRED',
        'An expired API token cannot be rotated; create a new one',
      );

    const config = await this.authConfig.get();
    const principal = await this.principals.load(userId, old.workspace_id);
    if (!principal) throw unauthorized();
    if (old.workspace_id && !principal.workspace)
      throw forbidden('You are not a member of this workspace', 'NOT_A_MEMBER');
    assertMayCreate(config, principal);

    const token = generateApiToken();
    const successor: ApiTokenRow = {
      ...old,
      id: newId(),
      token_hash: sha256(token),
      token_prefix: displayedPrefix(token),
      expires_at: this.#successorExpiry(old, now, config.allowNeverExpiring),
      last_used_at: null,
      usage_count: 0,
      created_at: now,
      replaced_by: null,
      rotation_ends_at: null,
      expiry_notices: 0,
      expiry_notice_lease: null,
    };
    // The old token never outlives its own expiry because of a rotation.
    const endsAt = Math.min(now + overlapSeconds * 1000, old.expires_at ?? Number.POSITIVE_INFINITY);
    // The claim and the successor commit together: a successor exists only for the one claim that won.
    await this.ctx.storage.db.transaction().execute(async (trx) => {
      const store = new ApiTokenStore(trx);
      if (!(await store.claimRotation(userId, old.id, successor.id, endsAt))) throw alreadyRotated();
      await store.insert(successor);
    });
    // Every instance re-reads the old token, and with it the end of its overlap (also after an undo).
    try {
      // Counted after the commit, as creation counts after its insert: a concurrent creation or rotation
      // sees this successor and this one sees theirs, so they cannot both slip under the limit (at worst
      // both are refused). A count inside the transaction would not see the other's uncommitted insert.
      if ((await this.#store.countLive(userId, now)) > config.maxTokensPerUser) {
        await this.ctx.storage.db.transaction().execute(async (trx) => {
          const store = new ApiTokenStore(trx);
          await store.deleteForUser(userId, successor.id);
          await store.releaseRotation(userId, old.id, successor.id);
        });
        throw tooManyTokens(config.maxTokensPerUser);
      }
    } finally {
      await this.ctx.bus.publish(apiTokenTag(old.id));
    }
    const workspace_name = principal.workspace?.name ?? null;
    return {
      token,
      apiToken: { ...successor, workspace_name },
      rotated: { ...old, replaced_by: successor.id, rotation_ends_at: endsAt, workspace_name },
    };
  }

  /**
   * The same lifetime policy: a never-expiring token stays so (while the admin still allows it), and a
   * token with a lifetime gets that lifetime again from now, within creation's one-year limit.
   */
  #successorExpiry(old: ApiTokenRow, now: number, allowNeverExpiring: boolean): number | null {
    if (old.expires_at === null) {
      if (!allowNeverExpiring)
        throw forbidden(
          'Never-expiring API tokens are not allowed on this server',
          'NEVER_EXPIRING_NOT_ALLOWED',
        );
      return null;
    }
    const lifetime = Math.max(old.expires_at - old.created_at, DAY_MS);
    return now + (allowNeverExpiring ? lifetime : Math.min(lifetime, MAX_LIFETIME_MS));
  }
}

const alreadyRotated = () =>
  conflict(
    'This API token is already being rotated out; rotate its successor instead, or revoke it',
    'API_TOKEN_ROTATING',
  );
