import { badRequest, forbidden } from '../../lib/errors.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Tokens this close to their end are marked in the listing and warn on every use (issue 18). */
export const EXPIRING_SOON_MS = 7 * DAY_MS;

/** The presets a client may send instead of a date. */
export const EXPIRY_PRESETS = { '30d': 30 * DAY_MS, '90d': 90 * DAY_MS, '1y': 365 * DAY_MS } as const;

/**
 * The longest custom lifetime: one year, with a day of slack so that a client computing "a year from now"
 * in a leap year or another time zone is not refused.
 */
export const MAX_LIFETIME_MS = 366 * DAY_MS;

/** ISO 8601 date or date-time, as `Date.prototype.toISOString()` and date pickers produce them. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * When a new token ends: a preset (`30d`, `90d`, `1y`), a future ISO date, or `never` (null) when the admin
 * allows never-expiring tokens. Expiry is required: long-lived credentials that never die are how leaked
 * keys stay useful for years. Without `never`, a custom date is at most a year away.
 */
export function resolveExpiry(requested: string, now: number, allowNeverExpiring: boolean): number | null {
  const value = requested.trim();
  if (value === 'never') {
    if (!allowNeverExpiring)
      throw forbidden(
        'Never-expiring API tokens are not allowed on this server',
        'NEVER_EXPIRING_NOT_ALLOWED',
      );
    return null;
  }
  if (Object.hasOwn(EXPIRY_PRESETS, value)) return now + EXPIRY_PRESETS[value as keyof typeof EXPIRY_PRESETS];
  const at = ISO_DATE.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) {
    throw badRequest(
      `expiresAt must be one of ${Object.keys(EXPIRY_PRESETS).join(', ')}, never, or an ISO date`,
      {
        expiresAt: 'is not a preset or an ISO date',
      },
    );
  }
  if (at <= now) throw badRequest('expiresAt must be in the future', { expiresAt: 'is in the past' });
  if (!allowNeverExpiring && at - now > MAX_LIFETIME_MS) {
    throw badRequest('expiresAt must be at most one year away', { expiresAt: 'is more than one year away' });
  }
  return at;
}

/** When a token really stops working: its expiry, or the end of a rotation's overlap if sooner. */
export function effectiveEnd(token: {
  expires_at: number | null;
  rotation_ends_at: number | null;
}): number | null {
  if (token.rotation_ends_at === null) return token.expires_at;
  return token.expires_at === null
    ? token.rotation_ends_at
    : Math.min(token.expires_at, token.rotation_ends_at);
}

/**
 * The `Warning` header (RFC 7234 §5.5 syntax, code 299 "miscellaneous persistent warning") for a token
 * being used close to its end, so that a CI log shows it days before the build breaks. The header was
 * dropped from HTTP caching (RFC 9111) but its shape is what log scrapers and people recognise.
 */
export function usageWarning(
  token: { id: string; expires_at: number | null; rotation_ends_at: number | null },
  now: number,
): string | undefined {
  if (token.rotation_ends_at !== null) {
    const at = new Date(token.rotation_ends_at).toISOString();
    return `299 gatehouse "This API token was rotated and stops working at ${at}; switch to its successor"`;
  }
  if (token.expires_at !== null && token.expires_at - now <= EXPIRING_SOON_MS) {
    const at = new Date(token.expires_at).toISOString();
    return `299 gatehouse "This API token expires at ${at}; rotate it with POST /api/me/api-tokens/${token.id}/rotate"`;
  }
  return undefined;
}
