import { AccessTokenVerifier } from './access-tokens.js';
import {
  GatehouseAuthError,
  type GatehousePrincipal,
  type Requirements,
  requirePrincipal,
} from './principal.js';
import { SessionChecker } from './sessions.js';

export interface GatehouseBackendOptions {
  /** Gatehouse's URL as your backend reaches it, e.g. `http://localhost:3000`. */
  appUrl: string;
  /** Gatehouse's public URL (GATEHOUSE_PUBLIC_URL), the tokens' issuer; default `appUrl`. */
  issuer?: string;
  /** Accepted token audiences; default Gatehouse's origin (first-party tokens). See AccessTokenOptions. */
  audience?: string | string[];
  /** Seconds a confirmed cookie session is trusted without asking Gatehouse again (default 5). */
  sessionCacheSeconds?: number;
  /** Least time between JWKS refetches for unknown key ids, in seconds (default 30). */
  jwksCooldownSeconds?: number;
  /** Accept cookie sessions (default true); false accepts bearer tokens only. */
  sessions?: boolean;
}

/** The request parts authentication reads, whatever the framework. */
export interface RequestCredentials {
  authorization?: string | undefined;
  cookie?: string | undefined;
}

/**
 * Authentication for your own backend against one Gatehouse: bearer access tokens verified locally with
 * the JWKS, cookie sessions confirmed by Gatehouse, and scope and role checks. One instance per process:
 * it holds the JWKS and session caches.
 *
 * @example
 * ```ts
 * const gatehouse = createGatehouseBackend({ appUrl: 'http://localhost:3000' });
 * const principal = await gatehouse.authenticate({ authorization: req.headers.authorization });
 * gatehouse.require(principal, { scopes: ['notes:read'] });
 * ```
 */
export class GatehouseBackend {
  readonly tokens: AccessTokenVerifier;
  readonly sessions: SessionChecker | undefined;

  constructor(options: GatehouseBackendOptions) {
    const issuer = options.issuer ?? options.appUrl;
    this.tokens = new AccessTokenVerifier({
      issuer,
      jwksUrl: new URL('/oauth2/jwks', options.appUrl).href,
      ...(options.audience !== undefined && { audience: options.audience }),
      ...(options.jwksCooldownSeconds !== undefined && { jwksCooldownSeconds: options.jwksCooldownSeconds }),
    });
    this.sessions =
      options.sessions === false
        ? undefined
        : new SessionChecker({
            appUrl: options.appUrl,
            ...(options.sessionCacheSeconds !== undefined && { cacheSeconds: options.sessionCacheSeconds }),
          });
  }

  /**
   * Verifies a bearer access token (a JWT) locally.
   *
   * @example
   * ```ts
   * const principal = await gatehouse.verifyAccessToken(token);
   * console.log(principal.userId, principal.scopes);
   * ```
   */
  verifyAccessToken(token: string): Promise<GatehousePrincipal> {
    return this.tokens.verify(token);
  }

  /**
   * Asks Gatehouse whether the request's session cookie is live (cached briefly).
   *
   * @example
   * ```ts
   * const principal = await gatehouse.checkSession(req.headers.cookie);
   * ```
   */
  async checkSession(cookieHeader: string | undefined): Promise<GatehousePrincipal> {
    if (!this.sessions) throw new GatehouseAuthError(401, 'UNAUTHORIZED', 'Cookie sessions are not accepted');
    return this.sessions.check(cookieHeader);
  }

  /**
   * The principal of a request: a bearer token if there is an Authorization header, else the session cookie.
   * Throws GatehouseAuthError (401) when neither holds, and (403) when `requirements` are not met.
   *
   * @example
   * ```ts
   * const principal = await gatehouse.authenticate(
   *   { authorization: req.headers.authorization, cookie: req.headers.cookie },
   *   { roles: ['admin'] },
   * );
   * ```
   */
  async authenticate(request: RequestCredentials, requirements?: Requirements): Promise<GatehousePrincipal> {
    const authorization = request.authorization?.trim();
    let principal: GatehousePrincipal;
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match?.[1]) {
        throw new GatehouseAuthError(401, 'INVALID_TOKEN', 'Send a bearer access token', 'Bearer');
      }
      principal = await this.verifyAccessToken(match[1]);
    } else if (this.sessions && SessionChecker.sessionCookie(request.cookie)) {
      principal = await this.sessions.check(request.cookie);
    } else {
      throw new GatehouseAuthError(401, 'UNAUTHORIZED', 'Sign in first', 'Bearer');
    }
    if (requirements) requirePrincipal(principal, requirements);
    return principal;
  }

  /** Throws GatehouseAuthError 403 unless the principal has every scope and one of the roles asked for. */
  require(principal: GatehousePrincipal, requirements: Requirements): void {
    requirePrincipal(principal, requirements);
  }
}

/** Creates the backend helper; see {@link GatehouseBackend}. */
export function createGatehouseBackend(options: GatehouseBackendOptions): GatehouseBackend {
  return new GatehouseBackend(options);
}
