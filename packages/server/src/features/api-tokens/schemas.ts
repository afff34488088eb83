import { type Static, Type } from '@sinclair/typebox';
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
});
export type ApiTokenView = Static<typeof ApiTokenView>;

export const CreatedApiToken = Type.Object({
  /** The raw token: returned here, once, and nowhere else. */
  token: Type.String(),
  apiToken: ApiTokenView,
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Built field by field from the row: the hash is never copied. */
export function apiTokenView(row: ApiTokenListing): ApiTokenView {
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
  };
}
