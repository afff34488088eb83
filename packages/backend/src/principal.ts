/** Who a request comes from, as Gatehouse vouches for it. */
export interface GatehousePrincipal {
  /** `access-token`: a JWT verified locally with Gatehouse's JWKS; `session`: a cookie session Gatehouse confirmed. */
  kind: 'access-token' | 'session';
  /** The user's id (`sub`); for a client_credentials token, the OAuth client's id. */
  userId: string;
  /** Global roles, e.g. `['user', 'admin']`. */
  roles: string[];
  /** Scopes granted to the token (OAuth `scope` claim); empty for first-party tokens and cookie sessions. */
  scopes: string[];
  /** The active workspace, if any. */
  workspaceId: string | null;
  /** Roles in the active workspace (cookie sessions only: access tokens carry no workspace roles). */
  workspaceRoles: string[];
  /** The OAuth client the token was issued to (`gatehouse` for first-party tokens); null for sessions. */
  clientId: string | null;
  /** The e-mail address (cookie sessions; tokens do not carry it). */
  email: string | null;
  /** When the credential stops being valid (epoch ms), if known. */
  expiresAt: number | null;
}

/** What a route requires beyond a valid credential. */
export interface Requirements {
  /** Every one of these scopes must be granted (OAuth tokens). */
  scopes?: string[];
  /** At least one of these global or workspace roles must be held. */
  roles?: string[];
}

/**
 * A refused request: `status` 401 (no or bad credential; `wwwAuthenticate` says why, RFC 6750 §3) or 403
 * (authenticated, but lacking a scope or role). Adapters turn it into a JSON answer in Gatehouse's error shape.
 */
export class GatehouseAuthError extends Error {
  override readonly name = 'GatehouseAuthError';
  constructor(
    readonly status: 401 | 403,
    readonly code: 'UNAUTHORIZED' | 'INVALID_TOKEN' | 'INSUFFICIENT_SCOPE' | 'FORBIDDEN',
    message: string,
    readonly wwwAuthenticate?: string,
  ) {
    super(message);
  }

  /** The response body: `{ code, message }`, as Gatehouse's own API answers. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/**
 * Throws 403 unless the principal meets the requirements.
 *
 * @example
 * ```ts
 * requirePrincipal(principal, { scopes: ['notes:write'] });
 * ```
 */
export function requirePrincipal(principal: GatehousePrincipal, requirements: Requirements = {}): void {
  const missing = (requirements.scopes ?? []).filter((scope) => !principal.scopes.includes(scope));
  if (missing.length > 0) {
    throw new GatehouseAuthError(
      403,
      'INSUFFICIENT_SCOPE',
      `This needs the scope ${missing.join(' ')}`,
      `Bearer error="insufficient_scope", scope="${(requirements.scopes ?? []).join(' ')}"`,
    );
  }
  const roles = requirements.roles ?? [];
  const held = new Set([...principal.roles, ...principal.workspaceRoles]);
  if (roles.length > 0 && !roles.some((role) => held.has(role))) {
    throw new GatehouseAuthError(403, 'FORBIDDEN', `This needs one of the roles ${roles.join(', ')}`);
  }
}
