import { type Static, Type } from '@sinclair/typebox';
import { EXPIRING_SOON_MS, effectiveEnd } from './expiry.js';
import type { ApiTokenListing } from './store.js';

export const CreateApiTokenBody = Type.Object(
  {
    nickname: Type.String({ minLength: 1, maxLength: 100 }),
    /** `30d`, `90d`, `1y`, `never` (when allowed) or an ISO date; checked by the service for a clear message. */
    expiresAt: Type.String({ minLength: 1, maxLength: 64 }),
    workspace: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
    scopes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type CreateApiTokenBody = Static<typeof CreateApiTokenBody>;

export const ApiTokenIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/**
 * A token on the wire (HTTP-API.md). Used as the response schema, so neither the hash nor the raw token can
 * ever be serialised from it, whatever object a handler returns.
 */
export const ApiTokenView = Type.Object({
  _id: Type.String(),
  nickname: Type.String(),
  tokenPrefix: Type.String(),
  scopes: Type.Array(Type.String()),
  workspace: Type.Union([Type.Object({ _id: Type.String(), name: Type.String() }), Type.Null()]),
  /** Null for a never-expiring token. */
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  usageCount: Type.Integer(),
  created: Type.String(),
  /** `rotating` while a rotation's overlap runs; `expired` past `expiresAt`. */
  status: Type.Union([Type.Literal('active'), Type.Literal('rotating'), Type.Literal('expired')]),
  /** True when the token stops working within 7 days (its expiry, or the end of its rotation). */
  expiresSoon: Type.Boolean(),
  /** Set on a token being rotated out: its successor, and when this token stops working. */
  rotation: Type.Union([Type.Object({ successor: Type.String(), endsAt: Type.String() }), Type.Null()]),
  /** On a successor: the token it replaces, while that one is still listed. */
  replaces: Type.Union([Type.String(), Type.Null()]),
});
export type ApiTokenView = Static<typeof ApiTokenView>;

export const RotateApiTokenBody = Type.Object(
  {
    /** Seconds, or a duration such as `90m`, `24h`, `7d`; default 24 h, at most 7 days. */
    overlap: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 2, maxLength: 16 })]),
    ),
  },
  { additionalProperties: false },
);
export type RotateApiTokenBody = Static<typeof RotateApiTokenBody>;

export const RotatedApiToken = Type.Object({
  /** The successor's raw token: returned here, once, and nowhere else. */
  token: Type.String(),
  /** The successor. */
  apiToken: ApiTokenView,
  /** The old token, now rotating: it works until `rotation.endsAt`. */
  rotated: ApiTokenView,
});

export const CreatedApiToken = Type.Object({
  /** The raw token: returned here, once, and nowhere else. */
  token: Type.String(),
  apiToken: ApiTokenView,
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Built field by field from the row: the hash is never copied. `replaces` is the id of the listed token
 * this one succeeded, when the caller knows it.
 */
export function apiTokenView(
  row: ApiTokenListing,
  now: number,
  replaces: string | null = null,
): ApiTokenView {
  const end = effectiveEnd(row);
  return {
    _id: row.id,
    nickname: row.nickname,
    tokenPrefix: row.token_prefix,
    scopes: JSON.parse(row.scopes) as string[],
    workspace: row.workspace_id ? { _id: row.workspace_id, name: row.workspace_name ?? '' } : null,
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    usageCount: Number(row.usage_count),
    created: new Date(row.created_at).toISOString(),
    status:
      row.expires_at !== null && row.expires_at <= now
        ? 'expired'
        : row.rotation_ends_at !== null
          ? 'rotating'
          : 'active',
    expiresSoon: end !== null && end > now && end - now <= EXPIRING_SOON_MS,
    rotation:
      row.replaced_by !== null && row.rotation_ends_at !== null
        ? { successor: row.replaced_by, endsAt: new Date(row.rotation_ends_at).toISOString() }
        : null,
    replaces,
  };
}

/** A listing, with each successor linked to the token it replaces. */
export function apiTokenViews(rows: readonly ApiTokenListing[], now: number): ApiTokenView[] {
  const predecessor = new Map(rows.filter((r) => r.replaced_by !== null).map((r) => [r.replaced_by!, r.id]));
  return rows.map((row) => apiTokenView(row, now, predecessor.get(row.id) ?? null));
}
