import { badRequest } from '../../lib/errors.js';

/**
 * What an API token may be limited to. Routes declare the scope they need with `requireAuth({ scope })`;
 * a token without it gets 403 `insufficient_scope` (RFC 6750 §3.1). A scope only narrows: the request still
 * runs with the owner's current roles, so a token never does more than its owner could.
 *
 * There is deliberately no scope for managing API tokens, sessions or the password: those routes refuse
 * API-token authentication outright (`requireAuth({ refuse: ['api_token'] })`), so a leaked token cannot
 * mint itself a successor or lock its owner out.
 */
export const API_TOKEN_SCOPES = [
  /** GET /api/me. */
  'profile:read',
  /** POST /api/me (profile fields; not the password). */
  'profile:write',
  /** Reading workspaces and their members. */
  'workspaces:read',
  /** Creating, renaming and deleting workspaces; managing members. */
  'workspaces:write',
] as const;

export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

const KNOWN = new Set<string>(API_TOKEN_SCOPES);

/** The scopes a new token gets: all of them when none are asked for (Qelos clients never send any). */
export function parseScopes(requested: readonly string[] | undefined): ApiTokenScope[] {
  if (requested === undefined) return [...API_TOKEN_SCOPES];
  const unknown = requested.filter((scope) => !KNOWN.has(scope));
  if (unknown.length > 0) {
    throw badRequest(`Unknown scope "${unknown[0]}"; known scopes: ${API_TOKEN_SCOPES.join(', ')}`, {
      scopes: `unknown scope "${unknown[0]}"`,
    });
  }
  if (requested.length === 0) throw badRequest('A token needs at least one scope', { scopes: 'is empty' });
  // Stored in the documented order, once each, so listings read the same whatever the client sent.
  return API_TOKEN_SCOPES.filter((scope) => requested.includes(scope));
}
