import { API_TOKEN_SCOPES } from '../api-tokens/scopes.js';

/** OIDC scopes (OIDC Core §5.4, §11) every deployment supports. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** What discovery advertises: the OIDC scopes and the scopes Gatehouse's own API understands. */
export const SUPPORTED_SCOPES: readonly string[] = [...OIDC_SCOPES, ...API_TOKEN_SCOPES];

/** A scope string as a list: split on spaces (RFC 6749 §3.3), duplicates dropped, order kept. */
export function parseScope(scope: string | undefined): string[] {
  if (!scope) return [];
  // One scope (most requests) has nothing to split or de-duplicate.
  if (!scope.includes(' ')) return [scope];
  return [...new Set(scope.split(' ').filter((part) => part.length > 0))];
}

export const formatScope = (scopes: readonly string[]) => scopes.join(' ');

/** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The API scopes an access token for Gatehouse carries, from its `scope` claim. */
export function apiScopesOf(scope: string): string[] {
  const granted = new Set(parseScope(scope));
  return API_TOKEN_SCOPES.filter((name) => granted.has(name));
}
