import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { GatehouseAuthError, type GatehousePrincipal } from './principal.js';

export interface AccessTokenOptions {
  /** Gatehouse's public URL (GATEHOUSE_PUBLIC_URL): the tokens' issuer. */
  issuer: string;
  /** Where the JWKS is fetched from; default `${issuer}/oauth2/jwks`. */
  jwksUrl?: string;
  /**
   * Accepted audiences: your API's resource identifier for OAuth tokens issued to it (RFC 8707), and/or
   * Gatehouse's origin for first-party tokens (the default).
   */
  audience?: string | string[];
  /** Tolerated clock skew in seconds (default 5). */
  clockToleranceSeconds?: number;
  /** Least time between two JWKS fetches triggered by unknown keys, in seconds (default 30). */
  jwksCooldownSeconds?: number;
}

/** The one signature algorithm Gatehouse signs access tokens with. */
const ALGORITHMS = ['EdDSA'];

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * Verifies Gatehouse access tokens locally: signature with the JWKS (fetched once, cached, and fetched
 * again when a token names a key it has not seen, so a `gatehouse keys rotate` needs no restart), `typ`
 * `at+jwt`, issuer, audience and expiry. A token stays valid until it expires (minutes): for an answer
 * that sees sign-out at once, check the session with Gatehouse instead.
 */
export class AccessTokenVerifier {
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;
  readonly #issuer: string;
  readonly #audience: string[];
  readonly #tolerance: number;

  constructor(options: AccessTokenOptions) {
    this.#issuer = options.issuer.replace(/\/+$/, '');
    this.#audience = [options.audience ?? new URL(this.#issuer).origin].flat();
    this.#tolerance = options.clockToleranceSeconds ?? 5;
    // jose caches the key set, refetches on an unknown kid (at most every 30 s), and never trusts a key
    // the token brings itself.
    this.#jwks = createRemoteJWKSet(new URL(options.jwksUrl ?? `${this.#issuer}/oauth2/jwks`), {
      cooldownDuration: (options.jwksCooldownSeconds ?? 30) * 1000,
      cacheMaxAge: 10 * 60_000,
    });
  }

  /** The principal a valid token names; throws GatehouseAuthError 401 (`INVALID_TOKEN`) otherwise. */
  async verify(token: string): Promise<GatehousePrincipal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, {
        issuer: this.#issuer,
        audience: this.#audience,
        algorithms: ALGORITHMS,
        typ: 'at+jwt',
        clockTolerance: this.#tolerance,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      // A JWKS that cannot be fetched is our outage, not the caller's bad token: let it surface as such.
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) throw error;
      throw new GatehouseAuthError(
        401,
        'INVALID_TOKEN',
        'The access token is invalid or expired',
        'Bearer error="invalid_token"',
      );
    }
    return {
      kind: 'access-token',
      userId: payload.sub ?? '',
      roles: stringList(payload['roles']),
      scopes: typeof payload['scope'] === 'string' ? payload['scope'].split(' ').filter(Boolean) : [],
      workspaceId: typeof payload['wid'] === 'string' ? payload['wid'] : null,
      workspaceRoles: [],
      clientId: typeof payload['client_id'] === 'string' ? payload['client_id'] : null,
      email: null,
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : null,
    };
  }
}
